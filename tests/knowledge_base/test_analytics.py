"""Analytics for tenant admins: views, votes and deflections of their own tenant only."""

import pytest

from knowledge_base import services

pytestmark = pytest.mark.django_db


def activity(kb):
    article = kb.public
    for n in range(3):
        services.feedback_record(
            article=kb.customers, user=None, session_key=f"s{n}", helpful=n == 0
        )
    services.feedback_record(article=article, user=kb.world.customer, session_key="", helpful=True)
    services.deflection_record(
        article=article, user=kb.world.customer, session_key="a", query="reset my password"
    )
    services.deflection_record(article=article, user=None, session_key="b", query="password")
    for _ in range(5):
        services.article_record_view(article=article)
    services.article_record_view(article=kb.customers)


def test_tenant_admin_sees_views_votes_and_deflections(kb, kb_globex, client_for):
    activity(kb)
    activity(kb_globex)  # must not be counted for Acme
    page = client_for(kb.world.host, kb.world.tenant_admin).get("/kb/manage/analytics/")
    report = page.context["report"]
    assert report.views == 6
    assert (report.helpful, report.not_helpful) == (2, 2)
    assert report.deflections == report.deflections_recent == 2
    assert [a.slug for a in report.most_viewed] == ["public-article", "customers-article"]
    assert [a.slug for a in report.least_helpful] == ["customers-article"]
    assert report.least_helpful[0].votes_no == 2
    assert [(a.slug, a.deflection_count) for a in report.top_deflecting] == [("public-article", 2)]
    html = page.content.decode()
    assert "reset my password" in html
    assert "Tickets deflected" in html


def test_analytics_query_count(kb, client_for, django_assert_num_queries):
    activity(kb)
    client = client_for(kb.world.host, kb.world.tenant_admin)
    client.get("/kb/manage/analytics/")
    # User, article totals, views, votes, deflections, and the four tables (the session
    # is read from the cache).
    with django_assert_num_queries(9):
        client.get("/kb/manage/analytics/")


@pytest.mark.parametrize("who", ["engineer", "manager", "customer", "org_admin"])
def test_only_tenant_admins_see_analytics(kb, client_for, who):
    user = getattr(kb.world, who)
    assert client_for(kb.world.host, user).get("/kb/manage/analytics/").status_code == 404
