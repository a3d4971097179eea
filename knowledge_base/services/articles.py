"""Writes to the knowledge base's articles: categories, tags, saving, and status changes."""

import html
import re
from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Tenant, User
from helpdesk.markdown import (
    RENDERER_VERSION,
    article_max_length,
    markdown_check_length,
    render_markdown,
)

from ..models import Article, ArticleEvent, ArticleStatus, Category, Language, Tag, Visibility
from ..search import MARK_START, MARK_STOP
from ..selectors import languages_cache_key, public_exists_cache_key
from .translations import (
    article_check_translation,
    article_link_translation,
    linked_translation_pk,
)

# Allowed status changes; anything else is refused.
TRANSITIONS: dict[str, set[str]] = {
    ArticleStatus.DRAFT: {ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED},
    ArticleStatus.PUBLISHED: {ArticleStatus.DRAFT, ArticleStatus.ARCHIVED},
    ArticleStatus.ARCHIVED: {ArticleStatus.DRAFT, ArticleStatus.PUBLISHED},
}

WHITESPACE = re.compile(r"\s+")


def _require_editor(actor: User | None, tenant: Tenant) -> None:
    if actor is None:
        return  # seeding and maintenance commands
    if actor.is_superuser:
        return
    if not (actor.is_agent and actor.tenant_id == tenant.pk):
        raise PermissionDenied(_("Only the help desk's staff edit articles."))


def markdown_plain_text(body: str) -> str:
    """What a reader sees of the Markdown, as one line of text (for search and snippets)."""
    text = html.unescape(strip_tags(render_markdown(body)))
    text = text.replace(MARK_START, "").replace(MARK_STOP, "")
    return WHITESPACE.sub(" ", text).strip()


def _clear_public_cache(tenant_id: int) -> None:
    cache.delete_many([public_exists_cache_key(tenant_id), languages_cache_key(tenant_id)])


# --- categories and tags ----------------------------------------------------------------------


def category_check(*, category: Category) -> None:
    """Categories nest at most two levels deep and never across tenants."""
    parent = category.parent
    if parent is None:
        return
    if parent.tenant_id != category.tenant_id:
        raise ValidationError({"parent": _("Choose a category of this help desk.")})
    if category.pk is not None and parent.pk == category.pk:
        raise ValidationError({"parent": _("A category cannot be its own parent.")})
    if parent.parent_id is not None:
        raise ValidationError(
            {"parent": _("Subcategories cannot have subcategories of their own.")}
        )
    if (
        category.pk is not None
        and Category.objects.for_tenant(category.tenant_id).filter(parent=category).exists()
    ):
        raise ValidationError(
            {"parent": _("This category has subcategories, so it must stay at the top level.")}
        )


@transaction.atomic
def category_save(*, category: Category) -> Category:
    if not category.slug:
        category.slug = _unique_slug(
            Category.objects.for_tenant(category.tenant_id), category.name, category.pk
        )
    category_check(category=category)
    category.save()
    return category


def tags_from_names(*, tenant: Tenant, names: Iterable[str]) -> list[Tag]:
    """Tags by name, created on first use; “VPN” and “vpn” are the same tag."""
    tags: dict[str, Tag] = {}
    for name in names:
        name = WHITESPACE.sub(" ", name).strip()[:60]
        slug = slugify(name)[:70]
        if not slug or slug in tags:
            continue
        tag, _ = Tag.objects.for_tenant(tenant).get_or_create(
            slug=slug, defaults={"tenant": tenant, "name": name}
        )
        tags[slug] = tag
    return list(tags.values())


# --- articles -------------------------------------------------------------------------------


def _unique_slug(queryset, text: str, own_pk: int | None) -> str:
    base = slugify(text)[:200] or "article"
    slug, n = base, 2
    while queryset.filter(slug=slug).exclude(pk=own_pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def article_check_audience(*, visibility: str, plans) -> None:
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who can read the article.")})
    if plans and visibility != Visibility.CUSTOMERS:
        # Plans belong to customers' organizations: a public visitor or a member of staff
        # has none, so a limit would be meaningless (and misleading) there.
        raise ValidationError(
            {
                "plans": _(
                    "Only articles for signed-in customers can be limited to plans. "
                    "Choose “Signed-in customers” or untick the plans."
                )
            }
        )


def _check_references(
    *,
    tenant: Tenant,
    category: Category | None,
    plans,
    related,
    visibility: str,
    article_pk=None,
) -> None:
    errors = {}
    try:
        article_check_audience(visibility=visibility, plans=plans)
    except ValidationError as error:
        errors.update(error.message_dict)
    if category is not None and category.tenant_id != tenant.pk:
        errors["category"] = _("Choose a category of this help desk.")
    if any(plan.tenant_id != tenant.pk for plan in plans):
        errors["plans"] = _("Choose plans of this help desk.")
    if any(other.tenant_id != tenant.pk for other in related):
        errors["related"] = _("Related articles must belong to this help desk.")
    elif article_pk is not None and any(other.pk == article_pk for other in related):
        errors["related"] = _("An article cannot be related to itself.")
    if errors:
        raise ValidationError(errors)


def article_save(
    *, article: Article, actor: User | None, created: bool, changed: Iterable[str] = ()
) -> Article:
    """Derive the searchable text, check the slug and save; one event row per save.

    Used by the portal editor (through ``article_create``/``article_update``) and by Django
    admin, so both paths behave the same.
    """
    tenant_id = article.tenant_id
    _require_editor(actor, article.tenant)
    if article.category_id is not None and article.category.tenant_id != tenant_id:
        raise ValidationError({"category": _("Choose a category of this help desk.")})
    siblings = Article.objects.for_tenant(tenant_id)
    if not article.slug:
        article.slug = _unique_slug(siblings, article.title, article.pk)
    elif siblings.filter(slug=article.slug).exclude(pk=article.pk).exists():
        raise ValidationError({"slug": _("Another article already uses this address.")})
    now = timezone.now()
    if created:
        article.created_at = now
        if article.author_id is None and actor is not None and not actor.is_superuser:
            article.author = actor
    article.updated_at = now
    if article.status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = now
    markdown_check_length(fields={"body": article.body}, limit=article_max_length())
    article.body_html = render_markdown(article.body)
    article.markdown_version = RENDERER_VERSION
    article.body_text = markdown_plain_text(article.body)
    article.save()
    changed = sorted(set(changed))
    ArticleEvent.objects.create(
        tenant_id=tenant_id,
        article=article,
        actor=actor,
        kind=ArticleEvent.Kind.CREATED if created else ArticleEvent.Kind.UPDATED,
        data={} if created else {"fields": changed},
        created_at=now,
    )
    transaction.on_commit(lambda: _clear_public_cache(tenant_id))
    return article


def article_index_tags(*, article: Article) -> None:
    """Copy the tag names into the text search indexes (after tags change)."""
    names = " ".join(article.tags.order_by("name").values_list("name", flat=True))[:500]
    Article.objects.for_tenant(article.tenant_id).filter(pk=article.pk).update(tags_text=names)
    article.tags_text = names


@transaction.atomic
def article_create(
    *,
    tenant: Tenant,
    actor: User | None,
    title: str,
    body: str,
    summary: str = "",
    slug: str = "",
    category: Category | None = None,
    tag_names: Iterable[str] = (),
    visibility: str = Visibility.PUBLIC,
    plans: Iterable = (),
    language: str = Language.ENGLISH,
    related: Iterable[Article] = (),
    status: str = ArticleStatus.DRAFT,
    translation: Article | None = None,
) -> Article:
    plans, related = list(plans), list(related)
    _check_references(
        tenant=tenant,
        category=category,
        plans=plans,
        related=related,
        visibility=visibility,
    )
    article_check_translation(
        tenant_id=tenant.pk, article_pk=None, language=language, translation=translation
    )
    tags = tags_from_names(tenant=tenant, names=tag_names)
    if status not in TRANSITIONS:
        raise ValidationError({"status": _("Unknown status.")})
    article = Article(
        tenant=tenant,
        title=title.strip(),
        slug=slug.strip(),
        summary=summary.strip(),
        body=body,
        category=category,
        visibility=visibility,
        language=language,
        status=status,
    )
    article_save(article=article, actor=actor, created=True)
    article.tags.set(tags)
    article.plans.set(plans)
    article.related.set(related)
    article_index_tags(article=article)
    article_link_translation(article=article, translation=translation)
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    actor: User | None,
    title: str,
    body: str,
    summary: str,
    slug: str,
    category: Category | None,
    tag_names: Iterable[str],
    visibility: str,
    plans: Iterable,
    language: str,
    related: Iterable[Article],
    translation: Article | None = None,
) -> Article:
    """Save the editor's form. ``translation``: the article in the other language, or None
    for none (the earlier link, if any, is undone)."""
    tenant = article.tenant
    plans, related = list(plans), list(related)
    _check_references(
        tenant=tenant,
        category=category,
        plans=plans,
        related=related,
        visibility=visibility,
        article_pk=article.pk,
    )
    article_check_translation(
        tenant_id=tenant.pk, article_pk=article.pk, language=language, translation=translation
    )
    tags = tags_from_names(tenant=tenant, names=tag_names)
    new_values = {
        "title": title.strip(),
        "body": body,
        "summary": summary.strip(),
        "slug": slug.strip() or article.slug,
        "category_id": category.pk if category else None,
        "visibility": visibility,
        "language": language,
    }
    changed = [name for name, value in new_values.items() if getattr(article, name) != value]
    if {tag.pk for tag in tags} != {tag.pk for tag in article.tags.all()}:
        changed.append("tags")
    if {plan.pk for plan in plans} != {plan.pk for plan in article.plans.all()}:
        changed.append("plans")
    if {other.pk for other in related} != {other.pk for other in article.related.all()}:
        changed.append("related")
    if linked_translation_pk(article) != (translation.pk if translation else None):
        changed.append("translation")
    for name, value in new_values.items():
        setattr(article, name, value)
    article.category = category
    article_save(
        article=article,
        actor=actor,
        created=False,
        changed=[name.removesuffix("_id") for name in changed],
    )
    article.tags.set(tags)
    article.plans.set(plans)
    article.related.set(related)
    article_index_tags(article=article)
    article_link_translation(article=article, translation=translation)
    return article


@transaction.atomic
def article_transition(*, article: Article, actor: User | None, status: str) -> Article:
    """Publish, unpublish or archive. A no-op when the status does not change."""
    _require_editor(actor, article.tenant)
    article = Article.objects.for_tenant(article.tenant_id).select_for_update().get(pk=article.pk)
    if article.status == status:
        return article
    if status not in TRANSITIONS.get(article.status, set()):
        raise ValidationError(
            _("An article cannot go from %(current)s to %(status)s.")
            % {"current": article.get_status_display().lower(), "status": status}
        )
    now = timezone.now()
    previous = article.status
    article.status = status
    article.updated_at = now
    fields = ["status", "updated_at"]
    if status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = now
        fields.append("published_at")
    article.save(update_fields=fields)
    ArticleEvent.objects.create(
        tenant_id=article.tenant_id,
        article=article,
        actor=actor,
        kind=ArticleEvent.Kind.STATUS,
        data={"from": previous, "to": status},
        created_at=now,
    )
    tenant_id = article.tenant_id
    transaction.on_commit(lambda: _clear_public_cache(tenant_id))
    return article
