from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.markdown import MarkdownFormField, article_max_length

from .models import Article, Category, Language, Visibility
from .search import MAX_QUERY_LENGTH
from .selectors import translation_choices, translation_for_editor


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the knowledge base"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. reset password"), "autocomplete": "off"}
        ),
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"— {obj.name}" if obj.parent_id else obj.name


def _category_tree_order(categories) -> list[Category]:
    """Top-level categories, each followed by its subcategories."""
    categories = list(categories)
    ordered = []
    for top in (c for c in categories if c.parent_id is None):
        ordered.append(top)
        ordered.extend(c for c in categories if c.parent_id == top.pk)
    return ordered


class ArticleOptions:
    """Each option says which language its article's title is in (``lang``)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        article = getattr(value, "instance", None)
        if isinstance(article, Article):
            option["attrs"]["lang"] = article.locale
        return option


class ArticleSelect(ArticleOptions, forms.Select):
    pass


class ArticleSelectMultiple(ArticleOptions, forms.SelectMultiple):
    pass


class TranslationChoiceField(forms.ModelChoiceField):
    widget = ArticleSelect

    def label_from_instance(self, obj):
        return _("%(title)s (%(language)s)") % {
            "title": obj.title,
            # In the article's own language, like the option's ``lang``.
            "language": obj.autonym,
        }


class ArticleForm(forms.Form):
    """The portal editor. Choices are limited to the tenant's own categories, plans and
    articles; the service checks the same again."""

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        help_text=_("One or two sentences shown in lists and search results."),
    )
    body = MarkdownFormField(
        limit=article_max_length,
        label=_("Article text"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "kb-editor-text"}),
        help_text=_(
            "Markdown: **bold**, *italic*, # headings, - lists, [links](https://…), "
            "`code`. Use Preview to see it as readers will."
        ),
    )
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=400,
        required=False,
        help_text=_("Separate tags with commas, e.g. “password, sign-in”."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )
    plans = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Limit to plans"),
        help_text=_(
            "Only customers whose organization is on a ticked plan can read it. "
            "Tick none for every plan."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.ENGLISH
    )
    translation = TranslationChoiceField(
        queryset=Article.objects.none(),
        required=False,
        label=_("Translation"),
        help_text=_("The same article in the other language. Readers see a link to it."),
    )
    related = forms.ModelMultipleChoiceField(
        queryset=Article.objects.none(),
        required=False,
        label=_("Related articles"),
        widget=ArticleSelectMultiple(attrs={"size": 6}),
        help_text=_("Shown under the article. Hold Ctrl (⌘ on a Mac) to pick several."),
    )
    slug = forms.SlugField(
        max_length=220,
        required=False,
        label=_("Address"),
        help_text=_("The last part of the article's URL. Leave empty to make one from the title."),
    )

    def __init__(self, *args, tenant, plans, article=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.for_tenant(tenant).select_related(
            "parent"
        )
        self.fields["category"].choices = [("", "—")] + [
            (c.pk, self.fields["category"].label_from_instance(c))
            for c in _category_tree_order(self.fields["category"].queryset)
        ]
        self.fields["plans"].queryset = plans
        related = Article.objects.for_tenant(tenant).only("pk", "title", "language", "tenant_id")
        if article is not None:
            related = related.exclude(pk=article.pk)
        self.fields["related"].queryset = related.order_by("title")
        self.fields["translation"].queryset = translation_choices(tenant=tenant, article=article)

    def clean_tags(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["tags"].split(",") if name.strip()]

    @classmethod
    def initial_for(cls, article: Article) -> dict:
        return {
            "title": article.title,
            "summary": article.summary,
            "body": article.body,
            "category": article.category_id,
            "tags": ", ".join(tag.name for tag in article.tags.all()),
            "visibility": article.visibility,
            "plans": [plan.pk for plan in article.plans.all()],
            "language": article.language,
            "related": [other.pk for other in article.related.all()],
            "translation": getattr(translation_for_editor(article=article), "pk", None),
            "slug": article.slug,
        }
