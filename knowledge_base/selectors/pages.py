"""Reads for the portal's knowledge-base pages: categories, popular and recent articles,
tags, and an article's feedback."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Q, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import Tenant

from ..models import Article, ArticleFeedback, ArticleViews, Category, Tag
from .visibility import POPULAR_DAYS, Viewer, listed_articles, visible_articles


@dataclass
class CategoryCard:
    category: Category
    article_count: int
    children: list["CategoryCard"]


def _visible_counts(viewer: Viewer) -> dict[int | None, int]:
    rows = listed_articles(viewer).values("category_id").annotate(n=Count("pk")).order_by()
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
        listed_articles(viewer)
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
        listed_articles(viewer)
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
    return listed_articles(viewer).filter(category=category).order_by("title")


# Tags are words of one language, so a tag lists every article carrying it, in any language.


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
