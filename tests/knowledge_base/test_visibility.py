"""Who reads what: anonymous visitors, customers of each plan, staff — on pages and in
search results alike."""

import re

import pytest

pytestmark = pytest.mark.django_db

# Every page's language switch holds a fresh CSRF token and the page's own address.
_PER_REQUEST = re.compile(r'name="(csrfmiddlewaretoken|next)" value="[^"]*"')


def _page_404(response) -> str:
    return _PER_REQUEST.sub(r'name="\1" value=""', response.content.decode())


ALL_SLUGS = {
    "public-article",
    "customers-article",
    "staff-article",
    "gold-article",
    "draft-article",
    "archived-article",
}
EXPECTED = {
    "anonymous": {"public-article"},
    "customer_on_gold": {"public-article", "customers-article", "gold-article"},
    "org_admin_on_gold": {"public-article", "customers-article", "gold-article"},
    "customer_on_bronze": {"public-article", "customers-article"},
    "customer_without_plan": {"public-article", "customers-article"},
    "engineer": {"public-article", "customers-article", "staff-article", "gold-article"},
    "manager": {"public-article", "customers-article", "staff-article", "gold-article"},
    "tenant_admin": {"public-article", "customers-article", "staff-article", "gold-article"},
}


def viewer_user(kb, who):
    world = kb.world
    return {
        "anonymous": None,
        "customer_on_gold": world.customer,
        "org_admin_on_gold": world.org_admin,
        "customer_on_bronze": world.other_org_customer,
        "customer_without_plan": kb.no_plan_customer,
        "engineer": world.engineer,
        "manager": world.manager,
        "tenant_admin": world.tenant_admin,
    }[who]


# What a visitor who is not signed in would be able to open after signing in.
SIGN_IN_OPENS = {"customers-article", "gold-article"}


def result_slugs(response) -> set[str]:
    return {hit.article.slug for hit in response.context["results"].hits}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_article_pages_open_only_for_allowed_readers(kb, client_for, who):
    client = client_for(kb.world.host, viewer_user(kb, who))
    opened = {
        slug
        for slug in ALL_SLUGS - {"draft-article", "archived-article"}
        if client.get(f"/kb/articles/{slug}/").status_code == 200
    }
    assert opened == EXPECTED[who]
    for slug in ALL_SLUGS - opened - {"draft-article", "archived-article"}:
        response = client.get(f"/kb/articles/{slug}/")
        if who == "anonymous" and slug in SIGN_IN_OPENS:
            # Signing in may open it: the visitor is asked to (see test_sign_in_prompt.py).
            assert response.status_code == 403
            continue
        assert response.status_code == 404
        # Forbidden looks exactly like missing.
        assert _page_404(response) == _page_404(client.get("/kb/articles/no-such-article/"))


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_search_results_hold_only_what_the_reader_may_open(kb, client_for, who):
    client = client_for(kb.world.host, viewer_user(kb, who))
    response = client.get("/kb/search/", {"q": "zebra"})
    assert result_slugs(response) == EXPECTED[who]
    assert response.context["results"].total == len(EXPECTED[who])


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_suggestions_and_lists_hold_only_what_the_reader_may_open(kb, client_for, who):
    client = client_for(kb.world.host, viewer_user(kb, who))
    suggested = client.get("/kb/suggest/", {"title": "zebra"})
    assert {hit.article.slug for hit in suggested.context["hits"]} == EXPECTED[who]
    category = client.get("/kb/categories/basics/")
    assert {a.slug for a in category.context["page"].object_list} == EXPECTED[who]
    home = client.get("/kb/")
    assert {a.slug for a in home.context["recent"]} == EXPECTED[who]
    assert home.context["categories"][0].article_count == len(EXPECTED[who])


def test_drafts_and_archived_articles_are_hidden_from_readers_but_staff_can_preview(kb, client_for):
    for user in (None, kb.world.customer):
        client = client_for(kb.world.host, user)
        assert client.get("/kb/articles/draft-article/").status_code == 404
        assert client.get("/kb/articles/archived-article/").status_code == 404
    staff = client_for(kb.world.host, kb.world.engineer)
    page = staff.get("/kb/articles/draft-article/")
    assert page.status_code == 200
    assert "Draft" in page.content.decode()
    # Staff search still lists only what readers could find.
    assert "draft-article" not in result_slugs(staff.get("/kb/search/", {"q": "zebra"}))


def test_another_tenants_articles_are_not_found(kb, kb_globex, client_for):
    globex_only = kb_globex.public.__class__.objects.create(
        tenant=kb_globex.tenant,
        slug="globex-secret",
        title="Globex secret",
        body="zebra",
        body_text="zebra",
        status="published",
    )
    acme_client = client_for(kb.world.host, kb.world.tenant_admin)
    assert acme_client.get(f"/kb/articles/{globex_only.slug}/").status_code == 404
    results = acme_client.get("/kb/search/", {"q": "zebra"})
    assert all(hit.article.tenant_id == kb.tenant.pk for hit in results.context["results"].hits)
    # The same address on each portal shows that portal's own article.
    acme_page = client_for(kb.world.host).get("/kb/articles/public-article/")
    globex_page = client_for(kb_globex.world.host).get("/kb/articles/public-article/")
    assert acme_page.context["article"].tenant_id == kb.tenant.pk
    assert globex_page.context["article"].tenant_id == kb_globex.tenant.pk


def test_a_user_of_another_tenant_reads_as_an_anonymous_visitor(kb, kb_globex, client_for):
    # Signed in at Globex, visiting Acme: the session does not carry over.
    client = client_for(kb.world.host, kb_globex.world.engineer)
    assert client.get("/kb/articles/staff-article/").status_code == 404
    prompt = client.get("/kb/articles/customers-article/")
    assert prompt.status_code == 403 and prompt.context["sign_in_url"]
    assert client.get("/kb/articles/public-article/").status_code == 200


def test_a_plan_limited_article_is_not_found_by_another_organizations_customer(kb, client_for):
    url = f"/kb/articles/{kb.plan_a_only.slug}/"
    assert client_for(kb.world.host, kb.world.customer).get(url).status_code == 200
    assert client_for(kb.world.host, kb.world.other_org_customer).get(url).status_code == 404


def test_category_with_nothing_to_read_is_not_found(kb, client_for):
    from .factories import ArticleFactory, CategoryFactory

    internal = CategoryFactory(tenant=kb.tenant, slug="internal", name="Internal")
    ArticleFactory(tenant=kb.tenant, category=internal, visibility="staff", slug="runbook")
    assert client_for(kb.world.host).get("/kb/categories/internal/").status_code == 404
    customer = client_for(kb.world.host, kb.world.customer)
    assert customer.get("/kb/categories/internal/").status_code == 404
    staff = client_for(kb.world.host, kb.world.engineer)
    assert staff.get("/kb/categories/internal/").status_code == 200


def test_the_platform_host_has_no_knowledge_base(kb, client_for):
    assert client_for("localhost").get("/kb/").status_code == 404
    assert client_for("localhost").get("/kb/articles/public-article/").status_code == 404


def test_another_tenants_categories_and_tags_are_not_found(kb, kb_globex, client_for):
    from knowledge_base.services import tags_from_names

    from .factories import CategoryFactory

    CategoryFactory(tenant=kb_globex.tenant, slug="globex-only", name="Globex only")
    (tag,) = tags_from_names(tenant=kb_globex.tenant, names=["globex-tag"])
    kb_globex.public.tags.add(tag)
    for user in (None, kb.world.customer, kb.world.tenant_admin):
        client = client_for(kb.world.host, user)
        assert client.get("/kb/categories/globex-only/").status_code == 404
        assert client.get("/kb/tags/globex-tag/").status_code == 404
    assert client_for(kb_globex.world.host).get("/kb/tags/globex-tag/").status_code == 200


def test_a_plan_limited_category_is_not_found_by_another_organizations_customer(kb, client_for):
    from .factories import ArticleFactory, CategoryFactory

    gold = CategoryFactory(tenant=kb.tenant, slug="gold-corner", name="Gold corner")
    ArticleFactory(
        tenant=kb.tenant, category=gold, visibility="customers", plans=[kb.plan_a], slug="g1"
    )
    assert (
        client_for(kb.world.host, kb.world.customer).get("/kb/categories/gold-corner/").status_code
        == 200
    )
    assert (
        client_for(kb.world.host, kb.world.other_org_customer)
        .get("/kb/categories/gold-corner/")
        .status_code
        == 404
    )
