"""Outbox emails in Django admin: tenant admins see their tenant's undelivered and failed
emails and resend failed ones; platform superusers see every email."""

import pytest
from django.test import Client
from django.utils import timezone

from helpdesk.models import OutboxEmail
from helpdesk.services import email_queue
from tests.factories import SuperuserFactory
from tests.helpdesk.test_outbox import point_email_at
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/helpdesk/outboxemail/"


@pytest.fixture
def sink(settings):
    sink = SmtpSink()
    point_email_at(settings, sink.port)
    yield sink.start()
    sink.stop()


def written(tenant, subject: str, status: str, **fields) -> OutboxEmail:
    """An outbox row of ``tenant`` that has reached ``status``."""
    email = email_queue(tenant=tenant, to=["someone@example.test"], subject=subject, text="Hi")
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=status,
        attempts=1,
        sent_at=timezone.now() if status == OutboxEmail.Status.SENT else None,
        **fields,
    )
    return email


@pytest.fixture
def emails(two_tenants):
    acme, globex = two_tenants
    return {
        "acme sent": written(acme.tenant, "Acme sent", OutboxEmail.Status.SENT),
        "acme pending": written(
            acme.tenant, "Acme pending", OutboxEmail.Status.PENDING, last_error="timed out"
        ),
        "acme failed": written(
            acme.tenant, "Acme failed", OutboxEmail.Status.FAILED, last_error="550 No such user"
        ),
        "globex failed": written(globex.tenant, "Globex failed", OutboxEmail.Status.FAILED),
        "platform sent": written(None, "Platform sent", OutboxEmail.Status.SENT),
    }


def admin_of(world) -> Client:
    client = Client(HTTP_HOST=world.host)
    client.force_login(world.tenant_admin)
    return client


def platform_admin() -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(SuperuserFactory(email="root@platform.test"))
    return client


def subjects_on(page) -> set[str]:
    return {email.subject for email in page.context["cl"].result_list}


def test_tenant_admin_sees_their_undelivered_and_failed_emails_only(two_tenants, emails):
    acme, globex = two_tenants
    client = admin_of(acme)

    page = client.get(CHANGELIST)

    assert page.status_code == 200
    assert subjects_on(page) == {"Acme pending", "Acme failed"}
    assert "550 No such user" in page.content.decode()
    assert client.get(f"{CHANGELIST}{emails['acme failed'].pk}/change/").status_code == 200
    for other in ("globex failed", "acme sent", "platform sent"):
        response = client.get(f"{CHANGELIST}{emails[other].pk}/change/", follow=True)
        assert emails[other].subject not in response.content.decode(), other


def test_platform_superuser_sees_every_email(emails):
    page = platform_admin().get(CHANGELIST)

    assert subjects_on(page) == {email.subject for email in emails.values()}


def test_customers_and_staff_other_than_tenant_admins_see_no_outbox(acme, emails):
    for person in (acme.engineer, acme.manager, acme.customer):
        client = Client(HTTP_HOST=acme.host)
        client.force_login(person)
        response = client.get(CHANGELIST)
        assert response.status_code in (302, 403), person


def test_outbox_list_query_count_does_not_grow_with_emails(acme, emails, django_assert_num_queries):
    # A tenant's admin is kept in memory from their second request; a platform admin (of no
    # tenant) is read on each.
    clients = [(7, admin_of(acme)), (7, platform_admin())]
    for _queries, client in clients:
        # Warm the per-process caches: the tenant, the person signed in.
        client.get(CHANGELIST)
        client.get(CHANGELIST)
    for queries, client in clients:
        with django_assert_num_queries(queries):
            client.get(CHANGELIST)
    for n in range(10):
        written(acme.tenant, f"Acme failed {n}", OutboxEmail.Status.FAILED)
    for queries, client in clients:
        with django_assert_num_queries(queries):
            client.get(CHANGELIST)


def test_tenant_admin_resends_a_failed_email_and_it_is_delivered(
    two_tenants, emails, sink, django_capture_on_commit_callbacks
):
    acme, _globex = two_tenants
    failed = emails["acme failed"]
    other_tenants = emails["globex failed"]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_of(acme).post(
            CHANGELIST,
            {"action": "resend", "_selected_action": [failed.pk, other_tenants.pk]},
            follow=True,
        )

    assert "1 email is queued again" in response.content.decode()
    [received] = sink.wait_for(1, timeout=10)
    assert received.subject == "Acme failed"
    failed.refresh_from_db()
    assert failed.status == OutboxEmail.Status.SENT
    assert failed.attempts == 2
    # Another tenant's email is out of reach, even by its id.
    other_tenants.refresh_from_db()
    assert other_tenants.status == OutboxEmail.Status.FAILED


def test_failed_email_with_a_sign_in_link_cannot_be_resent(
    acme, django_capture_on_commit_callbacks
):
    email = email_queue(
        tenant=acme.tenant, to=["x@acme.test"], subject="Reset", text="link", sensitive=True
    )
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.FAILED, body_text="")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_of(acme).post(
            CHANGELIST, {"action": "resend", "_selected_action": [email.pk]}, follow=True
        )

    assert "Ask the person to request a new one" in response.content.decode()
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
