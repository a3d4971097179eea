"""A visitor who opens an article for signed-in customers is asked to sign in and comes back
to it; drafts, archived and staff-only articles stay the same 404 as a missing one."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_visitor_is_asked_to_sign_in_and_sent_back_to_the_article(kb, client_for):
    page = client_for(kb.world.host).get("/kb/articles/customers-article/")
    assert page.status_code == 403
    html = page.content.decode()
    assert "Sign in to read this article" in html
    assert 'href="/accounts/login/?next=%2Fkb%2Farticles%2Fcustomers-article%2F"' in html
    # The article itself is not shown.
    assert kb.customers.title not in html and "zebra" not in html


def test_plan_limited_articles_also_prompt_visitors(kb, client_for):
    page = client_for(kb.world.host).get("/kb/articles/gold-article/")
    assert "Sign in to read this article" in page.content.decode()


@pytest.mark.parametrize(
    "slug", ["staff-article", "draft-article", "archived-article", "no-such-article"]
)
def test_drafts_staff_only_and_missing_articles_are_the_same_404(kb, client_for, slug):
    page = client_for(kb.world.host).get(f"/kb/articles/{slug}/")
    assert page.status_code == 404
    assert "Sign in to read this article" not in page.content.decode()


def test_a_signed_in_customer_outside_the_plan_still_gets_404(kb, client_for):
    customer = kb.world.other_org_customer  # on the Bronze plan
    page = client_for(kb.world.host, customer).get("/kb/articles/gold-article/")
    assert page.status_code == 404


def test_another_tenants_article_is_not_offered(kb, globex, client_for):
    from knowledge_base.models import Visibility

    from .factories import ArticleFactory

    ArticleFactory(tenant=globex.tenant, slug="only-globex", visibility=Visibility.CUSTOMERS)
    page = client_for(kb.world.host).get("/kb/articles/only-globex/")
    assert page.status_code == 404


def test_signing_in_from_the_prompt_opens_the_article(kb, client_for):
    from tests.factories import PASSWORD

    client = client_for(kb.world.host)
    prompt = client.get("/kb/articles/customers-article/")
    login_url = prompt.context["sign_in_url"]
    response = client.post(login_url, {"login": kb.world.customer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/kb/articles/customers-article/"
    article = client.get(response.url)
    assert article.status_code == 200
    assert kb.customers.title in article.content.decode()
