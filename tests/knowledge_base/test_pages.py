"""The portal pages: knowledge base home, categories, tags and articles."""

import pytest
from django.test import override_settings

from knowledge_base import services
from knowledge_base.models import ArticleViews

from .factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def views(article) -> int:
    return sum(ArticleViews.objects.filter(article=article).values_list("count", flat=True))


def test_home_shows_categories_popular_and_recent_articles(kb, client_for):
    sub = CategoryFactory(tenant=kb.tenant, parent=kb.category, name="Passwords", slug="pw")
    reset = ArticleFactory(tenant=kb.tenant, category=sub, slug="reset", title="Reset it")
    services.article_record_view(article=reset)
    services.article_record_view(article=reset)
    services.article_record_view(article=kb.public)
    page = client_for(kb.world.host).get("/kb/")
    html = page.content.decode()
    assert page.status_code == 200
    (card,) = page.context["categories"]
    assert card.category == kb.category and card.article_count == 2
    assert [child.category for child in card.children] == [sub]
    assert [a.slug for a in page.context["popular"]] == ["reset", "public-article"]
    assert 'role="search"' in html and 'name="q"' in html
    # Visitors are told that signing in shows more.
    assert "Sign in" in html


def test_home_query_count_does_not_grow_with_articles(kb, client_for, django_assert_num_queries):
    for n in range(20):
        ArticleFactory(tenant=kb.tenant, category=kb.category, slug=f"more-{n}")
    client = client_for(kb.world.host, kb.world.customer)
    client.get("/kb/")
    # User, plan, counts per category, categories, popular, recent (the session is read
    # from the cache).
    with django_assert_num_queries(6):
        client.get("/kb/")


def test_category_page_lists_its_articles_with_pages(kb, client_for, django_assert_num_queries):
    for n in range(30):
        ArticleFactory(tenant=kb.tenant, category=kb.category, slug=f"item-{n:02d}")
    client = client_for(kb.world.host)
    client.get("/kb/categories/basics/")
    # Category, counts, subcategories, count of articles, page of articles. (Whether
    # visitors have public articles, for the navigation, is cached by the first visit.)
    with django_assert_num_queries(5):
        first = client.get("/kb/categories/basics/")
    assert len(first.context["page"].object_list) == 25
    second = client.get("/kb/categories/basics/", {"page": 2})
    assert len(second.context["page"].object_list) == 31 - 25
    assert client.get("/kb/categories/nothing-here/").status_code == 404


def test_subcategory_page_has_breadcrumbs_to_its_parent(kb, client_for):
    sub = CategoryFactory(tenant=kb.tenant, parent=kb.category, name="Passwords", slug="pw")
    ArticleFactory(tenant=kb.tenant, category=sub, slug="reset")
    html = client_for(kb.world.host).get("/kb/categories/pw/").content.decode()
    assert 'href="/kb/categories/basics/"' in html
    assert "Passwords" in html


def test_tag_page_lists_visible_articles_only(kb, client_for):
    from knowledge_base.services import tags_from_names

    (tag,) = tags_from_names(tenant=kb.tenant, names=["VPN"])
    kb.public.tags.add(tag)
    kb.staff.tags.add(tag)
    page = client_for(kb.world.host).get("/kb/tags/vpn/")
    assert [a.slug for a in page.context["page"].object_list] == ["public-article"]
    staff = client_for(kb.world.host, kb.world.engineer).get("/kb/tags/vpn/")
    assert {a.slug for a in staff.context["page"].object_list} == {
        "public-article",
        "staff-article",
    }
    kb.public.tags.remove(tag)
    assert client_for(kb.world.host).get("/kb/tags/vpn/").status_code == 404


def test_article_page_renders_sanitized_markdown(kb, client_for):
    ArticleFactory(
        tenant=kb.tenant,
        slug="md",
        title="Formatting",
        body="## Steps\n\n1. **Open** the [portal](https://example.com)\n\n"
        "<script>alert('x')</script><img src=x onerror=alert(1)>",
    )
    html = client_for(kb.world.host).get("/kb/articles/md/").content.decode()
    assert "<h2>Steps</h2>" in html
    assert "<strong>Open</strong>" in html
    assert "<script>alert" not in html
    assert "onerror" not in html


def test_views_are_counted_once_per_session(kb, client_for):
    reader = client_for(kb.world.host)
    for _ in range(3):
        reader.get("/kb/articles/public-article/")
    client_for(kb.world.host).get("/kb/articles/public-article/")
    assert views(kb.public) == 2


def test_staff_previewing_a_draft_does_not_count_a_view(kb, client_for):
    client_for(kb.world.host, kb.world.engineer).get("/kb/articles/draft-article/")
    assert views(kb.draft) == 0


def test_related_articles_show_only_what_the_reader_may_open(kb, client_for):
    kb.public.related.set([kb.customers, kb.staff])
    anonymous = client_for(kb.world.host).get("/kb/articles/public-article/")
    assert anonymous.context["related"] == []
    customer = client_for(kb.world.host, kb.world.customer).get("/kb/articles/public-article/")
    assert [a.slug for a in customer.context["related"]] == ["customers-article"]
    # Related works both ways.
    back = client_for(kb.world.host, kb.world.customer).get("/kb/articles/customers-article/")
    assert [a.slug for a in back.context["related"]] == ["public-article"]


def test_did_not_help_links_to_a_new_ticket_prefilled_from_the_article(kb, client_for):
    html = client_for(kb.world.host, kb.world.customer).get("/kb/articles/public-article/")
    assert 'href="/tickets/new/?kb=public-article"' in html.content.decode()
    assert "Open a ticket" in html.content.decode()
    staff = client_for(kb.world.host, kb.world.engineer).get("/kb/articles/public-article/")
    assert "?kb=public-article" not in staff.content.decode()


@override_settings(ROOT_URLCONF="tests.knowledge_base.urls_without_tickets")
def test_article_pages_work_on_a_site_without_tickets(kb, client_for):
    page = client_for(kb.world.host).get("/kb/articles/public-article/")
    assert page.status_code == 200
    assert "Open a ticket" not in page.content.decode()
    assert client_for(kb.world.host).get("/kb/search/", {"q": "zebra"}).status_code == 200


def test_navigation_links_to_the_knowledge_base(kb, client_for):
    anonymous = client_for(kb.world.host).get("/kb/").content.decode()
    assert '<a href="/kb/" aria-current="page">Knowledge base</a>' in anonymous
    customer = client_for(kb.world.host, kb.world.customer).get("/").content.decode()
    assert ">Knowledge base</a>" in customer


def test_visitors_see_no_link_when_nothing_is_public(acme, client_for):
    ArticleFactory(tenant=acme.tenant, visibility="customers")
    html = client_for(acme.host).get("/kb/").content.decode()
    assert ">Knowledge base</a>" not in html


def test_customer_home_puts_the_knowledge_base_search_first(kb, client_for):
    html = client_for(kb.world.host, kb.world.customer).get("/").content.decode()
    assert "Search our Knowledge Base first" in html
    assert 'action="/kb/search/"' in html
    assert html.index("Search our Knowledge Base first") < html.index("Your organization")


def test_sign_in_page_points_visitors_to_public_articles(acme):
    from django.test import Client

    from .factories import ArticleFactory

    client = Client(HTTP_HOST=acme.host)
    assert "Search the knowledge base" not in client.get("/accounts/login/").content.decode()
    ArticleFactory(tenant=acme.tenant, title="Resetting your password")
    from django.core.cache import cache

    cache.clear()
    page = client.get("/accounts/login/").content.decode()
    assert "Search the knowledge base" in page and 'href="/kb/"' in page
