"""Reads of the knowledge base. Every query starts from ``for_tenant`` and visibility is part of
the query, so a list, a count or a search can never show a row the viewer may not read."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, Sum
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from accounts.models import Organization, Tenant, User

from .models import (
    Article,
    ArticleEvent,
    ArticleFeedback,
    ArticleStatus,
    ArticleViews,
    Category,
    Deflection,
    Language,
    Tag,
    Visibility,
)

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


# --- portal pages ---------------------------------------------------------------------------


@dataclass
class CategoryCard:
    category: Category
    article_count: int
    children: list["CategoryCard"]


def _visible_counts(viewer: Viewer) -> dict[int | None, int]:
    rows = visible_articles(viewer).values("category_id").annotate(n=Count("pk")).order_by()
    return {row["category_id"]: row["n"] for row in rows}


def category_tree(*, viewer: Viewer) -> list[CategoryCard]:
    """Top-level categories with their subcategories, each with the number of articles the
    viewer may read; categories with nothing to read are left out. Two queries."""
    counts = _visible_counts(viewer)
    categories = list(Category.objects.for_tenant(viewer.tenant).order_by("position", "name"))
    children: dict[int, list[CategoryCard]] = {}
    for category in categories:
        if category.parent_id is not None and counts.get(category.pk):
            children.setdefault(category.parent_id, []).append(
                CategoryCard(category, counts[category.pk], [])
            )
    tree = []
    for category in categories:
        if category.parent_id is not None:
            continue
        kids = children.get(category.pk, [])
        total = counts.get(category.pk, 0) + sum(child.article_count for child in kids)
        if total:
            tree.append(CategoryCard(category, total, kids))
    return tree


def popular_articles(*, viewer: Viewer, limit: int = 6, days: int = POPULAR_DAYS) -> list[Article]:
    """The most read articles of the last ``days`` days."""
    since = timezone.now().date() - timedelta(days=days)
    return list(
        visible_articles(viewer)
        .filter(view_days__day__gte=since)
        .annotate(recent_views=Sum("view_days__count"))
        .select_related("category")
        .order_by("-recent_views", "title")[:limit]
    )


def view_totals(*, tenant: Tenant, articles) -> dict[int, int]:
    """All-time reads of the given articles, by id."""
    rows = (
        ArticleViews.objects.for_tenant(tenant)
        .filter(article__in=[a.pk for a in articles])
        .values("article_id")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {row["article_id"]: row["total"] for row in rows}


def recent_articles(*, viewer: Viewer, limit: int = 6) -> list[Article]:
    return list(
        visible_articles(viewer)
        .select_related("category")
        .order_by(F("published_at").desc(nulls_last=True), "-pk")[:limit]
    )


def category_for_viewer(*, viewer: Viewer, slug: str) -> tuple[Category, list[CategoryCard]]:
    """A category and its subcategories with something to read; 404 when it does not exist
    or holds nothing the viewer may read."""
    category = (
        Category.objects.for_tenant(viewer.tenant)
        .filter(slug=slug)
        .select_related("parent")
        .first()
    )
    if category is None:
        raise Http404("No such category.")
    counts = _visible_counts(viewer)
    children = [
        CategoryCard(child, counts[child.pk], [])
        for child in Category.objects.for_tenant(viewer.tenant).filter(parent=category)
        if counts.get(child.pk)
    ]
    if not counts.get(category.pk) and not children:
        raise Http404("No such category.")
    return category, children


def articles_in_category(*, viewer: Viewer, category: Category):
    return visible_articles(viewer).filter(category=category).order_by("title")


def tag_for_viewer(*, viewer: Viewer, slug: str) -> Tag:
    tag = Tag.objects.for_tenant(viewer.tenant).filter(slug=slug).first()
    if tag is None or not visible_articles(viewer).filter(tags=tag).exists():
        raise Http404("No such tag.")
    return tag


def articles_with_tag(*, viewer: Viewer, tag: Tag):
    return visible_articles(viewer).filter(tags=tag).select_related("category").order_by("title")


# --- feedback -------------------------------------------------------------------------------


@dataclass
class FeedbackSummary:
    helpful: int
    not_helpful: int
    own_vote: bool | None

    @property
    def total(self) -> int:
        return self.helpful + self.not_helpful


def feedback_summary(*, article: Article, user, session_key: str | None) -> FeedbackSummary:
    votes = ArticleFeedback.objects.for_tenant(article.tenant_id).filter(article=article)
    counts = votes.aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    own = None
    if user is not None and user.is_authenticated:
        own = votes.filter(user=user).values_list("helpful", flat=True).first()
    elif session_key:
        own = (
            votes.filter(user__isnull=True, session_key=session_key)
            .values_list("helpful", flat=True)
            .first()
        )
    return FeedbackSummary(counts["yes"], counts["no"], own)


# --- staff ----------------------------------------------------------------------------------


def articles_for_staff(*, tenant: Tenant, status: str = "", query: str = ""):
    """Every article of the tenant for the editors' list, drafts included."""
    articles = Article.objects.for_tenant(tenant).select_related("category", "author")
    if status:
        articles = articles.filter(status=status)
    if query:
        articles = articles.filter(Q(title__icontains=query) | Q(slug__icontains=query))
    return articles.order_by("-updated_at", "pk")


def article_history(*, article: Article) -> list[ArticleEvent]:
    return list(
        ArticleEvent.objects.for_tenant(article.tenant_id)
        .filter(article=article)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:20]
    )


@dataclass
class Analytics:
    published: int
    drafts: int
    views: int
    views_recent: int
    helpful: int
    not_helpful: int
    deflections: int
    deflections_recent: int
    days: int
    most_viewed: list[Article]
    least_helpful: list[Article]
    top_deflecting: list[Article]
    recent_deflections: list[Deflection]


def kb_analytics(*, tenant: Tenant, days: int = 30, limit: int = 10) -> Analytics:
    """Views, votes and deflections of one tenant's knowledge base."""
    articles = Article.objects.for_tenant(tenant)
    since = timezone.now() - timedelta(days=days)
    totals = articles.aggregate(
        published=Count("pk", filter=Q(status=ArticleStatus.PUBLISHED)),
        drafts=Count("pk", filter=Q(status=ArticleStatus.DRAFT)),
    )
    views = ArticleViews.objects.for_tenant(tenant).aggregate(
        total=Sum("count", default=0),
        recent=Sum("count", filter=Q(day__gte=since.date()), default=0),
    )
    votes = ArticleFeedback.objects.for_tenant(tenant).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    deflections = Deflection.objects.for_tenant(tenant).aggregate(
        total=Count("pk"), recent=Count("pk", filter=Q(created_at__gte=since))
    )
    most_viewed = list(
        articles.filter(view_days__isnull=False)
        .annotate(total_views=Sum("view_days__count"))
        .order_by("-total_views", "title")[:limit]
    )
    least_helpful = list(
        articles.annotate(
            votes_yes=Count("feedback", filter=Q(feedback__helpful=True)),
            votes_no=Count("feedback", filter=Q(feedback__helpful=False)),
        )
        .filter(votes_no__gt=0)
        .annotate(
            helpful_share=Cast(F("votes_yes"), FloatField())
            / Cast(F("votes_yes") + F("votes_no"), FloatField())
        )
        .order_by("helpful_share", "-votes_no", "title")[:limit]
    )
    top_deflecting = list(
        articles.annotate(deflection_count=Count("deflections"))
        .filter(deflection_count__gt=0)
        .order_by("-deflection_count", "title")[:limit]
    )
    recent = list(
        Deflection.objects.for_tenant(tenant)
        .select_related("article", "user")
        .order_by("-created_at", "-pk")[:limit]
    )
    return Analytics(
        published=totals["published"],
        drafts=totals["drafts"],
        views=views["total"],
        views_recent=views["recent"],
        helpful=votes["yes"],
        not_helpful=votes["no"],
        deflections=deflections["total"],
        deflections_recent=deflections["recent"],
        days=days,
        most_viewed=most_viewed,
        least_helpful=least_helpful,
        top_deflecting=top_deflecting,
        recent_deflections=recent,
    )


def category_choices(*, tenant: Tenant):
    return (
        Category.objects.for_tenant(tenant)
        .select_related("parent")
        .order_by("parent__position", "position", "name")
    )


def plans_for_tenant(*, tenant: Tenant):
    from sla.models import SupportPlan

    return SupportPlan.objects.for_tenant(tenant).order_by("position", "name")
