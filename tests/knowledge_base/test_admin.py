"""Django admin for articles and categories: scoped to the tenant, same rules as the portal."""

import pytest
from django.contrib.postgres.search import SearchQuery

from knowledge_base.models import Article, ArticleEvent, Category
from tests.conftest import uses_postgres

from .factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(kb, client_for):
    return client_for(kb.world.host, kb.world.tenant_admin)


def test_tenant_admin_lists_only_their_articles(kb, kb_globex, admin_client):
    page = admin_client.get("/admin/knowledge_base/article/")
    assert page.status_code == 200
    titles = {a.title for a in page.context["cl"].result_list}
    assert kb.public.title in titles
    assert not {a.pk for a in page.context["cl"].result_list} & {kb_globex.public.pk}
    assert admin_client.get(
        f"/admin/knowledge_base/article/{kb_globex.public.pk}/change/"
    ).status_code in (302, 404)


def test_choices_in_the_article_form_are_the_tenants_own(kb, kb_globex, admin_client):
    form = admin_client.get("/admin/knowledge_base/article/add/").context["adminform"].form
    assert set(form.fields["category"].queryset) == {kb.category}
    assert set(form.fields["plans"].queryset) == {kb.plan_a, kb.plan_b}
    assert kb_globex.public not in set(form.fields["related"].queryset)


def test_adding_an_article_in_admin_makes_it_searchable(kb, admin_client):
    response = admin_client.post(
        "/admin/knowledge_base/article/add/",
        {
            "title": "Archiving old buckets",
            "slug": "archiving-old-buckets",
            "summary": "",
            "body": "Move cold objects to **glacier** storage.",
            "category": kb.category.pk,
            "language": "english",
            "status": "published",
            "visibility": "public",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="archiving-old-buckets")
    assert article.tenant == kb.tenant
    assert article.author == kb.world.tenant_admin
    assert article.published_at is not None
    assert article.body_text == "Move cold objects to glacier storage."
    assert ArticleEvent.objects.filter(article=article, kind="created").exists()
    if uses_postgres():
        assert Article.objects.filter(search_vector=SearchQuery("glacier")).get() == article


def test_admin_refuses_a_plan_limit_on_a_public_article(kb, admin_client):
    response = admin_client.post(
        f"/admin/knowledge_base/article/{kb.public.pk}/change/",
        {
            "title": kb.public.title,
            "slug": kb.public.slug,
            "body": kb.public.body,
            "language": "english",
            "status": "published",
            "visibility": "public",
            "plans": [kb.plan_a.pk],
        },
    )
    assert response.status_code == 200
    assert "Only articles for signed-in customers" in response.content.decode()
    assert not Article.objects.get(pk=kb.public.pk).plans.exists()


def test_categories_nest_two_levels_at_most(kb, admin_client):
    child = CategoryFactory(tenant=kb.tenant, parent=kb.category, slug="child")
    response = admin_client.post(
        "/admin/knowledge_base/category/add/",
        {"name": "Grandchild", "slug": "grandchild", "parent": child.pk, "position": 0},
    )
    # Subcategories are not offered as parents, so the choice itself is refused.
    assert response.status_code == 200
    assert not Category.objects.filter(slug="grandchild").exists()
    response = admin_client.post(
        f"/admin/knowledge_base/category/{kb.category.pk}/change/",
        {"name": kb.category.name, "slug": "basics", "parent": "", "position": 0},
    )
    assert response.status_code == 302


def test_a_category_with_subcategories_stays_at_the_top(kb, admin_client):
    CategoryFactory(tenant=kb.tenant, parent=kb.category, slug="child")
    other = CategoryFactory(tenant=kb.tenant, slug="other")
    response = admin_client.post(
        f"/admin/knowledge_base/category/{kb.category.pk}/change/",
        {"name": kb.category.name, "slug": "basics", "parent": other.pk, "position": 0},
    )
    assert "must stay at the top level" in response.content.decode()


def test_deflections_and_feedback_are_read_only_in_admin(kb, admin_client):
    assert admin_client.get("/admin/knowledge_base/deflection/").status_code == 200
    assert admin_client.get("/admin/knowledge_base/deflection/add/").status_code == 403
    assert admin_client.get("/admin/knowledge_base/articlefeedback/add/").status_code == 403


def test_engineers_do_not_open_admin(kb, client_for):
    response = client_for(kb.world.host, kb.world.engineer).get("/admin/knowledge_base/article/")
    assert response.status_code in (302, 403)
