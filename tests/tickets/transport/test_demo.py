"""The demo's support mailboxes and its sample email (`make sample-email`)."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from helpdesk.priorities import Priority
from tickets.models import Channel, InboundEmail, Mailbox, Ticket

pytestmark = pytest.mark.django_db

SAMPLE = settings.BASE_DIR / "tickets" / "demo" / "samples" / "customer_email.eml"


def seed():
    call_command("seed_demo", stdout=StringIO())


def ingest_sample() -> str:
    out = StringIO()
    call_command(
        "email_ingest", "--mailbox", "support@ivcisa.example", "--file", str(SAMPLE), stdout=out
    )
    return out.getvalue().strip()


def test_each_demo_help_desk_gets_a_support_mailbox_on_the_mail_server_path():
    seed()

    ivcisa = Mailbox.objects.get(address="support@ivcisa.example")
    invoca = Mailbox.objects.get(address="support@invoca.example")
    assert ivcisa.tenant.slug == "ivcisa" and invoca.tenant.slug == "invoca"
    assert ivcisa.transport == invoca.transport == Mailbox.Transport.PUSH
    assert ivcisa.default_ticket_type.tenant == ivcisa.tenant
    assert invoca.default_ticket_type.tenant == invoca.tenant
    assert (ivcisa.default_priority, invoca.default_priority) == (Priority.P3, Priority.P4)


def test_seeding_again_keeps_an_admins_edit_and_reset_restores_it():
    seed()
    Mailbox.objects.filter(address="support@ivcisa.example").update(default_priority=Priority.P2)

    seed()
    assert Mailbox.objects.get(address="support@ivcisa.example").default_priority == "P2"

    call_command("reset_demo", "--no-input", stdout=StringIO())
    assert Mailbox.objects.get(address="support@ivcisa.example").default_priority == "P3"


def test_the_sample_email_opens_a_ticket_once(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed()

    first = ingest_sample()

    inbound = InboundEmail.objects.get(message_id="<sample-export-failed@andes-retail.example>")
    assert inbound.state == InboundEmail.State.DONE
    ticket = inbound.ticket
    assert ticket.title == "Falló la exportación nocturna al data lake"
    assert ticket.requester.email == "maria.lopez@andes-retail.example"
    assert ticket.channel == Channel.EMAIL
    assert first == f"Received: {inbound.outcome}"

    again = ingest_sample()

    assert again.startswith("Already received (<sample-export-failed@andes-retail.example>)")
    assert Ticket.objects.filter(title=ticket.title).count() == 1
