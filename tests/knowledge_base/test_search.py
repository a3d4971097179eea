"""Search: ranking, stemming, prefixes, snippets, languages — on PostgreSQL full-text search
and on the fallback used with SQLite."""

import pytest

from knowledge_base import search
from knowledge_base.selectors import Viewer, visible_articles

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["postgres", "fallback"])
def backend(request, monkeypatch):
    """Run a test on full-text search (PostgreSQL only) and on the fallback (any database)."""
    if request.param == "postgres":
        request.getfixturevalue("require_postgres")
    else:
        monkeypatch.setattr(search, "uses_full_text_search", lambda: False)
    return request.param


def find(tenant, text, **kwargs):
    return search.search_articles(visible_articles(Viewer(tenant=tenant)), text, **kwargs)


def slugs(page):
    return [hit.article.slug for hit in page.hits]


def test_a_title_match_ranks_above_a_body_match(acme, backend):
    ArticleFactory(
        tenant=acme.tenant,
        slug="body-mention",
        title="Network checklist",
        body="Before anything else, check the firewall rules. The firewall logs help too.",
    )
    ArticleFactory(
        tenant=acme.tenant,
        slug="title-mention",
        title="Firewall changes",
        body="How we schedule changes to network rules.",
    )
    ArticleFactory(tenant=acme.tenant, slug="unrelated", title="Billing", body="Invoices.")
    assert slugs(find(acme.tenant, "firewall")) == ["title-mention", "body-mention"]


def test_a_summary_match_ranks_between_title_and_body(acme, backend):
    ArticleFactory(tenant=acme.tenant, slug="in-body", title="A", body="Rotate the vpn keys.")
    ArticleFactory(
        tenant=acme.tenant, slug="in-summary", title="B", summary="VPN access", body="Steps."
    )
    ArticleFactory(tenant=acme.tenant, slug="in-title", title="VPN setup", body="Steps.")
    assert slugs(find(acme.tenant, "vpn")) == ["in-title", "in-summary", "in-body"]


def test_the_last_word_matches_as_a_prefix(acme, backend):
    ArticleFactory(tenant=acme.tenant, slug="pw", title="Resetting your password", body="x")
    assert slugs(find(acme.tenant, "passw")) == ["pw"]
    assert slugs(find(acme.tenant, "reset passw")) == ["pw"]
    if backend == "postgres":
        # Only the last word is a prefix: a finished word must match a whole word, so
        # “passw reset” falls back to matching any word.
        assert not find(acme.tenant, "passw reset").matched_all_words


def test_word_forms_find_each_other(acme, backend):
    ArticleFactory(tenant=acme.tenant, slug="pw", title="Change a password", body="x")
    assert slugs(find(acme.tenant, "passwords")) == ["pw"]


def test_all_words_first_then_any_word(acme, backend):
    ArticleFactory(tenant=acme.tenant, slug="both", title="Reset password", body="x")
    ArticleFactory(tenant=acme.tenant, slug="one", title="Password policy", body="x")
    page = find(acme.tenant, "reset password")
    assert slugs(page) == ["both"] and page.matched_all_words
    page = find(acme.tenant, "cannot reset my badge")
    assert slugs(page) == ["both"] and not page.matched_all_words


def test_snippets_highlight_the_words_and_escape_the_text(acme, backend):
    ArticleFactory(
        tenant=acme.tenant,
        slug="xss",
        title="Firewall <b>rules</b>",
        body="Intro text. Use `<script>alert(1)</script>` carefully when the firewall blocks "
        "traffic.",
    )
    hit = find(acme.tenant, "firewall").hits[0]
    assert "<mark>" in hit.snippet_html and "<mark>" in hit.title_html
    assert "<script>" not in hit.snippet_html
    assert "&lt;b&gt;" in hit.title_html


def test_pagination_counts_every_match(acme, backend):
    for n in range(13):
        ArticleFactory(tenant=acme.tenant, slug=f"kb-{n}", title=f"Quota {n}", body="x")
    first = find(acme.tenant, "quota", limit=10)
    second = find(acme.tenant, "quota", offset=10, limit=10)
    assert first.total == second.total == 13
    assert len(first.hits) == 10 and len(second.hits) == 3
    assert not set(slugs(first)) & set(slugs(second))


def test_broad_queries_count_up_to_a_cap_and_still_rank_title_matches_first(
    acme, require_postgres, monkeypatch
):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for n in range(4):
        ArticleFactory(tenant=acme.tenant, slug=f"body-{n}", title=f"Note {n}", body="A quota.")
    ArticleFactory(tenant=acme.tenant, slug="title-1", title="Quota limits", body="x")
    ArticleFactory(tenant=acme.tenant, slug="title-2", title="Raising a quota", body="x")
    page = find(acme.tenant, "quota", limit=2)
    assert (page.total, page.more) == (3, True)
    assert sorted(slugs(page)) == ["title-1", "title-2"]
    # Past the title matches, every match is ranked.
    page = find(acme.tenant, "quota", limit=4)
    assert slugs(page)[:2] in (["title-1", "title-2"], ["title-2", "title-1"])
    assert len(page.hits) == 4


def test_nothing_to_search_for(acme, backend):
    ArticleFactory(tenant=acme.tenant, title="Anything")
    for text in ("", "   ", "!!!", "&|:*'"):
        page = find(acme.tenant, text)
        assert page.hits == [] and page.total == 0


def test_query_syntax_cannot_break_the_search(acme, backend):
    ArticleFactory(tenant=acme.tenant, slug="x", title="Restore backup", body="x")
    for text in ("restore & | ! (", "restore:*", "'restore'", "restore\\", "restore <->"):
        assert slugs(find(acme.tenant, text)) == ["x"]


def test_articles_are_stemmed_in_their_own_language(acme, require_postgres):
    ArticleFactory(
        tenant=acme.tenant,
        slug="es",
        language="spanish",
        title="Cómo restablecer su contraseña",
        body="Las contraseñas se cambian desde el perfil.",
    )
    ArticleFactory(tenant=acme.tenant, slug="en", title="Passwords", body="Profiles.")
    # Spanish plural and singular find each other in the Spanish article only.
    assert slugs(find(acme.tenant, "contraseñas")) == ["es"]
    assert slugs(find(acme.tenant, "perfiles")) == ["es"]
    # English stemming for the English one.
    assert slugs(find(acme.tenant, "profile")) == ["en"]


def test_tags_are_searchable(acme, backend):
    from knowledge_base.services import article_create

    article_create(
        tenant=acme.tenant,
        actor=acme.engineer,
        title="Connecting from home",
        body="Install the client.",
        tag_names=["vpn"],
        status="published",
    )
    assert slugs(find(acme.tenant, "vpn")) == ["connecting-from-home"]


def test_the_search_page_shows_results_with_snippets(acme, client_for):
    ArticleFactory(tenant=acme.tenant, slug="fw", title="Firewall rules", body="Open ports.")
    page = client_for(acme.host).get("/kb/search/", {"q": "firewall"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 result for “firewall”" in html
    assert "<mark>Firewall</mark> rules" in html
    none = client_for(acme.host).get("/kb/search/", {"q": "kubernetes"})
    assert "No articles match “kubernetes”" in none.content.decode()


def test_search_page_query_count_is_fixed(acme, client_for, django_assert_num_queries):
    for n in range(15):
        ArticleFactory(tenant=acme.tenant, slug=f"fw-{n}", title=f"Firewall {n}", body="x")
    client = client_for(acme.host, acme.customer)
    client.get("/kb/search/", {"q": "firewall"})  # warm the session
    # User, organization's plan, then two for the results: a count (capped on PostgreSQL)
    # and the page with its snippets (the session is read from the cache).
    with django_assert_num_queries(4):
        response = client.get("/kb/search/", {"q": "firewall"})
    assert len(response.context["results"].hits) == 10
