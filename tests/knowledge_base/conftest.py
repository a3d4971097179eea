from dataclasses import dataclass

import pytest
from django.test import Client

from knowledge_base.models import ArticleStatus, Visibility
from tests.factories import CustomerFactory, OrganizationFactory, SupportPlanFactory

from .factories import ArticleFactory, CategoryFactory


@dataclass
class KBWorld:
    """One tenant's knowledge base with an article for every audience.

    Every article mentions “zebra” in its body so one search should find all the viewer
    may read.
    """

    world: object
    plan_a: object
    plan_b: object
    no_plan_customer: object
    category: object
    public: object
    customers: object
    staff: object
    plan_a_only: object
    draft: object
    archived: object

    @property
    def tenant(self):
        return self.world.tenant


def build_kb(world) -> KBWorld:
    tenant = world.tenant
    plan_a = SupportPlanFactory(tenant=tenant, name="Gold", slug="gold")
    plan_b = SupportPlanFactory(tenant=tenant, name="Bronze", slug="bronze")
    world.org.plan = plan_a
    world.org.save()
    world.other_org.plan = plan_b
    world.other_org.save()
    no_plan_org = OrganizationFactory(tenant=tenant, name="Planless Ltd")
    no_plan_customer = CustomerFactory(
        tenant=tenant, organization=no_plan_org, email=f"planless@{tenant.slug}.test"
    )
    category = CategoryFactory(tenant=tenant, name="Basics", slug="basics")

    def article(slug, visibility=Visibility.PUBLIC, **extra):
        return ArticleFactory(
            tenant=tenant,
            slug=slug,
            title=f"{slug.replace('-', ' ').title()} guide",
            body=f"Everything about the {slug} topic. A zebra appears here.",
            visibility=visibility,
            category=category,
            **extra,
        )

    return KBWorld(
        world=world,
        plan_a=plan_a,
        plan_b=plan_b,
        no_plan_customer=no_plan_customer,
        category=category,
        public=article("public-article"),
        customers=article("customers-article", Visibility.CUSTOMERS),
        staff=article("staff-article", Visibility.STAFF),
        plan_a_only=article("gold-article", Visibility.CUSTOMERS, plans=[plan_a]),
        draft=article("draft-article", status=ArticleStatus.DRAFT, published_at=None),
        archived=article("archived-article", status=ArticleStatus.ARCHIVED),
    )


@pytest.fixture
def kb(acme) -> KBWorld:
    return build_kb(acme)


@pytest.fixture
def kb_globex(globex) -> KBWorld:
    return build_kb(globex)


@pytest.fixture
def client_for():
    """A client on ``host`` signed in as ``user`` (or anonymous when user is None)."""

    def make(host: str, user=None, **extra) -> Client:
        client = Client(HTTP_HOST=host, **extra)
        if user is not None:
            client.force_login(user, backend="accounts.backends.TenantAuthenticationBackend")
        return client

    return make
