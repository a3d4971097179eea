"""Nothing lost, nothing duplicated, nothing crossing tenants."""

import io
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.services import email_queue
from tickets.intake import actions, process
from tickets.intake.process import inbound_process
from tickets.intake.store import inbound_retry, inbound_store
from tickets.models import InboundEmail, Mailbox, Message, Ticket, TicketEvent
from tickets.reply_address import reply_address

from ..conftest import open_ticket
from ..factories import TicketTypeFactory
from .conftest import email_bytes, reply_to_ticket

pytestmark = pytest.mark.django_db


def _store(mailbox, raw):
    return inbound_store(mailbox=mailbox, raw=raw, source=InboundEmail.Source.PIPE).email


def test_processing_twice_makes_one_ticket(acme, mailbox):
    inbound = _store(mailbox, email_bytes())

    first = inbound_process(inbound_id=inbound.pk)
    second = inbound_process(inbound_id=inbound.pk)

    assert first.startswith("New ticket")
    assert second == "not pending"
    assert Ticket.objects.count() == 1


def test_the_same_message_stored_twice_is_one_row(acme, mailbox, receive):
    raw = email_bytes(message_id="<once@mail.acme.test>")

    receive(raw)
    receive(raw)

    assert InboundEmail.objects.count() == 1
    assert Ticket.objects.count() == 1


def test_the_same_reply_fetched_twice_is_one_reply(acme, make_ticket, mailbox, receive):
    ticket = make_ticket()
    raw = email_bytes(to=reply_to_ticket(ticket, acme.customer.email), body="Once.")

    receive(raw)
    receive(raw)
    inbound_process(inbound_id=InboundEmail.objects.get().pk)

    assert Message.objects.filter(ticket=ticket).count() == 1


def test_a_failure_mid_message_rolls_its_work_back_and_is_retried_later(acme, mailbox, monkeypatch):
    colleague_cc = "bo@acme.test"
    inbound = _store(mailbox, email_bytes(cc=colleague_cc))

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "_colleagues_in_copy", crash)
    before = timezone.now()
    outcome = inbound_process(inbound_id=inbound.pk)

    inbound.refresh_from_db()
    assert outcome.startswith("Failed; trying again at")
    assert inbound.state == InboundEmail.State.PENDING
    assert inbound.attempts == 1
    assert inbound.error == "RuntimeError: disk full"
    assert 55 <= (inbound.next_attempt_at - before).total_seconds() <= 65
    # The ticket made before the failure is gone with it, its number given back.
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists()

    monkeypatch.undo()
    assert inbound_process(inbound_id=inbound.pk).startswith("New ticket")
    assert Ticket.objects.get().number == 1001


def test_files_of_a_message_whose_work_failed_are_not_left_in_storage(
    acme, mailbox, monkeypatch, settings
):
    inbound = _store(
        mailbox, email_bytes(attachments=[("trace.log", "text/plain", b"error at 02:10\n")])
    )
    monkeypatch.setattr(actions, "_colleagues_in_copy", lambda *a, **k: 1 / 0)

    inbound_process(inbound_id=inbound.pk)

    attachments = Path(settings.MEDIA_ROOT) / "attachments"
    assert not [path for path in attachments.rglob("*") if path.is_file()]
    monkeypatch.undo()
    assert inbound_process(inbound_id=inbound.pk).startswith("New ticket")
    [stored] = [path for path in attachments.rglob("*") if path.is_file()]
    assert stored.read_bytes() == b"error at 02:10\n"


def test_a_message_failing_every_attempt_is_failed_then_retried_by_an_admin(
    acme, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.INBOUND_RETRIES = 3
    inbound = _store(mailbox, email_bytes())
    raw = inbound.raw.read()
    inbound.raw.close()
    inbound.raw.storage.delete(inbound.raw.name)

    for _attempt in range(3):
        inbound_process(inbound_id=inbound.pk)

    inbound.refresh_from_db()
    assert inbound.state == InboundEmail.State.FAILED
    assert inbound.attempts == 3
    assert inbound.error.startswith("FileNotFoundError")
    assert inbound.outcome == "Failed after 3 attempts"

    inbound.raw.storage.save(inbound.raw.name, io.BytesIO(raw))
    with django_capture_on_commit_callbacks(execute=True):
        assert inbound_retry(emails=InboundEmail.objects.filter(pk=inbound.pk)) == 1

    inbound.refresh_from_db()
    assert inbound.state == InboundEmail.State.DONE
    assert inbound.error == ""
    assert Ticket.objects.count() == 1


def test_an_unreachable_database_leaves_the_message_waiting(acme, mailbox, monkeypatch):
    inbound = _store(mailbox, email_bytes())

    def unreachable(_inbound):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(process, "_decide", unreachable)
    outcome = inbound_process(inbound_id=inbound.pk)

    inbound.refresh_from_db()
    assert outcome == "database unavailable: left for the re-drive"
    assert inbound.state == InboundEmail.State.PENDING
    assert inbound.attempts == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_processing_the_same_message_make_one_ticket(
    require_postgres, acme, mailbox, monkeypatch
):
    # Stored without its task, which would run at once in tests (eager Celery).
    monkeypatch.setattr("tickets.intake.store.processing_enqueue", lambda ids: None)
    inbound = _store(mailbox, email_bytes())
    decide = process._decide

    def slow_decide(row):
        time.sleep(0.3)  # the other worker arrives while this one holds the row
        return decide(row)

    monkeypatch.setattr(process, "_decide", slow_decide)
    outcomes = []

    def worker():
        try:
            outcomes.append(inbound_process(inbound_id=inbound.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    ticket = Ticket.objects.get()
    assert sorted(outcomes) == sorted([f"New ticket {ticket.reference}", "not pending"])


def test_a_message_to_one_tenant_never_touches_another(acme, globex, mailbox, receive):
    """Tokens, In-Reply-To, the thread root and the subject all name globex's ticket."""
    theirs = open_ticket(globex, TicketTypeFactory(tenant=globex.tenant))
    their_email = email_queue(
        tenant=globex.tenant,
        to=[globex.customer.email],
        subject="x",
        text="x",
        thread=f"ticket:{theirs.pk}",
    )
    headers = {
        "to": reply_to_ticket(theirs, acme.customer.email),
        "cc": reply_address_of(theirs, globex.customer.email),
        "subject": f"Re: [{theirs.reference}] VPN down",
        "in_reply_to": their_email.message_id,
        "references": f"<ticket-{theirs.pk}@globex.localhost> {their_email.message_id}",
    }

    from_acme = receive(email_bytes(**headers, body="From an acme customer."))
    from_globex = receive(
        email_bytes(**headers, sender=globex.customer.email, body="From globex's customer.")
    )

    assert from_acme.ticket.tenant == acme.tenant
    assert from_acme.outcome == f"New ticket {from_acme.ticket.reference}"
    assert from_globex.state == InboundEmail.State.REFUSED
    assert not Message.objects.filter(ticket=theirs).exists()
    assert Ticket.objects.filter(tenant=globex.tenant).count() == 1
    their_email.refresh_from_db()
    assert their_email.bounced_at is None


def reply_address_of(ticket, recipient):
    return reply_address(
        mailbox_address="support@globex.example",
        tenant_id=ticket.tenant_id,
        ticket_id=ticket.pk,
        recipient=recipient,
    )


def test_a_globex_mailbox_message_is_globex_only(acme, globex, mailbox, receive):
    globex_box = Mailbox.objects.create(
        tenant=globex.tenant,
        address="support@globex.example",
        transport=Mailbox.Transport.PUSH,
        default_ticket_type=TicketTypeFactory(tenant=globex.tenant),
    )

    inbound = receive(email_bytes(sender=acme.customer.email), to_mailbox=globex_box)

    assert inbound.tenant == globex.tenant
    assert inbound.state == InboundEmail.State.REFUSED
    assert not Ticket.objects.exists()


# --- queries per message ----------------------------------------------------------------


def _queries(inbound) -> int:
    with CaptureQueriesContext(connection) as captured:
        inbound_process(inbound_id=inbound.pk)
    return len(captured)


def _history(world, ticket_type, mailbox, count: int):
    """Tickets, replies, stored emails and outbox rows the next message must not read."""
    for number in range(count):
        ticket = open_ticket(world, ticket_type, title=f"Old {number}")
        _store(
            mailbox,
            email_bytes(to=reply_to_ticket(ticket, world.customer.email), body=f"reply {number}"),
        )
    for inbound in InboundEmail.objects.filter(state=InboundEmail.State.PENDING):
        inbound_process(inbound_id=inbound.pk)


@pytest.mark.parametrize(
    ("kind", "most"),
    [("new ticket", 31), ("reply", 31), ("auto-reply ignored", 8)],
)
def test_queries_per_message_are_few_and_do_not_grow_with_history(
    planned, acme, ticket_type, mailbox, kind, most, django_assert_max_num_queries
):
    def stored(index: int) -> InboundEmail:
        if kind == "new ticket":
            raw = email_bytes(subject=f"Problem {index}")
        elif kind == "reply":
            ticket = open_ticket(acme, ticket_type, title=f"Target {index}")
            raw = email_bytes(to=reply_to_ticket(ticket, acme.customer.email), body="More.")
        else:
            raw = email_bytes(headers={"Auto-Submitted": "auto-replied"})
        return _store(mailbox, raw)

    inbound_process(inbound_id=stored(0).pk)  # the tenant's first ticket number is set up
    first = _queries(stored(1))
    _history(acme, ticket_type, mailbox, 15)
    later = stored(2)
    with django_assert_max_num_queries(most):
        inbound_process(inbound_id=later.pk)
    assert _queries(stored(3)) == first
