"""Page numbers out of range on knowledge-base pages give the last page, never a 500."""

import pytest

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
ODD = [HUGE, "-" + HUGE, "0", "-3", "abc", "1e400", "3.5", "9" * 5000, ""]


@pytest.fixture
def many(kb):
    for n in range(30):
        ArticleFactory(
            tenant=kb.tenant,
            slug=f"zebra-note-{n}",
            title=f"Zebra note {n}",
            body="A zebra crossing.",
            category=kb.category,
        )
    return kb


@pytest.mark.parametrize("value", ODD)
def test_search_page_numbers_out_of_range(many, client_for, value):
    page = client_for(many.world.host).get("/kb/search/", {"q": "zebra", "page": value})
    assert page.status_code == 200
    shown = page.context["page"]
    assert shown.number in (1, shown.paginator.num_pages)
    assert page.context["results"].hits


def test_a_search_page_past_the_end_shows_the_last_page(many, client_for):
    client = client_for(many.world.host)
    last = client.get("/kb/search/", {"q": "zebra", "page": "4"})
    beyond = client.get("/kb/search/", {"q": "zebra", "page": HUGE})
    assert beyond.context["page"].number == last.context["page"].number == 4
    titles = [hit.article.title for hit in beyond.context["results"].hits]
    assert titles == [hit.article.title for hit in last.context["results"].hits]
    assert titles


@pytest.mark.parametrize(
    "path", ["/kb/categories/basics/", "/kb/tags/{tag}/", "/kb/manage/", "/kb/search/"]
)
@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "1e400", "9" * 5000])
def test_every_paged_kb_page_answers(many, client_for, path, value):
    from knowledge_base.models import Tag

    tag = Tag.objects.create(tenant=many.tenant, name="Zebras", slug="zebras")
    many.public.tags.add(tag)
    client = client_for(many.world.host, many.world.engineer)
    page = client.get(path.format(tag=tag.slug), {"page": value, "q": "zebra"})
    assert page.status_code == 200


@pytest.mark.parametrize("model", ["article", "category", "tag"])
@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "abc", "9" * 5000])
def test_knowledge_base_admin_lists_answer_out_of_range_pages(many, client_for, model, value):
    client = client_for(many.world.host, many.world.tenant_admin)
    page = client.get(f"/admin/knowledge_base/{model}/", {"p": value})
    assert page.status_code in (200, 302)
    if page.status_code == 302:
        assert client.get(page.url).status_code == 200


def test_search_query_counts(many, client_for, django_assert_num_queries):
    client = client_for(many.world.host)
    client.get("/kb/search/", {"q": "zebra"})  # the session and the caches are warm
    with django_assert_num_queries(2):
        client.get("/kb/search/", {"q": "zebra", "page": "2"})
    # Past the end, the last page is searched once more.
    with django_assert_num_queries(4):
        client.get("/kb/search/", {"q": "zebra", "page": HUGE})
