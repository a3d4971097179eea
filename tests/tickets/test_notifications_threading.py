"""Ticket emails thread in the recipient's mail client and can be answered by email: one
email per recipient with its own signed Reply-To, the ticket's thread in In-Reply-To and
References, the reply marker on top, and the headers that keep auto-replies away."""

from email.message import EmailMessage

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import OutboxEmail
from helpdesk.services import outbox_deliver
from tests.factories import CustomerFactory
from tests.smtp_sink import SmtpSink
from tickets.intake.store import inbound_store
from tickets.models import Channel, InboundEmail, Mailbox, Status
from tickets.reply_address import REPLY_MARKER, token_of, token_ticket_id
from tickets.services import ticket_assign, ticket_cc_add, ticket_reply, ticket_transition

pytestmark = pytest.mark.django_db
BASE = "http://acme.localhost/"
ROOT = "<ticket-{pk}@acme.localhost>"


@pytest.fixture
def mailbox(acme, ticket_type):
    return Mailbox.objects.create(
        tenant=acme.tenant,
        address="support@acme.example",
        transport=Mailbox.Transport.PUSH,
        default_ticket_type=ticket_type,
    )


def emails_of(ticket) -> dict[str, OutboxEmail]:
    """The ticket's emails after its creation, by recipient."""
    rows = OutboxEmail.objects.filter(thread=f"ticket:{ticket.pk}").exclude(
        dedupe_key__startswith="ticket-created:"
    )
    found = {}
    for row in rows.order_by("pk"):
        [address] = row.to
        assert address not in found, f"{address} got two emails"
        found[address] = row
    return found


def signed_for(row: OutboxEmail, mailbox: Mailbox, ticket) -> list[str]:
    """Who of the ticket's people the email's Reply-To lets answer into the ticket."""
    [reply_to] = row.reply_to
    token = token_of(mailbox_address=mailbox.address, address=reply_to)
    assert token, reply_to
    candidates = dict.fromkeys([*row.to, ticket.requester.email, "someone@else.example"])
    return [
        who
        for who in candidates
        if token_ticket_id(token=token, tenant_id=ticket.tenant_id, sender=who) == ticket.pk
    ]


def test_a_public_reply_reaches_requester_and_everyone_in_copy_each_with_their_own_reply_to(
    acme, make_ticket, mailbox
):
    colleague = CustomerFactory(tenant=acme.tenant, organization=acme.org, email="col@acme.test")
    ticket = make_ticket()
    ticket_cc_add(ticket=ticket, actor=acme.engineer, user=colleague)
    ticket_cc_add(ticket=ticket, actor=acme.engineer, email="Partner@Outside.example")
    OutboxEmail.objects.filter(dedupe_key__startswith="ticket-cc:").delete()

    message = ticket_reply(
        ticket=ticket, actor=acme.engineer, body="Please restart the **peer**.", base_url=BASE
    )

    emails = emails_of(ticket)
    assert set(emails) == {acme.customer.email, colleague.email, "partner@outside.example"}
    root = ROOT.format(pk=ticket.pk)
    for address, row in emails.items():
        assert signed_for(row, mailbox, ticket) == [address]
        assert row.headers["In-Reply-To"] == root
        assert row.headers["References"] == root
        assert row.headers["X-Auto-Response-Suppress"] == "OOF, AutoReply"
        assert "Auto-Submitted" not in row.headers
        assert row.body_text.splitlines()[0] == REPLY_MARKER
        assert row.body_html.index(REPLY_MARKER) < row.body_html.index(acme.tenant.portal_title)
        assert "Please restart the" in row.body_text and "<strong>peer</strong>" in row.body_html
        assert row.dedupe_key == f"ticket-reply:{message.pk}:{address}"
    # Only people with an account get a link to a page they can open.
    link = f"{BASE}tickets/{ticket.reference}/"
    assert link in emails[colleague.email].body_text
    assert link not in emails["partner@outside.example"].body_text
    assert acme.engineer.email not in emails


def test_without_a_mailbox_replies_go_to_the_support_address(acme, make_ticket):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, actor=acme.engineer, body="On it.", base_url=BASE)
    [row] = emails_of(ticket).values()
    assert row.reply_to == [acme.tenant.support_email]


def test_the_first_active_mailbox_by_address_signs_the_reply_to(acme, make_ticket, ticket_type):
    for address, active in (("aaa@acme.example", False), ("zzz@acme.example", True)):
        Mailbox.objects.create(
            tenant=acme.tenant, address=address, is_active=active, default_ticket_type=ticket_type
        )
    Mailbox.objects.create(
        tenant=acme.tenant, address="help@acme.example", default_ticket_type=ticket_type
    )
    ticket = make_ticket()
    ticket_reply(ticket=ticket, actor=acme.engineer, body="On it.", base_url=BASE)
    [row] = emails_of(ticket).values()
    assert row.reply_to[0].startswith("help+") and row.reply_to[0].endswith("@acme.example")


def test_the_confirmation_and_a_status_change_are_marked_automatic(acme, make_ticket, mailbox):
    ticket = make_ticket()
    confirmation = OutboxEmail.objects.get(dedupe_key=f"ticket-created:{ticket.pk}:requester")
    assert confirmation.headers["Auto-Submitted"] == "auto-generated"
    assert confirmation.headers["X-Auto-Response-Suppress"] == "All"
    assert confirmation.headers["References"] == ROOT.format(pk=ticket.pk)
    assert confirmation.thread == f"ticket:{ticket.pk}"
    assert confirmation.body_text.startswith(REPLY_MARKER)
    assert signed_for(confirmation, mailbox, ticket) == [acme.customer.email]
    # The queue's notice carries the customer's words: not automatic.
    queue = OutboxEmail.objects.get(dedupe_key=f"ticket-created:{ticket.pk}:queue")
    assert "Auto-Submitted" not in queue.headers

    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.ON_HOLD, base_url=BASE)
    [status] = emails_of(ticket).values()
    assert status.to == [acme.customer.email]
    assert status.headers["Auto-Submitted"] == "auto-generated"
    assert status.headers["In-Reply-To"] == ROOT.format(pk=ticket.pk)


def test_a_status_change_with_a_reply_reaches_each_person_once(acme, make_ticket, mailbox):
    colleague = CustomerFactory(tenant=acme.tenant, organization=acme.org, email="col@acme.test")
    ticket = make_ticket()
    ticket_cc_add(ticket=ticket, actor=acme.customer, user=colleague)
    OutboxEmail.objects.filter(dedupe_key__startswith="ticket-cc:").delete()
    ticket_reply(
        ticket=ticket,
        actor=acme.engineer,
        body="Fixed on our side.",
        status=Status.RESOLVED,
        base_url=BASE,
    )
    emails = emails_of(ticket)
    assert set(emails) == {acme.customer.email, colleague.email}
    for row in emails.values():
        assert "now Resolved" in row.subject
        assert "Fixed on our side." in row.body_text


def test_a_customer_reply_goes_to_the_assignee_and_the_others_never_its_author(
    acme, make_ticket, mailbox
):
    colleague = CustomerFactory(tenant=acme.tenant, organization=acme.org, email="col@acme.test")
    ticket = make_ticket()
    ticket_cc_add(ticket=ticket, actor=acme.customer, user=colleague)
    OutboxEmail.objects.filter(dedupe_key__startswith="ticket-cc:").delete()

    ticket_reply(ticket=ticket, actor=colleague, body="Same here.", base_url=BASE)
    emails = emails_of(ticket)
    # Nobody is assigned: the support queue hears of it.
    assert set(emails) == {acme.tenant.support_email, acme.customer.email}

    ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    OutboxEmail.objects.all().delete()
    ticket_reply(ticket=ticket, actor=acme.customer, body="Still down.", base_url=BASE)
    emails = emails_of(ticket)
    assert set(emails) == {acme.engineer.email, colleague.email}
    assert signed_for(emails[acme.engineer.email], mailbox, ticket) == [acme.engineer.email]


def test_internal_notes_reach_nobody_and_removed_or_deactivated_copies_nothing(
    acme, make_ticket, mailbox
):
    gone = CustomerFactory(tenant=acme.tenant, organization=acme.org, email="gone@acme.test")
    left = CustomerFactory(tenant=acme.tenant, organization=acme.org, email="left@acme.test")
    ticket = make_ticket()
    ticket_cc_add(ticket=ticket, actor=acme.engineer, user=gone)
    removed = ticket_cc_add(ticket=ticket, actor=acme.engineer, user=left)
    ticket_cc_add(ticket=ticket, actor=acme.engineer, email="outside@partner.example")
    OutboxEmail.objects.all().delete()

    ticket_reply(
        ticket=ticket, actor=acme.engineer, body="Peer is flaky.", internal=True, base_url=BASE
    )
    assert emails_of(ticket) == {}

    gone.is_active = False
    gone.save(update_fields=["is_active"])
    from tickets.services import ticket_cc_remove

    ticket_cc_remove(ticket=ticket, actor=acme.engineer, participant_id=removed.pk)
    ticket_reply(ticket=ticket, actor=acme.engineer, body="Public now.", base_url=BASE)
    assert set(emails_of(ticket)) == {acme.customer.email, "outside@partner.example"}


def _raw_reply(*, to: str, sender: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: VPN down"
    message["Message-ID"] = message_id
    message.set_content("Still failing after the restart.")
    return message.as_bytes()


def test_an_answer_to_an_email_names_that_email_first_in_references(acme, make_ticket, mailbox):
    ticket = make_ticket()
    ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    OutboxEmail.objects.all().delete()
    stored = inbound_store(
        mailbox=mailbox,
        raw=_raw_reply(
            to=mailbox.address, sender=acme.customer.email, message_id="<answer-1@customer.test>"
        ),
        source=InboundEmail.Source.PIPE,
    ).email
    ticket_reply(
        ticket=ticket,
        actor=acme.customer,
        body="Still failing after the restart.",
        channel=Channel.EMAIL,
        inbound_email=stored,
        base_url=BASE,
    )
    [row] = emails_of(ticket).values()
    assert row.to == [acme.engineer.email]
    assert row.headers["In-Reply-To"] == "<answer-1@customer.test>"
    assert row.headers["References"] == f"<answer-1@customer.test> {ROOT.format(pk=ticket.pk)}"


def test_queries_to_queue_a_reply_do_not_grow_with_the_people_in_copy(acme, make_ticket, mailbox):
    def reply_queries(ticket) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            ticket_reply(ticket=ticket, actor=acme.engineer, body="Update.", base_url=BASE)
        return len(queries), len(emails_of(ticket))

    few = make_ticket(title="Few")
    ticket_cc_add(ticket=few, actor=acme.engineer, email="one@partner.example")
    many = make_ticket(title="Many")
    for n in range(10):
        colleague = CustomerFactory(tenant=acme.tenant, organization=acme.org)
        ticket_cc_add(ticket=many, actor=acme.engineer, user=colleague)
        ticket_cc_add(ticket=many, actor=acme.engineer, email=f"p{n}@partner.example")
    # Adding people renews the tenant's kept data: a first reply reloads it.
    reply_queries(make_ticket(title="Warm-up"))
    OutboxEmail.objects.all().delete()
    few_queries, few_emails = reply_queries(few)
    many_queries, many_emails = reply_queries(many)
    assert (few_emails, many_emails) == (2, 21)
    assert few_queries == many_queries


def test_the_headers_and_reply_to_are_what_the_recipient_receives(
    acme, make_ticket, mailbox, settings
):
    """Through a real SMTP server: what a mail client sees and threads on."""
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        ticket = make_ticket()
        ticket_reply(ticket=ticket, actor=acme.engineer, body="Restarted.", base_url=BASE)
        [row] = emails_of(ticket).values()
        assert outbox_deliver(email_id=row.pk) == "sent"
        [received] = sink.wait_for(1)
    message = received.message
    assert message["Reply-To"] == row.reply_to[0]
    assert message["In-Reply-To"] == ROOT.format(pk=ticket.pk)
    assert message["References"] == ROOT.format(pk=ticket.pk)
    assert message["Message-ID"] == row.message_id
    assert received.text.splitlines()[0] == REPLY_MARKER
