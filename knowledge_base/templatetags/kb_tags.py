from django import template

from knowledge_base.selectors import public_articles_exist

register = template.Library()


@register.simple_tag(takes_context=True)
def kb_open_to_visitors(context) -> bool:
    """Whether visitors who are not signed in have public articles to read here (cached)."""
    request = context.get("request")
    tenant = getattr(request, "tenant", None)
    return tenant is not None and public_articles_exist(tenant=tenant)
