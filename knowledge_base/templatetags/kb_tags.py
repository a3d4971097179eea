from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from knowledge_base.models import Article, ArticleStatus
from knowledge_base.selectors import public_articles_exist

register = template.Library()


@register.simple_tag(takes_context=True)
def kb_open_to_visitors(context) -> bool:
    """Whether visitors who are not signed in have public articles to read here (cached)."""
    request = context.get("request")
    tenant = getattr(request, "tenant", None)
    return tenant is not None and public_articles_exist(tenant=tenant)


@register.filter
def article_status_label(value: str) -> str:
    """An article status as readers of the history see it ("draft" → "Draft")."""
    try:
        return str(ArticleStatus(value).label).lower()
    except ValueError:
        return value


@register.filter
def article_field_labels(names) -> str:
    """The edited fields of a history entry, by their labels, separated by commas."""
    labels = []
    for name in names or []:
        if name == "translation":
            labels.append(_("translation"))
            continue
        try:
            labels.append(str(Article._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            labels.append(name)
    return ", ".join(labels)
