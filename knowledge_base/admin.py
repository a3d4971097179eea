from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import TenantScopedAdmin, TenantScopedAdminForm
from helpdesk.forms import form_errors_from
from helpdesk.markdown import MarkdownFormField, article_max_length

from . import selectors, services
from .forms import ArticleOptions, TranslationChoiceField
from .models import Article, ArticleFeedback, Category, Deflection, Tag


class CategoryAdminForm(TenantScopedAdminForm):
    class Meta:
        model = Category
        fields = ["tenant", "name", "slug", "description", "parent", "position"]

    def clean(self):
        cleaned = super().clean()
        tenant_id = self.edited_tenant_id()
        if tenant_id is None:
            return cleaned
        slug = cleaned.get("slug")
        siblings = Category.objects.for_tenant(tenant_id).exclude(pk=self.instance.pk)
        if slug and siblings.filter(slug=slug).exists():
            self.add_error("slug", _("Another category already uses this address."))
        probe = Category(
            pk=self.instance.pk, tenant_id=tenant_id, parent=cleaned.get("parent"), name="-"
        )
        try:
            services.category_check(category=probe)
        except ValidationError as error:
            form_errors_from(self, error)
        return cleaned


@admin.register(Category)
class CategoryAdmin(TenantScopedAdmin):
    form = CategoryAdminForm
    list_display = ["name", "parent", "position"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["parent__name", "position", "name"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "parent" and field is not None:
            field.queryset = field.queryset.filter(parent__isnull=True)
        return field

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.tenant_id = request.user.tenant_id
        services.category_save(category=obj)


@admin.register(Tag)
class TagAdmin(TenantScopedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ArticleFilteredSelectMultiple(ArticleOptions, FilteredSelectMultiple):
    pass


class ArticleAdminForm(TenantScopedAdminForm):
    body = MarkdownFormField(limit=article_max_length, label=_("Body"), help_text=_("Markdown."))
    translation = TranslationChoiceField(
        queryset=Article.objects.none(),
        required=False,
        label=_("Translation"),
        help_text=_("The same article in the other language. Readers see a link to it."),
    )

    class Meta:
        model = Article
        fields = [
            "tenant", "title", "slug", "summary", "body", "category", "tags", "related",
            "language", "status", "visibility", "plans",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tenant_id = self.admin_tenant_id or self.instance.tenant_id
        if tenant_id is not None:
            choices = selectors.translation_choices(tenant=tenant_id, article=self.instance)
        else:
            # A platform superuser adding an article picks its tenant on the same form;
            # ``clean`` refuses a translation from another tenant.
            choices = Article.objects.only("pk", "title", "language", "tenant_id")
        self.fields["translation"].queryset = choices
        if self.instance.pk is not None:
            linked = selectors.translation_for_editor(article=self.instance)
            self.initial.setdefault("translation", linked.pk if linked else None)

    def clean(self):
        cleaned = super().clean()
        tenant_id = self.edited_tenant_id()
        slug = cleaned.get("slug")
        if tenant_id is not None and slug:
            siblings = Article.objects.for_tenant(tenant_id).exclude(pk=self.instance.pk)
            if siblings.filter(slug=slug).exists():
                self.add_error("slug", _("Another article already uses this address."))
        if "visibility" in cleaned:
            try:
                services.article_check_audience(
                    visibility=cleaned["visibility"], plans=list(cleaned.get("plans") or [])
                )
            except ValidationError as error:
                form_errors_from(self, error)
        related = cleaned.get("related") or []
        if self.instance.pk and any(other.pk == self.instance.pk for other in related):
            self.add_error("related", _("An article cannot be related to itself."))
        translation = cleaned.get("translation")
        if tenant_id is not None and translation is not None and "language" in cleaned:
            try:
                services.article_check_translation(
                    tenant_id=tenant_id,
                    article_pk=self.instance.pk,
                    language=cleaned["language"],
                    translation=translation,
                )
            except ValidationError as error:
                form_errors_from(self, error)
        return cleaned


@admin.register(Article)
class ArticleAdmin(TenantScopedAdmin):
    form = ArticleAdminForm
    list_display = ["title_shown", "category", "language", "visibility", "status", "updated_at"]
    list_filter = ["status", "visibility", "language"]
    list_select_related = ["category"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["tags", "plans", "related"]
    readonly_fields = ["portal_links", "author", "created_at", "updated_at", "published_at"]
    fieldsets = [
        (None, {"fields": ["portal_links", "title", "slug", "summary", "body"]}),
        (
            _("Where it appears"),
            {"fields": ["category", "tags", "related", "language", "translation"]},
        ),
        (_("Who can read it"), {"fields": ["status", "visibility", "plans"]}),
        (_("History"), {"fields": ["author", "created_at", "updated_at", "published_at"]}),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "related":
            kwargs["widget"] = ArticleFilteredSelectMultiple(
                db_field.verbose_name, is_stacked=False
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            first = fieldsets[0]
            fieldsets = [(first[0], {"fields": ["tenant", *first[1]["fields"]]}), *fieldsets[1:]]
        return fieldsets

    @admin.display(description=_("title"), ordering="title")
    def title_shown(self, obj):
        return format_html('<span lang="{}">{}</span>', obj.locale, obj.title)

    @admin.display(description=_("In the portal"))
    def portal_links(self, obj):
        if obj is None or obj.pk is None:
            return _("The portal editor has a Markdown preview: Knowledge base → Write an article.")
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("kb:article", args=[obj.slug]),
            _("Open the article"),
            reverse("kb:article_edit", args=[obj.slug]),
            _("Edit with preview"),
        )

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.tenant_id = request.user.tenant_id
        services.article_save(
            article=obj, actor=request.user, created=not change, changed=form.changed_data
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.article_index_tags(article=form.instance)
        services.article_link_translation(
            article=form.instance, translation=form.cleaned_data.get("translation")
        )


class _ReadOnlyAdmin(TenantScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(_ReadOnlyAdmin):
    list_display = ["article", "helpful", "user", "updated_at"]
    list_filter = ["helpful"]
    list_select_related = ["article", "user"]
    search_fields = ["article__title"]


@admin.register(Deflection)
class DeflectionAdmin(_ReadOnlyAdmin):
    list_display = ["article", "query", "source", "user", "created_at"]
    list_filter = ["source"]
    list_select_related = ["article", "user"]
    search_fields = ["article__title", "query"]
    date_hierarchy = "created_at"
