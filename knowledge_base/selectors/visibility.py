"""Who reads the knowledge base and what they may read: the one visibility rule, applied
in the query."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import get_language

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
    # The article language the reader prefers (their site language); None: no preference.
    language: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user is None

    @property
    def is_customer(self) -> bool:
        return self.user is not None and not self.is_staff


def viewer_for(*, tenant: Tenant, user) -> Viewer:
    """The reader of this request; they prefer articles in the language of the page."""
    language = Language.for_locale(get_language()).value
    if user is None or not user.is_authenticated or user.tenant_id != tenant.pk:
        return Viewer(tenant=tenant, language=language)
    if user.is_agent:
        return Viewer(tenant=tenant, user=user, is_staff=True, language=language)
    plan_id = (
        Organization.objects.for_tenant(tenant)
        .filter(pk=user.organization_id, is_active=True)
        .values_list("plan_id", flat=True)
        .first()
    )
    return Viewer(tenant=tenant, user=user, plan_id=plan_id, language=language)


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


def _translation_of_outer() -> Q:
    """Rows that are the translation of the outer query's article (either direction)."""
    return Q(pk=OuterRef("translation_of_id")) | Q(translation_of_id=OuterRef("pk"))


def without_translated_twins(articles, *, language: str | None):
    """``articles`` without those whose translation in ``language`` is among ``articles``
    too, so the same article never appears twice and the reader gets their language. Still
    one query (the translation is an EXISTS subquery)."""
    if not language:
        return articles
    in_language = articles.filter(_translation_of_outer(), language=language)
    return articles.exclude(~Q(language=language) & Exists(in_language))


def listed_articles(viewer: Viewer):
    """What lists show the viewer: the articles they may read, an article whose translation
    in the viewer's language they may also read giving way to that translation."""
    return without_translated_twins(visible_articles(viewer), language=viewer.language)


def article_translation(*, viewer: Viewer, article: Article) -> Article | None:
    """The same article in the other language, when it is published and the viewer may
    read it (drafts, archived and audiences they are not in are never linked)."""
    return (
        visible_articles(viewer)
        .filter(Q(pk=article.translation_of_id) | Q(translation_of_id=article.pk))
        .exclude(pk=article.pk)
        .only("pk", "slug", "title", "language", "tenant_id")
        .first()
    )


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


def translation_for_editor(*, article: Article) -> Article | None:
    """The article linked as ``article``'s translation, whatever its status (for editors)."""
    if article.pk is None:
        return None
    return (
        Article.objects.for_tenant(article.tenant_id)
        .filter(Q(pk=article.translation_of_id) | Q(translation_of_id=article.pk))
        .exclude(pk=article.pk)
        .first()
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
