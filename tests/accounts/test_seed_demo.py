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


# --- a re-run keeps what admins changed; reset_demo restores the shipped demo ----------------


def premium_p1_first_response():
    from sla.models import SlaTarget

    return SlaTarget.objects.get(
        tenant__slug="invoca", plan__slug="premium", priority="P1", metric="first_response"
    )


def test_seed_demo_again_keeps_an_edited_sla_cell_and_fallback_address():
    from escalation.models import EscalationMatrix
    from knowledge_base.models import Article

    seed()
    cell = premium_p1_first_response()
    assert cell.label == "2 business hours"
    cell.amount = 3
    cell.save()
    matrix = EscalationMatrix.objects.get(tenant__slug="ivcisa")
    matrix.on_call_fallback_emails = "night-desk@ivcisa.example"
    matrix.save()
    article = Article.objects.get(tenant__slug="invoca", slug="case-priorities-explained")
    article.title = "Our priorities"
    article.save()
    customer = User.objects.get(email="tom.baker@brightline-insurance.example")
    customer.set_password("a-new-password-2026")
    customer.full_name = "Thomas Baker"
    customer.save()

    seed()

    assert premium_p1_first_response().label == "3 business hours"
    matrix.refresh_from_db()
    assert matrix.on_call_fallback_emails == "night-desk@ivcisa.example"
    article.refresh_from_db()
    assert article.title == "Our priorities"
    customer.refresh_from_db()
    assert customer.full_name == "Thomas Baker"
    assert customer.check_password("a-new-password-2026")


def test_seed_demo_creates_what_is_missing():
    from knowledge_base.models import Article

    seed()
    premium_p1_first_response().delete()
    Article.objects.get(tenant__slug="invoca", slug="case-priorities-explained").delete()
    User.objects.get(email="nina.patel@summit-auto.example").delete()

    seed()

    assert premium_p1_first_response().label == "2 business hours"
    assert Article.objects.filter(tenant__slug="invoca", slug="case-priorities-explained").exists()
    assert User.objects.get(email="nina.patel@summit-auto.example").check_password(DEMO_PASSWORD)


def test_reset_demo_restores_the_shipped_demo():
    from escalation.models import EscalationMatrix

    seed()
    cell = premium_p1_first_response()
    cell.amount = 3
    cell.save()
    matrix = EscalationMatrix.objects.get(tenant__slug="ivcisa")
    matrix.on_call_fallback_emails = "night-desk@ivcisa.example"
    matrix.save()
    customer = User.objects.get(email="tom.baker@brightline-insurance.example")
    customer.set_password("a-new-password-2026")
    customer.save()

    out = StringIO()
    call_command("reset_demo", "--no-input", stdout=out)

    assert "shipped state" in out.getvalue()
    assert premium_p1_first_response().label == "2 business hours"
    matrix.refresh_from_db()
    assert matrix.on_call_fallback_emails == "oncall@ivcisa.example"
    customer.refresh_from_db()
    assert customer.check_password(DEMO_PASSWORD)


def test_reset_demo_asks_first_and_changes_nothing_when_refused(monkeypatch):
    from django.core.management import CommandError

    seed()
    cell = premium_p1_first_response()
    cell.amount = 3
    cell.save()
    questions = []

    def answer(prompt):
        questions.append(prompt)
        return "no"

    monkeypatch.setattr("builtins.input", answer)
    with pytest.raises(CommandError, match="cancelled"):
        call_command("reset_demo", stdout=StringIO())
    assert questions and "yes" in questions[0]
    assert premium_p1_first_response().label == "3 business hours"


def test_each_demo_password_has_its_own_salt_and_signs_in():
    seed()
    first = User.objects.get(email="maria.lopez@andes-retail.example")
    second = User.objects.get(email="jorge.ramirez@andes-retail.example")
    assert first.password != second.password
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == User.objects.count()
    for user in (first, second):
        client = Client(HTTP_HOST="ivcisa.localhost")
        response = client.post("/accounts/login/", {"login": user.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        assert client.get("/").wsgi_request.user == user
