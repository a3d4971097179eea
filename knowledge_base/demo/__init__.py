"""Knowledge base content of the two demo help desks.

Idempotent and respectful of editors: running it again creates the categories and articles
that are missing and leaves every existing one as the help desk's editors left it.
``reset=True`` (``manage.py reset_demo``) brings the demo rows back to this content. A new
article written as the translation of another (``translation_of``) is linked to it, unless
an editor has already linked that one to another translation. The read
counts are starting figures for the demo's “Popular” lists, recorded once on the day of the
first seeding.
"""

import textwrap

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, Tenant, User
from helpdesk.markdown import RENDERER_VERSION, render_markdown
from sla.models import SupportPlan

from ..models import Article, ArticleStatus, ArticleViews, Category, Language
from ..selectors import languages_cache_key, public_exists_cache_key
from ..services import (
    article_index_tags,
    article_link_translation,
    markdown_plain_text,
    tags_from_names,
)
from . import invoca, ivcisa

CONTENT = {"ivcisa": ivcisa, "invoca": invoca}


@transaction.atomic
def seed_knowledge_base(*, reset: bool = False) -> int:
    """Create the missing demo articles of every demo tenant present (``reset``: bring the
    existing ones back too); returns how many demo articles there are."""
    from django.core.cache import cache

    count = 0
    for tenant in Tenant.objects.filter(slug__in=CONTENT):
        count += _seed_tenant(tenant, CONTENT[tenant.slug], reset=reset)
        cache.delete_many([public_exists_cache_key(tenant.pk), languages_cache_key(tenant.pk)])
    return count


def _seed_tenant(tenant: Tenant, content, *, reset: bool) -> int:
    categories: dict[str, Category] = {}
    for position, (slug, name, description, parent) in enumerate(content.CATEGORIES):
        values = {
            "tenant": tenant,
            "name": name,
            "description": description,
            "parent": categories[parent] if parent else None,
            "position": position,
        }
        rows = Category.objects.for_tenant(tenant)
        seed = rows.update_or_create if reset else rows.get_or_create
        categories[slug], _ = seed(slug=slug, defaults=values)
    plans = {plan.name: plan for plan in SupportPlan.objects.for_tenant(tenant)}
    author = User.objects.for_tenant(tenant).filter(role=Role.TENANT_ADMIN).order_by("pk").first()
    articles: dict[str, Article] = {}
    seeded: list[str] = []
    existing = {a.slug: a for a in Article.objects.for_tenant(tenant)}
    for spec in content.ARTICLES:
        article = existing.get(spec["slug"])
        if article is not None and not reset:
            articles[spec["slug"]] = article
            continue
        body = textwrap.dedent(spec["body"]).strip() + "\n"
        values = {
            "tenant": tenant,
            "title": spec["title"],
            "summary": spec["summary"],
            "body": body,
            "body_text": markdown_plain_text(body),
            "body_html": render_markdown(body),
            "markdown_version": RENDERER_VERSION,
            "category": categories[spec["category"]],
            "visibility": spec["visibility"],
            "language": spec.get("language", Language.ENGLISH),
            "status": ArticleStatus.PUBLISHED,
            "author": author,
        }
        article, _ = Article.objects.for_tenant(tenant).update_or_create(
            slug=spec["slug"], defaults=values
        )
        if spec.get("views") and not article.view_days.exists():
            # A starting figure for the demo's “Popular” list, counted on the seeding day.
            ArticleViews.objects.create(
                tenant=tenant, article=article, day=timezone.now().date(), count=spec["views"]
            )
        if article.published_at is None:
            article.published_at = article.created_at
            article.save(update_fields=["published_at"])
        article.tags.set(tags_from_names(tenant=tenant, names=spec["tags"]))
        article.plans.set([plans[name] for name in spec.get("plans", []) if name in plans])
        article_index_tags(article=article)
        articles[spec["slug"]] = article
        seeded.append(spec["slug"])
    for spec in content.ARTICLES:
        if spec["slug"] in seeded:
            articles[spec["slug"]].related.set(
                [articles[slug] for slug in spec.get("related", []) if slug in articles]
            )
    for spec in content.ARTICLES:
        original = articles.get(spec.get("translation_of", ""))
        if spec["slug"] in seeded and original is not None:
            _link_translation(articles[spec["slug"]], original, reset=reset)
    return len(articles)


def _link_translation(article: Article, original: Article, *, reset: bool) -> None:
    linked = Article.objects.for_tenant(article.tenant_id).filter(
        Q(translation_of__in=[article, original]) | Q(pk__in=[article.pk, original.pk]),
        translation_of__isnull=False,
    )
    if reset or not linked.exists():
        article_link_translation(article=article, translation=original)
