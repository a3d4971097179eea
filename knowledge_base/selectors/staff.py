"""Reads for editors and tenant admins: the article list, history, analytics and choices."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import Tenant
from sla.models import SupportPlan

from ..models import (
    Article,
    ArticleEvent,
    ArticleFeedback,
    ArticleStatus,
    ArticleViews,
    Category,
    Deflection,
)


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


def translation_choices(*, tenant: Tenant | int, article: Article | None = None):
    """The tenant's articles that can be picked as ``article``'s translation (any status)."""
    rows = Article.objects.for_tenant(tenant).only("pk", "title", "language", "tenant_id")
    if article is not None and article.pk is not None:
        rows = rows.exclude(pk=article.pk)
    return rows.order_by("title")


def plans_for_tenant(*, tenant: Tenant):
    return SupportPlan.objects.for_tenant(tenant).order_by("position", "name")
