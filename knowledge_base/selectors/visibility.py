"""Who reads the knowledge base and what they may read: the one visibility rule, applied
in the query."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.http import Http404

from accounts.models import Organization, Tenant, User

from ..models import Article, ArticleStatus, Language, Visibility

PUBLIC_EXISTS_CACHE_SECONDS = 300
POPULAR_DAYS = 90


@dataclass(frozen=True)
class Viewer:
    """Who is reading, resolved once per request: anonymous, a customer (with the plan of
    their organization) or a member of the tenant's staff."""

    tenant: Tenant
    user: User | None = None
    is_staff: bool = False
    plan_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user is None

    @property
    def is_customer(self) -> bool:
        return self.user is not None and not self.is_staff


def viewer_for(*, tenant: Tenant, user) -> Viewer:
    if user is None or not user.is_authenticated or user.tenant_id != tenant.pk:
        return Viewer(tenant=tenant)
    if user.is_agent:
        return Viewer(tenant=tenant, user=user, is_staff=True)
    plan_id = (
        Organization.objects.for_tenant(tenant)
        .filter(pk=user.organization_id, is_active=True)
        .values_list("plan_id", flat=True)
        .first()
    )
    return Viewer(tenant=tenant, user=user, plan_id=plan_id)


def _plan_rows():
    return Article.plans.through.objects.filter(article_id=OuterRef("pk"))


def visible_articles(viewer: Viewer):
    """Published articles the viewer may read.

    Anonymous visitors: public articles not limited to plans. Customers: public and
    signed-in articles, limited ones only when their organization's plan is among the
    article's plans. Staff: everything published.
    """
    articles = Article.objects.for_tenant(viewer.tenant).filter(status=ArticleStatus.PUBLISHED)
    if viewer.is_staff:
        return articles
    if viewer.is_anonymous:
        return articles.filter(visibility=Visibility.PUBLIC).exclude(Exists(_plan_rows()))
    allowed = ~Exists(_plan_rows())
    if viewer.plan_id is not None:
        allowed |= Exists(_plan_rows().filter(supportplan_id=viewer.plan_id))
    return articles.filter(visibility__in=[Visibility.PUBLIC, Visibility.CUSTOMERS]).filter(allowed)


def article_for_viewer(*, viewer: Viewer, slug: str) -> Article:
    """The article page's one access function: missing, draft (for non-staff) and
    not-allowed all answer the same 404. Staff may open drafts to preview them."""
    if viewer.is_staff:
        articles = Article.objects.for_tenant(viewer.tenant)
    else:
        articles = visible_articles(viewer)
    article = (
        articles.filter(slug=slug)
        .select_related("category__parent", "author")
        .prefetch_related("tags")
        .first()
    )
    if article is None:
        raise Http404("No such article.")
    return article


def sign_in_may_show(*, tenant: Tenant, slug: str) -> bool:
    """Whether a visitor who is not signed in would find a published article for customers
    (or limited to plans) behind ``slug`` once signed in. Drafts, archived and staff-only
    articles answer False, so they stay the same 404 as a missing article."""
    return (
        Article.objects.for_tenant(tenant)
        .filter(
            slug=slug,
            status=ArticleStatus.PUBLISHED,
            visibility__in=[Visibility.PUBLIC, Visibility.CUSTOMERS],
        )
        .exists()
    )


def article_for_editor(*, tenant: Tenant, actor: User, slug: str) -> Article:
    if not (actor.is_authenticated and actor.is_agent and actor.tenant_id == tenant.pk):
        raise Http404("No such article.")
    article = (
        Article.objects.for_tenant(tenant)
        .filter(slug=slug)
        .select_related("category", "author")
        .prefetch_related("tags", "plans", "related")
        .first()
    )
    if article is None:
        raise Http404("No such article.")
    return article


def related_articles(*, viewer: Viewer, article: Article) -> list[Article]:
    return list(visible_articles(viewer).filter(related=article).order_by("title")[:6])


def public_articles_exist(*, tenant: Tenant) -> bool:
    """Whether anonymous visitors have anything to read (cached; services clear it)."""
    key = public_exists_cache_key(tenant.pk)
    cached = cache.get(key)
    if cached is None:
        cached = visible_articles(Viewer(tenant=tenant)).exists()
        cache.set(key, cached, PUBLIC_EXISTS_CACHE_SECONDS)
    return cached


def public_exists_cache_key(tenant_id: int) -> str:
    return f"kb:public-exists:{tenant_id}"


def languages_cache_key(tenant_id: int) -> str:
    return f"kb:languages:{tenant_id}"


def article_languages(*, tenant: Tenant) -> list[str]:
    """The text-search configurations the tenant's articles are written in (cached; the
    services clear it), so a search stems the query only the ways it can match."""
    key = languages_cache_key(tenant.pk)
    cached = cache.get(key)
    if cached is None:
        cached = sorted(
            set(Article.objects.for_tenant(tenant).values_list("language", flat=True))
        ) or [Language.ENGLISH]
        cache.set(key, cached, PUBLIC_EXISTS_CACHE_SECONDS)
    return cached
