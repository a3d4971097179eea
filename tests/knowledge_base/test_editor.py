"""Writing articles in the portal, the Markdown preview, status changes and the picker."""

import pytest

from knowledge_base import services
from knowledge_base.models import Article, ArticleEvent, ArticleStatus

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "Rotating access keys",
        "summary": "How and when to rotate keys.",
        "body": "## Steps\n\n1. Create a new key\n2. Delete the old one",
        "category": "",
        "tags": "security, Keys, keys",
        "visibility": "public",
        "language": "english",
        "slug": "",
        "action": "publish",
    }
    data.update(overrides)
    return data


def test_an_engineer_publishes_an_article(kb, client_for):
    client = client_for(kb.world.host, kb.world.engineer)
    response = client.post(
        "/kb/manage/new/", form_data(category=kb.category.pk, related=[kb.public.pk])
    )
    article = Article.objects.get(slug="rotating-access-keys")
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert article.status == ArticleStatus.PUBLISHED and article.published_at
    assert article.author == kb.world.engineer
    assert article.category == kb.category
    assert sorted(t.name for t in article.tags.all()) == ["Keys", "security"]
    assert list(article.related.all()) == [kb.public]
    assert "Create a new key" in article.body_text and "##" not in article.body_text
    # Readers find it straight away.
    found = client_for(kb.world.host).get("/kb/search/", {"q": "rotate keys"})
    assert [h.article.slug for h in found.context["results"].hits] == ["rotating-access-keys"]


def test_a_draft_is_saved_but_not_shown_to_readers(kb, client_for):
    client = client_for(kb.world.host, kb.world.tenant_admin)
    client.post("/kb/manage/new/", form_data(action="save"))
    article = Article.objects.get(slug="rotating-access-keys")
    assert article.status == ArticleStatus.DRAFT and article.published_at is None
    assert client_for(kb.world.host).get(article.get_absolute_url()).status_code == 404


def test_bad_input_shows_errors_and_keeps_what_was_typed(kb, client_for):
    client = client_for(kb.world.host, kb.world.engineer)
    response = client.post(
        "/kb/manage/new/",
        form_data(title="", body="My long careful text", plans=[kb.plan_a.pk]),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html
    assert "My long careful text" in html
    assert "How and when to rotate keys." in html
    # A plan limit needs an audience of signed-in customers.
    response = client.post("/kb/manage/new/", form_data(plans=[kb.plan_a.pk]))
    assert "Only articles for signed-in customers can be limited to plans" in (
        response.content.decode()
    )
    assert not Article.objects.filter(title="Rotating access keys").exists()


def test_addresses_are_unique_per_tenant(kb, kb_globex, client_for):
    client = client_for(kb.world.host, kb.world.engineer)
    response = client.post("/kb/manage/new/", form_data(slug="public-article"))
    assert "Another article already uses this address." in response.content.decode()
    # An automatic address steps around taken ones…
    client.post("/kb/manage/new/", form_data(title="Public article"))
    assert Article.objects.filter(tenant=kb.tenant, slug="public-article-2").exists()
    # …and another tenant's addresses do not matter.
    globex = client_for(kb_globex.world.host, kb_globex.world.engineer)
    globex.post("/kb/manage/new/", form_data(title="Fresh", slug="rotating-access-keys"))
    assert Article.objects.filter(tenant=kb_globex.tenant, slug="rotating-access-keys").exists()


def test_editing_an_article_records_its_history(kb, client_for):
    client = client_for(kb.world.host, kb.world.engineer)
    page = client.get("/kb/manage/articles/customers-article/")
    assert page.status_code == 200
    assert page.context["form"].initial["title"] == kb.customers.title
    response = client.post(
        "/kb/manage/articles/customers-article/",
        form_data(
            title="Customers only, revised",
            slug="customers-article",
            visibility="customers",
            plans=[kb.plan_b.pk],
            action="save",
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get(pk=kb.customers.pk)
    assert article.title == "Customers only, revised"
    assert list(article.plans.all()) == [kb.plan_b]
    event = ArticleEvent.objects.filter(article=article).latest("created_at")
    assert event.actor == kb.world.engineer
    assert {"title", "plans", "tags", "body"} <= set(event.data["fields"])
    # The plan limit applies at once.
    gold = client_for(kb.world.host, kb.world.customer)
    assert gold.get("/kb/articles/customers-article/").status_code == 404


def test_publish_unpublish_and_archive(kb, client_for):
    client = client_for(kb.world.host, kb.world.engineer)
    url = "/kb/manage/articles/public-article/status/"
    client.post(url, {"status": "draft"})
    assert Article.objects.get(pk=kb.public.pk).status == ArticleStatus.DRAFT
    assert client_for(kb.world.host).get("/kb/articles/public-article/").status_code == 404
    client.post(url, {"status": "archived"})
    client.post(url, {"status": "published"})
    article = Article.objects.get(pk=kb.public.pk)
    assert article.status == ArticleStatus.PUBLISHED
    kinds = list(
        ArticleEvent.objects.filter(article=article, kind="status").values_list("data", flat=True)
    )
    assert kinds == [
        {"from": "published", "to": "draft"},
        {"from": "draft", "to": "archived"},
        {"from": "archived", "to": "published"},
    ]
    # An unknown status changes nothing and says why.
    response = client.post(url, {"status": "deleted"}, follow=True)
    assert "cannot go from published to deleted" in response.content.decode()


def test_preview_renders_sanitized_markdown(kb, client_for):
    client = client_for(kb.world.host, kb.world.engineer)
    response = client.post("/kb/manage/preview/", {"body": "**Bold** <script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<strong>Bold</strong>" in response.content.decode()
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/kb/manage/",
        "/kb/manage/new/",
        "/kb/manage/articles/public-article/",
        "/kb/manage/picker/?q=zebra",
    ],
)
def test_customers_and_other_tenants_staff_cannot_reach_the_editor(kb, kb_globex, client_for, url):
    assert client_for(kb.world.host, kb.world.customer).get(url).status_code == 404
    assert client_for(kb.world.host, kb.world.org_admin).get(url).status_code == 404
    # Globex's engineer is signed out on Acme's host and sent to sign in.
    other = client_for(kb.world.host, kb_globex.world.engineer).get(url)
    assert other.status_code == 302 and "/accounts/login/" in other["Location"]


def test_cannot_edit_another_tenants_article(kb, kb_globex, client_for):
    other = ArticleFactory(tenant=kb_globex.tenant, slug="globex-only")
    client = client_for(kb.world.host, kb.world.engineer)
    assert client.get(f"/kb/manage/articles/{other.slug}/").status_code == 404
    assert (
        client.post(f"/kb/manage/articles/{other.slug}/status/", {"status": "draft"}).status_code
        == 404
    )
    assert Article.objects.get(pk=other.pk).status == ArticleStatus.PUBLISHED


def test_staff_list_shows_drafts_and_filters(kb, client_for, django_assert_num_queries):
    for n in range(10):
        ArticleFactory(tenant=kb.tenant, slug=f"extra-{n}", category=kb.category)
    client = client_for(kb.world.host, kb.world.engineer)
    client.get("/kb/manage/")
    # User, count, page (with categories), the page's read counts (the session is read
    # from the cache).
    with django_assert_num_queries(4):
        page = client.get("/kb/manage/")
    slugs = {a.slug for a in page.context["page"].object_list}
    assert {"draft-article", "staff-article", "archived-article"} <= slugs
    drafts = client.get("/kb/manage/", {"status": "draft"})
    assert [a.slug for a in drafts.context["page"].object_list] == ["draft-article"]


def test_picker_offers_links_with_absolute_addresses(kb, client_for):
    client = client_for(kb.world.host, kb.world.engineer)
    html = client.get("/kb/manage/picker/", {"q": "gold"}).content.decode()
    assert 'data-kb-url="http://acme.localhost/kb/articles/gold-article/"' in html
    assert 'data-kb-title="Gold Article guide"' in html
    assert "Insert link" in html
    # Drafts are not offered: customers could not open them.
    assert "draft-article" not in client.get("/kb/manage/picker/", {"q": "zebra"}).content.decode()
    # Nothing typed: the most read articles, else the newest.
    assert "Insert link" in client.get("/kb/manage/picker/").content.decode()
    services.article_record_view(article=kb.customers)
    first = client.get("/kb/manage/picker/").context["results"][0]["article"]
    assert first == kb.customers
