"""Emails whose link opens an account (password reset, invitation) do not stay readable in
the outbox: their bodies are removed once delivered, and admin never shows them."""

import re

import pytest
from django.core import mail
from django.test import Client

from helpdesk.models import OutboxEmail
from tests.factories import SuperuserFactory
from tests.helpdesk.test_outbox import point_email_at
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.django_db(transaction=True)


def request_reset(world):
    Client(HTTP_HOST=world.host).post(
        "/accounts/password/reset/", {"email": world.customer.email}, follow=True
    )


def invite(world):
    client = Client(HTTP_HOST=world.host)
    client.force_login(world.org_admin)
    client.post(
        "/organization/members/",
        {"email": "new.person@acme.test", "full_name": "New Person", "role": "customer"},
    )


def platform_admin() -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(SuperuserFactory(email="root@platform.test"))
    return client


def token_link(message) -> str:
    [link] = re.findall(r"http://\S+/(?:accounts/password/reset/key|invitations)/\S+/", message)
    return link


@pytest.mark.parametrize(("send", "what"), [(request_reset, "reset"), (invite, "invitation")])
def test_delivered_email_with_a_sign_in_link_keeps_no_body(acme, send, what):
    send(acme)

    [message] = mail.outbox
    link = token_link(message.body)
    [email] = OutboxEmail.objects.all()
    assert email.status == OutboxEmail.Status.SENT
    assert (email.body_text, email.body_html) == ("", "")
    # What support needs stays: who, what, when, and how it went.
    assert email.to == message.to
    assert email.subject == message.subject
    assert email.sent_at is not None and email.created_at is not None
    page = platform_admin().get(f"/admin/helpdesk/outboxemail/{email.pk}/change/")
    assert page.status_code == 200
    assert "Not shown: this email carries a link or code" in page.content.decode()
    assert link not in page.content.decode()


def test_undelivered_email_with_a_sign_in_link_is_never_shown_in_admin(acme, settings):
    sink = SmtpSink()  # down: the email waits in the outbox, body and all
    point_email_at(settings, sink.port)

    request_reset(acme)

    [email] = OutboxEmail.objects.all()
    assert email.status == OutboxEmail.Status.PENDING
    link = token_link(email.body_text)
    token = link.rsplit("/", 2)[-2]
    admin = platform_admin()
    for url in ("/admin/helpdesk/outboxemail/", f"/admin/helpdesk/outboxemail/{email.pk}/change/"):
        page = admin.get(url).content.decode()
        assert token not in page, url
    # Nor can a search find it by the link's token.
    assert "0 results" in admin.get("/admin/helpdesk/outboxemail/", {"q": token}).content.decode()
    tenant_admin = Client(HTTP_HOST=acme.host)
    tenant_admin.force_login(acme.tenant_admin)
    page = tenant_admin.get(f"/admin/helpdesk/outboxemail/{email.pk}/change/").content.decode()
    assert acme.customer.email in page and link not in page


def test_email_without_a_sign_in_link_keeps_its_body_for_support(acme):
    from tests.tickets.conftest import open_ticket
    from tests.tickets.factories import TicketTypeFactory

    ticket = open_ticket(acme, TicketTypeFactory(tenant=acme.tenant))

    email = OutboxEmail.objects.filter(to=[acme.customer.email]).get()
    assert email.status == OutboxEmail.Status.SENT
    assert ticket.reference in email.body_text
    page = platform_admin().get(f"/admin/helpdesk/outboxemail/{email.pk}/change/")
    assert ticket.reference in page.content.decode()


def test_sign_in_links_already_in_the_outbox_are_redacted_on_upgrade(acme):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("helpdesk", "0002_outbox_schedule_message_id_sensitive")]
    after = [("helpdesk", "0003_redact_sign_in_links_already_sent")]
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        Outbox = executor.loader.project_state(before).apps.get_model("helpdesk", "OutboxEmail")
        reset_link = "Choose a new password: http://acme.localhost/accounts/password/reset/key/1-x/"
        rows = {
            name: Outbox.objects.create(
                to=["a@acme.test"],
                from_email="s@acme.test",
                subject=name,
                body_text=body,
                status=st,
            ).pk
            for name, body, st in [
                ("sent reset", reset_link, "sent"),
                ("pending invitation", "Accept: http://acme.localhost/invitations/tok/", "pending"),
                ("ticket", "TAA-1001 received", "sent"),
            ]
        }

        executor = MigrationExecutor(connection)
        executor.migrate(after)

        Outbox = executor.loader.project_state(after).apps.get_model("helpdesk", "OutboxEmail")
        emails = {email.subject: email for email in Outbox.objects.filter(pk__in=rows.values())}
        assert (emails["sent reset"].sensitive, emails["sent reset"].body_text) == (True, "")
        assert emails["pending invitation"].sensitive
        assert "/invitations/tok/" in emails["pending invitation"].body_text  # still to deliver
        assert (emails["ticket"].sensitive, emails["ticket"].body_text) == (
            False,
            "TAA-1001 received",
        )
    finally:
        # The rest of the suite runs on the latest schema.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
