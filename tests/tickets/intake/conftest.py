"""Emails as mail clients write them, a support mailbox, and receiving one end to end:
stored like the mail server's pipe stores it, then processed as the task does."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone

from helpdesk.models import OutboxEmail
from helpdesk.priorities import Priority
from tickets.intake.process import inbound_process
from tickets.intake.store import inbound_store
from tickets.models import InboundEmail, Mailbox
from tickets.reply_address import REPLY_MARKER, reply_address

from ...sla.factories import plan_with_matrix

SUPPORT = "support@acme.example"


def email_bytes(
    *,
    sender="Ana Customer <customer@acme.test>",
    to=SUPPORT,
    subject="VPN drops every 30 minutes",
    body="The tunnel to bog-prod drops every 30 minutes since Monday.",
    html=None,
    cc=None,
    headers=None,
    message_id=None,
    in_reply_to=None,
    references=None,
    attachments=(),
    inline=(),
) -> bytes:
    """An email as a mail client sends it. ``attachments``: (name, content type, bytes);
    ``inline``: (content id, content type, bytes) images of the HTML part."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="mail.acme.test")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    if body is not None:
        message.set_content(body)
    if html is not None:
        if body is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
        html_part = message if body is None else message.get_body(preferencelist=("html",))
        for content_id, kind, data in inline:
            maintype, subtype = kind.split("/")
            html_part.add_related(data, maintype=maintype, subtype=subtype, cid=f"<{content_id}>")
    for name, kind, data in attachments:
        maintype, subtype = kind.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def reply_to_ticket(ticket, recipient: str) -> str:
    """The signed Reply-To our ticket emails to ``recipient`` carry."""
    return reply_address(
        mailbox_address=SUPPORT,
        tenant_id=ticket.tenant_id,
        ticket_id=ticket.pk,
        recipient=recipient,
    )


def quoted(text: str) -> str:
    """A reply written above our email, quoted the way mail clients quote."""
    return (
        f"{text}\n\nOn Tue, 1 Dec 2026 at 10:02, Acme Support <{SUPPORT}> wrote:\n"
        f"> {REPLY_MARKER}\n>\n> Engineer wrote on the ticket:\n> Please send the logs.\n"
    )


def emails_to(address: str) -> list[OutboxEmail]:
    return [email for email in OutboxEmail.objects.order_by("pk") if address in email.to]


@pytest.fixture
def mailbox(acme, ticket_type):
    return Mailbox.objects.create(
        tenant=acme.tenant,
        address=SUPPORT,
        transport=Mailbox.Transport.PUSH,
        default_ticket_type=ticket_type,
        default_priority=Priority.P3,
    )


@pytest.fixture
def receive(mailbox):
    """Store ``raw`` for the mailbox and process it; the row as processing left it."""

    def deliver(raw: bytes, *, to_mailbox=None, received_at=None) -> InboundEmail:
        stored = inbound_store(
            mailbox=to_mailbox or mailbox,
            raw=raw,
            source=InboundEmail.Source.PIPE,
            received_at=received_at,
        )
        inbound_process(inbound_id=stored.email.pk)
        stored.email.refresh_from_db()
        return stored.email

    return deliver


@pytest.fixture
def planned(acme):
    """Acme's organization on a plan with round-the-clock targets for every priority."""
    cells = {}
    for priority in ("P1", "P2", "P3", "P4"):
        cells[(priority, "first_response")] = "2 hours (24/7)"
        cells[(priority, "resolution")] = "24 hours (24/7)"
    acme.org.plan = plan_with_matrix(tenant=acme.tenant, cells=cells)
    acme.org.save(update_fields=["plan"])
    return acme
