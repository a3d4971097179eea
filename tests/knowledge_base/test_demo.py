"""The demo help centres: real-looking articles for every audience, seeded idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Tenant, User
from knowledge_base.demo import seed_knowledge_base
from knowledge_base.models import Article, Category
from knowledge_base.search import search_articles
from knowledge_base.selectors import Viewer, viewer_for, visible_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    from accounts.demo import seed_tenants

    seed_tenants(base_url_format="http://{host}:8000/")
    seed_knowledge_base()


def test_seeding_twice_changes_nothing(demo):
    counts = (Article.objects.count(), Category.objects.count())
    first = {a.slug: (a.pk, a.title, a.body) for a in Article.objects.all()}
    seed_knowledge_base()
    assert (Article.objects.count(), Category.objects.count()) == counts
    assert {a.slug: (a.pk, a.title, a.body) for a in Article.objects.all()} == first


@pytest.mark.parametrize("slug", ["ivcisa", "invoca"])
def test_each_help_centre_covers_the_topics_customers_ask_about(demo, slug):
    tenant = Tenant.objects.get(slug=slug)
    staff = Viewer(tenant=tenant, is_staff=True)
    for topic in (
        "request support",
        "request types",
        "priority P1",
        "information",
        "response times",
        "reset password",
        "two-factor authentication",
        "number",
        "business hours",
        "status page",
        "billing",
    ):
        assert search_articles(visible_articles(staff), topic).total, topic
    articles = Article.objects.for_tenant(tenant)
    assert articles.filter(visibility="public").count() >= 5
    assert articles.filter(visibility="customers").exists()
    assert articles.filter(visibility="staff").exists()
    assert articles.filter(plans__isnull=False).exists()
    assert all(article.body_text for article in articles)


def test_plan_limited_demo_articles_follow_the_organizations_plans(demo):
    invoca = Tenant.objects.get(slug="invoca")
    mission_critical = User.objects.get(email="tom.baker@brightline-insurance.example")
    core = User.objects.get(email="grace.liu@clearwater-health.example")

    def readable(user):
        viewer = viewer_for(tenant=invoca, user=user)
        return set(visible_articles(viewer).values_list("slug", flat=True))

    assert "after-hours-mission-critical" in readable(mission_critical)
    assert "after-hours-mission-critical" not in readable(core)
    assert "after-hours-page-playbook" not in readable(mission_critical)


def test_seed_demo_command_fills_the_knowledge_base():
    call_command("seed_demo", stdout=StringIO())
    assert Article.objects.filter(tenant__slug="ivcisa").count() > 10
    assert Article.objects.filter(tenant__slug="invoca").count() > 10
