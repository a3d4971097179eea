"""Articles in English and Spanish: readers find the version in their language, a link to
the other one when they may read it, and the knowledge base's own words in their language.

Spanish pages need the compiled catalogue (``/tmp/i18n/try.sh`` during development; the
build compiles it)."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import Tenant
from knowledge_base import services
from knowledge_base.forms import ArticleForm
from knowledge_base.models import Article, ArticleStatus, Language, Visibility

from .factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def pair(acme):
    """An English article and its Spanish translation, both public, in one category."""
    category = CategoryFactory(tenant=acme.tenant, name="Cuenta", slug="account")
    english = ArticleFactory(
        tenant=acme.tenant,
        category=category,
        slug="reset-your-password",
        title="Resetting your password",
        body="Use the zebra link on the sign-in page.",
    )
    spanish = ArticleFactory(
        tenant=acme.tenant,
        category=category,
        slug="restablecer-contrasena",
        title="Cómo restablecer su contraseña",
        body="Use el enlace zebra de la página de inicio de sesión.",
        language=Language.SPANISH,
    )
    services.article_link_translation(article=spanish, translation=english)
    return english, spanish


def titles_in(response) -> set[str]:
    page = response.content.decode()
    return {t for t in ("Resetting your password", "Cómo restablecer su contraseña") if t in page}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [(SPANISH, "Cómo restablecer su contraseña"), (ENGLISH, "Resetting your password")],
)
def test_lists_show_the_version_in_the_readers_language(acme, pair, client_for, headers, expected):
    client = client_for(acme.host, **headers)
    assert titles_in(client.get("/kb/")) == {expected}
    assert titles_in(client.get("/kb/categories/account/")) == {expected}
    search = client.get("/kb/search/", {"q": "zebra"})
    assert [hit.article.title for hit in search.context["results"].hits] == [expected]
    assert search.context["results"].total == 1


def test_search_finds_the_other_language_when_only_it_matches(acme, pair, client_for):
    search = client_for(acme.host, **SPANISH).get("/kb/search/", {"q": "password"})
    assert [hit.article.title for hit in search.context["results"].hits] == [
        "Resetting your password"
    ]
    suggestions = client_for(acme.host, **SPANISH).get("/kb/suggest/", {"title": "zebra"})
    assert [hit.article.title for hit in suggestions.context["hits"]] == [
        "Cómo restablecer su contraseña"
    ]


def test_a_signed_in_readers_own_language_chooses_the_version(acme, pair, client_for):
    acme.customer.language = "es"
    acme.customer.save(update_fields=["language"])
    client = client_for(acme.host, acme.customer, **ENGLISH)
    assert titles_in(client.get("/kb/")) == {"Cómo restablecer su contraseña"}


def test_the_article_links_its_translation_both_ways(acme, pair, client_for):
    english, spanish = pair
    in_spanish = client_for(acme.host, **SPANISH).get(english.get_absolute_url()).content.decode()
    assert "También en:" in in_spanish
    assert f'<a href="{spanish.get_absolute_url()}" hreflang="es" lang="es">Español</a>' in (
        in_spanish
    )
    in_english = client_for(acme.host, **ENGLISH).get(spanish.get_absolute_url()).content.decode()
    assert "Also in:" in in_english
    assert f'<a href="{english.get_absolute_url()}" hreflang="en" lang="en">English</a>' in (
        in_english
    )


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.ARCHIVED])
def test_an_unpublished_translation_is_neither_linked_nor_listed(acme, pair, client_for, status):
    english, spanish = pair
    Article.objects.filter(pk=spanish.pk).update(status=status)
    for user in (None, acme.engineer):
        client = client_for(acme.host, user, **SPANISH)
        page = client.get(english.get_absolute_url()).content.decode()
        assert "También en:" not in page and spanish.get_absolute_url() not in page
        # The Spanish reader still finds the English article, the only one published.
        assert titles_in(client.get("/kb/")) == {"Resetting your password"}
    assert client_for(acme.host, **SPANISH).get(spanish.get_absolute_url()).status_code == 404


def test_a_translation_for_signed_in_customers_is_linked_only_for_them(acme, pair, client_for):
    english, spanish = pair
    Article.objects.filter(pk=spanish.pk).update(visibility=Visibility.CUSTOMERS)
    visitor = client_for(acme.host, **SPANISH).get(english.get_absolute_url()).content.decode()
    assert spanish.get_absolute_url() not in visitor
    customer = client_for(acme.host, acme.customer, **SPANISH)
    assert spanish.get_absolute_url() in customer.get(english.get_absolute_url()).content.decode()
    assert titles_in(customer.get("/kb/")) == {"Cómo restablecer su contraseña"}


def test_another_help_desks_article_cannot_be_the_translation(acme, globex, pair, client_for):
    english, _spanish = pair
    foreign = ArticleFactory(tenant=globex.tenant, language=Language.SPANISH, slug="ajena")
    with pytest.raises(ValidationError):
        services.article_link_translation(article=english, translation=foreign)
    client = client_for(acme.host, acme.engineer)
    response = client.post(
        f"/kb/manage/articles/{english.slug}/",
        {
            "title": english.title,
            "body": english.body,
            "visibility": "public",
            "language": "english",
            "slug": english.slug,
            "translation": foreign.pk,
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["translation"]
    assert not Article.objects.filter(translation_of=foreign).exists()


def test_the_translation_must_be_in_the_other_language(acme, pair):
    english, _spanish = pair
    other_english = ArticleFactory(tenant=acme.tenant, slug="other-english")
    with pytest.raises(ValidationError) as raised:
        services.article_link_translation(article=english, translation=other_english)
    assert "other language" in str(raised.value)


def test_the_editor_links_and_unlinks_a_translation(acme, client_for):
    english = ArticleFactory(tenant=acme.tenant, slug="vpn-access", title="VPN access")
    spanish = ArticleFactory(
        tenant=acme.tenant, slug="acceso-vpn", title="Acceso VPN", language=Language.SPANISH
    )
    client = client_for(acme.host, acme.engineer)
    data = {
        "title": english.title,
        "body": english.body,
        "visibility": "public",
        "language": "english",
        "slug": english.slug,
        "translation": spanish.pk,
        "action": "save",
    }
    assert client.post("/kb/manage/articles/vpn-access/", data).status_code == 302
    # Seen from the other side, the link is there too.
    form = editor_form(client.get("/kb/manage/articles/acceso-vpn/"))
    assert form.initial["translation"] == english.pk
    unlinked = client.post("/kb/manage/articles/vpn-access/", {**data, "translation": ""})
    assert unlinked.status_code == 302
    form = editor_form(client.get("/kb/manage/articles/acceso-vpn/"))
    assert form.initial["translation"] is None


def editor_form(response):
    """The article form of the editor page (the page's own context, not a widget's)."""
    assert response.status_code == 200
    forms = [c["form"] for c in response.context if isinstance(c.get("form"), ArticleForm)]
    assert forms, "the editor page has no article form"
    return forms[0]


def test_admin_links_a_translation_of_the_same_help_desk_only(acme, globex, pair, client_for):
    english, spanish = pair
    other = ArticleFactory(tenant=acme.tenant, slug="otra", language=Language.SPANISH)
    client = client_for(acme.host, acme.tenant_admin)
    page = client.get(f"/admin/knowledge_base/article/{english.pk}/change/")
    form = page.context["adminform"].form
    assert form.initial["translation"] == spanish.pk
    foreign = ArticleFactory(tenant=globex.tenant, slug="ajena", language=Language.SPANISH)
    assert foreign not in set(form.fields["translation"].queryset)
    data = {
        "title": english.title,
        "slug": english.slug,
        "body": english.body,
        "language": "english",
        "status": "published",
        "visibility": "public",
        "translation": other.pk,
    }
    response = client.post(f"/admin/knowledge_base/article/{english.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(pk=other.pk).translation_of_id is None
    assert Article.objects.get(pk=english.pk).translation_of_id == other.pk
    assert Article.objects.get(pk=spanish.pk).translation_of_id is None


def test_kb_pages_in_spanish_speak_spanish(acme, pair, client_for):
    client = client_for(acme.host, **SPANISH)
    home = client.get("/kb/").content.decode()
    assert '<html lang="es">' in home
    for text in ("Base de conocimiento", "Artículos populares", "Publicados recientemente"):
        assert text in home
    article = client.get(pair[1].get_absolute_url()).content.decode()
    assert "¿Le resultó útil este artículo?" in article
    assert ">Sí</button>" in article
    missing = client.get("/kb/search/", {"q": "ornitorrinco"}).content.decode()
    assert "Ningún artículo coincide con “ornitorrinco”" in missing


@pytest.mark.parametrize(
    ("headers", "one", "two"),
    [
        (ENGLISH, ("1 article", "1 result for “zebra”"), ("2 articles", "2 results for “zebra”")),
        (
            SPANISH,
            ("1 artículo", "1 resultado para “zebra”"),
            ("2 artículos", "2 resultados para “zebra”"),
        ),
    ],
)
def test_counts_read_right_in_both_languages(acme, pair, client_for, headers, one, two):
    client = client_for(acme.host, **headers)
    # The article and its translation count once.
    assert one[0] in client.get("/kb/").content.decode()
    assert one[1] in client.get("/kb/search/?q=zebra").content.decode()
    # A second article, in neither's translation group, makes two in the category.
    ArticleFactory(
        tenant=acme.tenant,
        category=pair[0].category,
        slug="zebra-crossing",
        title="Zebra crossing",
        body="zebra",
        language=Language.for_locale(headers["HTTP_ACCEPT_LANGUAGE"]),
    )
    home = client.get("/kb/").content.decode()
    assert two[0] in home
    assert two[1] in client.get("/kb/search/?q=zebra").content.decode()


# --- the demo help centres ------------------------------------------------------------------


@pytest.fixture
def demo():
    from accounts.demo import seed_tenants
    from knowledge_base.demo import seed_knowledge_base

    seed_tenants(base_url_format="http://{host}:8000/")
    seed_knowledge_base()
    return seed_knowledge_base


def _translation_slug(article) -> str | None:
    other = Article.objects.filter(
        Q(pk=article.translation_of_id) | Q(translation_of=article)
    ).exclude(pk=article.pk)
    return other.values_list("slug", flat=True).first()


def test_ivcisas_help_centre_is_in_spanish_with_each_english_version_linked(demo, client_for):
    tenant = Tenant.objects.get(slug="ivcisa")
    articles = Article.objects.for_tenant(tenant)
    english = articles.filter(language=Language.ENGLISH)
    assert english.exists()
    for article in english:
        translation = _translation_slug(article)
        assert translation, article.slug
        assert articles.get(slug=translation).language == Language.SPANISH
    assert _translation_slug(articles.get(slug="how-to-request-support")) == (
        "como-solicitar-soporte-tecnico"
    )
    visitor = client_for("ivcisa.localhost", **SPANISH)
    home = visitor.get("/kb/").content.decode()
    assert "Cómo solicitar soporte técnico en tres pasos" in home
    assert "How to request support in three steps" not in home
    assert "Primeros pasos" in home
    priorities = visitor.get("/kb/articles/como-se-define-la-prioridad/").content.decode()
    assert "Interrupción total" in priorities and "Cuándo aplica" in priorities
    assert "Also in" not in priorities and "También en:" in priorities
    # Invoca's help centre stays English.
    assert not Article.objects.filter(tenant__slug="invoca", language=Language.SPANISH).exists()


def test_seeding_again_adds_the_missing_spanish_articles_and_keeps_edits(demo):
    tenant = Tenant.objects.get(slug="ivcisa")
    articles = Article.objects.for_tenant(tenant)
    articles.filter(slug="como-solicitar-soporte-tecnico").delete()
    articles.filter(slug="how-to-request-support").update(title="Requesting support (edited)")
    spanish_edit = articles.get(slug="tipos-de-solicitud")
    services.article_link_translation(article=spanish_edit, translation=None)
    demo()
    restored = articles.get(slug="como-solicitar-soporte-tecnico")
    assert _translation_slug(restored) == "how-to-request-support"
    assert articles.get(slug="how-to-request-support").title == "Requesting support (edited)"
    # An editor's unlinking stays.
    assert _translation_slug(articles.get(slug="tipos-de-solicitud")) is None
