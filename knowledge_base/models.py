"""Knowledge base: categories, articles, feedback and deflections, per tenant.

Who may read an article is decided by its visibility, its status and the plans it is limited
to; ``knowledge_base.selectors.visible_articles`` turns that into one query. The search
vector is kept up to date by a PostgreSQL trigger (see migration 0002), so every write path,
bulk loads included, indexes the same way.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from helpdesk.markdown import RenderedMarkdownField
from helpdesk.tenancy import TenantOwnedModel


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public — anyone, signed in or not"
    CUSTOMERS = "customers", "Signed-in customers"
    STAFF = "staff", "Staff only"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Language(models.TextChoices):
    """Text search configurations articles can be indexed and stemmed with."""

    ENGLISH = "english", "English"
    SPANISH = "spanish", "Spanish"


class Category(TenantOwnedModel):
    """A section of the knowledge base; at most two levels (a category and its subsections)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    description = models.CharField(max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # Deleting a category makes its subcategories top-level ones; nothing is lost.
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="Leave empty for a top-level category. Subcategories cannot have their own.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="kb_category_slug_per_tenant"),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name

    def get_absolute_url(self):
        return reverse("kb:category", args=[self.slug])


class Tag(TenantOwnedModel):
    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=70)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="kb_tag_slug_per_tenant"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("kb:tag", args=[self.slug])


class Article(TenantOwnedModel):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220)
    summary = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences shown in lists and results."
    )
    body = models.TextField(help_text="Markdown.")
    # The body rendered when saved (helpdesk.markdown): the article page shows this.
    body_html = RenderedMarkdownField()
    markdown_version = models.PositiveSmallIntegerField(default=0, editable=False)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    plans = models.ManyToManyField(
        "sla.SupportPlan",
        blank=True,
        related_name="+",
        help_text="Only customers whose organization is on one of these plans may read it. "
        "Leave empty for every plan.",
    )
    status = models.CharField(
        max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    language = models.CharField(
        max_length=20,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text="Used for stemming in search (e.g. “passwords” finds “password”).",
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    # Plain text of the rendered body and the tag names: what search indexes and quotes.
    body_text = models.TextField(blank=True, editable=False)
    tags_text = models.CharField(max_length=500, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="kb_article_slug_per_tenant"),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "visibility"], name="kb_article_listing"),
            models.Index(fields=["tenant", "published_at"], name="kb_article_recent"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kb:article", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


class ArticleViews(TenantOwnedModel):
    """How many times an article was read on one day (UTC).

    Kept out of the article row on purpose: counting a read must not rewrite the article,
    its large search vector and its full-text index entries.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_days")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "article views"
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="kb_views_per_article_day"),
        ]
        indexes = [models.Index(fields=["tenant", "day"], name="kb_views_by_day")]

    def __str__(self):
        return f"{self.count} views · {self.article_id} · {self.day}"


class ArticleEvent(TenantOwnedModel):
    """What happened to an article, newest last: created, edited, published, ..."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Edited"
        STATUS = "status", "Status changed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.article_id}"


class ArticleFeedback(TenantOwnedModel):
    """A “Was this helpful?” vote: one per signed-in person, or per browser session."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    session_key = models.CharField(max_length=64, blank=True)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "article feedback"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"],
                condition=Q(user__isnull=False),
                name="kb_one_vote_per_user",
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"],
                condition=Q(user__isnull=True),
                name="kb_one_vote_per_session",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(session_key=""),
                name="kb_vote_has_a_voter",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "article"], name="kb_feedback_article")]

    def __str__(self):
        return f"{'Helpful' if self.helpful else 'Not helpful'} · {self.article_id}"


class Deflection(TenantOwnedModel):
    """Someone found their answer in an article instead of opening a ticket."""

    class Source(models.TextChoices):
        SUGGESTION = "suggestion", "Suggested on the new-ticket form"
        ARTICLE = "article", "Article page"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    session_key = models.CharField(max_length=64)
    query = models.CharField(max_length=255, blank=True, help_text="What the person had typed.")
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.SUGGESTION)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A double click or a reload counts once.
            models.UniqueConstraint(
                fields=["article", "session_key"], name="kb_one_deflection_per_session"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "created_at"], name="kb_deflection_recent")]

    def __str__(self):
        return f"Deflection · {self.article_id}"
