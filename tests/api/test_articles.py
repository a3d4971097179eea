"""The knowledge base in the API shows each reader exactly what the portal shows them."""

import pytest

from knowledge_base import services
from knowledge_base.models import Language

from ..knowledge_base.conftest import build_kb
from ..knowledge_base.factories import ArticleFactory

pytestmark = pytest.mark.django_db

READABLE = {
    "customer": {"public-article", "customers-article", "gold-article"},
    "org_admin": {"public-article", "customers-article", "gold-article"},
    # Their organization is on another plan: the gold article is not theirs.
    "other_org_customer": {"public-article", "customers-article"},
    "engineer": {"public-article", "customers-article", "gold-article", "staff-article"},
    "manager": {"public-article", "customers-article", "gold-article", "staff-article"},
}
UNREAD = ["staff-article", "draft-article", "archived-article"]


@pytest.fixture
def kb(acme):
    return build_kb(acme)


def _slugs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["slug"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", sorted(READABLE))
def test_each_reader_lists_and_searches_what_the_portal_shows_them(acme, kb, api_as, role):
    api = api_as(getattr(acme, role), host=acme.host)
    assert _slugs(api.get("/api/v1/articles/")) == READABLE[role]
    # Every article of the knowledge base mentions a zebra.
    found = api.get("/api/v1/articles/?q=zebra")
    assert _slugs(found) == READABLE[role]
    assert all("<mark>" in row["snippet_html"] for row in found.json()["results"])


@pytest.mark.parametrize("role", ["customer", "org_admin", "other_org_customer"])
def test_customers_do_not_find_drafts_archived_or_staff_articles(acme, kb, api_as, role):
    api = api_as(getattr(acme, role), host=acme.host)
    for slug in UNREAD:
        response = api.get(f"/api/v1/articles/{slug}/")
        assert response.status_code == 404, slug
        assert "title" not in response.json()
    gold = api.get("/api/v1/articles/gold-article/")
    assert gold.status_code == (200 if role != "other_org_customer" else 404)


def test_staff_read_internal_articles_and_preview_drafts(acme, kb, api_as):
    api = api_as(acme.engineer, host=acme.host)
    internal = api.get("/api/v1/articles/staff-article/")
    assert internal.status_code == 200
    draft = api.get("/api/v1/articles/draft-article/")
    assert draft.status_code == 200
    assert draft.json()["status"] == "draft"
    # A draft is previewed on its page, never listed.
    assert "draft-article" not in _slugs(api.get("/api/v1/articles/"))


def test_an_article_reads_with_its_markdown_and_stored_html(acme, kb, api_as):
    body = api_as(acme.customer, host=acme.host).get("/api/v1/articles/public-article/").json()
    assert body["title"] == "Public Article guide"
    assert body["language"] == "english"
    assert body["body"] == kb.public.body
    assert body["body_html"] == kb.public.body_html
    assert "<p>" in body["body_html"]
    assert body["category"] == {"slug": "basics", "name": "Basics"}
    assert body["url"] == "http://acme.localhost/kb/articles/public-article/"
    assert body["updated_at"]
    assert body["translation"] is None


@pytest.fixture
def pair(acme, kb):
    english = ArticleFactory(
        tenant=acme.tenant, slug="reset-password", title="Resetting your password",
        body="Use the zebra link.",
    )  # fmt: skip
    spanish = ArticleFactory(
        tenant=acme.tenant, slug="restablecer-contrasena", title="Cómo restablecer su contraseña",
        body="Use el enlace zebra.", language=Language.SPANISH,
    )  # fmt: skip
    services.article_link_translation(article=spanish, translation=english)
    return english, spanish


@pytest.mark.parametrize(
    ("language", "listed"), [("es", "restablecer-contrasena"), ("en", "reset-password")]
)
def test_a_translated_article_is_listed_once_in_the_readers_language(
    acme, pair, api_as, language, listed
):
    api = api_as(acme.customer, host=acme.host)
    both = {"reset-password", "restablecer-contrasena"}
    slugs = _slugs(api.get("/api/v1/articles/", HTTP_ACCEPT_LANGUAGE=language))
    assert slugs & both == {listed}
    found = _slugs(api.get("/api/v1/articles/?q=zebra", HTTP_ACCEPT_LANGUAGE=language))
    assert found & both == {listed}
    other = (both - {listed}).pop()
    detail = api.get(f"/api/v1/articles/{listed}/").json()
    assert detail["translation"]["slug"] == other


def test_a_draft_translation_is_not_offered_to_customers(acme, pair, api_as):
    english, spanish = pair
    spanish.status = "draft"
    spanish.save()
    detail = api_as(acme.customer, host=acme.host).get("/api/v1/articles/reset-password/")
    assert detail.json()["translation"] is None
    staff = api_as(acme.engineer, host=acme.host).get("/api/v1/articles/reset-password/")
    assert staff.json()["translation"] is None  # only published translations are linked


def test_another_tenants_articles_stay_there(two_tenants, api_as):
    acme, globex = two_tenants
    build_kb(acme)
    ArticleFactory(tenant=globex.tenant, slug="globex-only", body="A zebra.")
    assert api_as(globex.customer, host=acme.host).get("/api/v1/articles/").status_code == 401
    assert (
        api_as(globex.engineer, host=acme.host).get("/api/v1/articles/public-article/").status_code
        == 401
    )
    theirs = api_as(globex.engineer, host=globex.host)
    assert theirs.get("/api/v1/articles/public-article/").status_code == 404
    assert _slugs(theirs.get("/api/v1/articles/")) == {"globex-only"}
    assert _slugs(theirs.get("/api/v1/articles/?q=zebra")) == {"globex-only"}
    assert "globex-only" not in _slugs(
        api_as(acme.engineer, host=acme.host).get("/api/v1/articles/")
    )


def test_articles_come_a_page_at_a_time(acme, kb, api_as):
    api = api_as(acme.engineer, host=acme.host)
    for path in ("/api/v1/articles/?page_size=3", "/api/v1/articles/?q=zebra&page_size=3"):
        seen, url = [], path
        while url:
            body = api.get(url).json()
            seen += [row["slug"] for row in body["results"]]
            url = body["next"]
        assert len(seen) == len(set(seen)) == 4, path
    assert api.get("/api/v1/articles/?cursor=nonsense").status_code == 400


@pytest.mark.parametrize(("role", "pinned"), [("engineer", 2), ("customer", 3)])
def test_the_list_costs_the_same_queries_for_2_rows_as_for_10(
    acme, api_as, django_assert_num_queries, role, pinned
):
    api = api_as(getattr(acme, role), host=acme.host)
    api.get("/api/v1/articles/")  # the token's first use is recorded once
    counts = []
    for total in (2, 10):
        while len(api.get("/api/v1/articles/").json()["results"]) < total:
            ArticleFactory(tenant=acme.tenant)
        # Token, (customers: their plan), the page.
        with django_assert_num_queries(pinned) as captured:
            response = api.get("/api/v1/articles/")
        assert len(response.json()["results"]) == total
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
