import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.demo import DEMO_PASSWORD
from accounts.models import Organization, Tenant, User
from sla.models import SupportPlan

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return (
        Tenant.objects.count(),
        Organization.objects.count(),
        SupportPlan.objects.count(),
        User.objects.count(),
    )


def test_seed_demo_is_idempotent_and_prints_the_logins():
    output = seed()
    first = counts()
    assert seed() and counts() == first
    assert first[0] == 2
    for needle in (
        "http://ivcisa.localhost:8000/",
        "http://invoca.localhost:8000/",
        "admin@ivcisa.example",
        "rachel.green@brightline-insurance.example",
        DEMO_PASSWORD,
        "tenant",
        "role",
        "organization",
        "email",
        "password",
    ):
        assert needle in output


def test_demo_tenants_follow_the_seed_documents():
    seed()
    ivcisa = Tenant.objects.get(slug="ivcisa")
    invoca = Tenant.objects.get(slug="invoca")
    assert list(SupportPlan.objects.for_tenant(ivcisa).values_list("name", flat=True)) == [
        "Essentials",
        "Business",
        "Enterprise",
    ]
    assert list(SupportPlan.objects.for_tenant(invoca).values_list("name", flat=True)) == [
        "Mission Critical",
        "Premium",
        "Core",
        "Basic",
    ]
    assert invoca.time_zone == "America/Los_Angeles"
    assert Organization.objects.for_tenant(ivcisa).filter(plan__isnull=True).count() == 0
    for tenant in (ivcisa, invoca):
        roles = set(User.objects.for_tenant(tenant).values_list("role", flat=True))
        assert roles == {"customer", "org_admin", "engineer", "manager", "tenant_admin"}


@pytest.mark.parametrize(
    "host,email",
    [
        ("ivcisa.localhost", "maria.lopez@andes-retail.example"),
        ("ivcisa.localhost", "l2@ivcisa.example"),
        ("invoca.localhost", "tom.baker@brightline-insurance.example"),
        ("invoca.localhost", "admin@invoca.example"),
        ("localhost", "platform@helpdesk.localhost"),
    ],
)
def test_demo_logins_work_on_their_portal(host, email):
    seed()
    client = Client(HTTP_HOST=host)
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_staff_set_up_two_factor_then_open_admin(totp_clock):
    # The demo keeps the secure default: staff need an authenticator app.
    output = seed()
    assert "set up two-factor authentication" in output
    client = Client(HTTP_HOST="invoca.localhost")
    client.post("/accounts/login/", {"login": "admin@invoca.example", "password": DEMO_PASSWORD})
    setup = client.get("/admin/")
    assert setup.url == "/accounts/2fa/setup/?next=%2Fadmin%2F"
    key = re.search(r'data-key="([A-Z2-7]+)"', client.get(setup.url).content.decode()).group(1)
    client.post("/accounts/2fa/setup/", {"code": totp_clock.code(key), "next": "/admin/"})
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Invoca Support" in page.content.decode()
