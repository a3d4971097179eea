"""Mailboxes for the transport tests, and the raw messages customers send them."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone

from tests.identity_server import identity_server  # noqa: F401 - the fixture
from tests.imap_server import (  # noqa: F401 - the fixtures
    imap_oauth_server,
    imap_server,
    imap_tls_server,
)
from tickets.models import Mailbox, TicketType

from ..factories import TicketTypeFactory


def make_mailbox(world, *, address=None, server=None, **fields) -> Mailbox:
    """A mailbox of ``world``'s tenant: fetched from ``server`` (a DovecotServer) when
    given, otherwise handed over by a mail server."""
    ticket_type = fields.pop("default_ticket_type", None) or (
        TicketType.objects.for_tenant(world.tenant).filter(slug="email").first()
        or TicketTypeFactory(tenant=world.tenant, name="Email", slug="email")
    )
    values = {
        "tenant": world.tenant,
        "address": address or f"support@{world.tenant.slug}.example",
        "default_ticket_type": ticket_type,
        "transport": Mailbox.Transport.PUSH,
    }
    password = fields.pop("password", None)
    if server is not None:
        values.update(
            transport=Mailbox.Transport.IMAP,
            imap_host="127.0.0.1",
            imap_port=server.port,
            imap_security=Mailbox.Security.NONE,
            imap_user=server.user,
        )
        password = server.password if password is None else password
    values.update(fields)
    mailbox = Mailbox(**values)
    if password is not None:
        mailbox.set_imap_password(password)
    mailbox.save()
    return mailbox


def raw_email(
    *,
    sender="customer@acme.test",
    to="support@acme.example",
    subject="VPN down",
    body="The tunnel drops every 30 minutes.",
    message_id=None,
    headers=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="customer.test")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def no_processing(monkeypatch):
    """Stored messages are not processed (the transport tests look at the inbox only);
    returns the ids that would have been queued."""
    queued: list[int] = []
    monkeypatch.setattr("tickets.intake.store.processing_enqueue", queued.extend)
    return queued
