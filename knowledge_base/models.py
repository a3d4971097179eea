"""Knowledge base: categories, articles, feedback and deflections, per tenant.

Who may read an article is decided by its visibility, its status and the plans it is limited
to; ``knowledge_base.selectors.visible_articles`` turns that into one query. The search
vector is kept up to date by a PostgreSQL trigger (see migration 0002), so every write path,
bulk loads included, indexes the same way.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from helpdesk.markdown import RenderedMarkdownField
from helpdesk.tenancy import TenantOwnedModel


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public — anyone, signed in or not")
    CUSTOMERS = "customers", _("Signed-in customers")
    STAFF = "staff", _("Staff only")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Language(models.TextChoices):
    """The language an article is written in, which is also the text search configuration
    it is indexed and stemmed with."""

    ENGLISH = "english", _("English")
    SPANISH = "spanish", _("Spanish")

    @classmethod
    def for_locale(cls, code: str | None) -> "Language":
        """The article language of a site language code ("es", "es-co", "en", ...)."""
        return cls.SPANISH if (code or "").lower().startswith("es") else cls.ENGLISH

    @property
    def autonym(self) -> str:
        """The language's name in itself, as a link to a translation shows it."""
        return {"english": "English", "spanish": "Español"}[self.value]

    @property
    def locale(self) -> str:
        return {"english": "en", "spanish": "es"}[self.value]


class Category(TenantOwnedModel):
    """A section of the knowledge base; at most two levels (a category and its subsections)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    description = models.CharField(_("description"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # Deleting a category makes its subcategories top-level ones; nothing is lost.
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent"),
        help_text=_("Leave empty for a top-level category. Subcategories cannot have their own."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in lists.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="kb_category_slug_per_tenant"),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name

    def get_absolute_url(self):
        return reverse("kb:category", args=[self.slug])


class Tag(TenantOwnedModel):
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=70)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="kb_tag_slug_per_tenant"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("kb:tag", args=[self.slug])


class Article(TenantOwnedModel):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences shown in lists and results."),
    )
    body = models.TextField(_("body"), help_text=_("Markdown."))
    # The body rendered when saved (helpdesk.markdown): the article page shows this.
    body_html = RenderedMarkdownField()
    markdown_version = models.PositiveSmallIntegerField(default=0, editable=False)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        verbose_name=_("category"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    plans = models.ManyToManyField(
        "sla.SupportPlan",
        blank=True,
        related_name="+",
        verbose_name=_("plans"),
        help_text=_(
            "Only customers whose organization is on one of these plans may read it. "
            "Leave empty for every plan."
        ),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    language = models.CharField(
        _("language"),
        max_length=20,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_("Used for stemming in search (e.g. “passwords” finds “password”)."),
    )
    # The same article in the other language: the link is stored on one of the two and
    # read in both directions (``selectors.article_translation``); services keep it within
    # the tenant and between different languages.
    translation_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("translation of"),
    )
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("related")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Plain text of the rendered body and the tag names: what search indexes and quotes.
    body_text = models.TextField(blank=True, editable=False)
    tags_text = models.CharField(max_length=500, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="kb_article_slug_per_tenant"),
            models.CheckConstraint(
                condition=~Q(translation_of=F("pk")), name="kb_article_not_own_translation"
            ),
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

    @property
    def locale(self) -> str:
        """The site language code of the article's language (for ``lang`` attributes)."""
        return Language(self.language).locale

    @property
    def autonym(self) -> str:
        return Language(self.language).autonym


class ArticleViews(TenantOwnedModel):
    """How many times an article was read on one day (UTC).

    Kept out of the article row on purpose: counting a read must not rewrite the article,
    its large search vector and its full-text index entries.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="view_days", verbose_name=_("article")
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("article views")
        verbose_name_plural = _("article views")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="kb_views_per_article_day"),
        ]
        indexes = [models.Index(fields=["tenant", "day"], name="kb_views_by_day")]

    def __str__(self):
        return ngettext(
            "%(count)s view · %(article)s · %(day)s",
            "%(count)s views · %(article)s · %(day)s",
            self.count,
        ) % {"count": self.count, "article": self.article_id, "day": self.day}


class ArticleEvent(TenantOwnedModel):
    """What happened to an article, newest last: created, edited, published, ..."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Edited")
        STATUS = "status", _("Status changed")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="events", verbose_name=_("article")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("article event")
        verbose_name_plural = _("article events")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.article_id}"


class ArticleFeedback(TenantOwnedModel):
    """A “Was this helpful?” vote: one per signed-in person, or per browser session."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("article")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    session_key = models.CharField(_("session key"), max_length=64, blank=True)
    helpful = models.BooleanField(_("helpful"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
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
        if self.helpful:
            return gettext("Helpful · %(article)s") % {"article": self.article_id}
        return gettext("Not helpful · %(article)s") % {"article": self.article_id}


class Deflection(TenantOwnedModel):
    """Someone found their answer in an article instead of opening a ticket."""

    class Source(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggested on the new-ticket form")
        ARTICLE = "article", _("Article page")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="deflections", verbose_name=_("article")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    session_key = models.CharField(_("session key"), max_length=64)
    query = models.CharField(
        _("query"), max_length=255, blank=True, help_text=_("What the person had typed.")
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.SUGGESTION
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")
        constraints = [
            # A double click or a reload counts once.
            models.UniqueConstraint(
                fields=["article", "session_key"], name="kb_one_deflection_per_session"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "created_at"], name="kb_deflection_recent")]

    def __str__(self):
        return gettext("Deflection · %(article)s") % {"article": self.article_id}
