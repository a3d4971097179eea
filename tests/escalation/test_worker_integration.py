"""The escalation check end to end: real `celery beat` and worker processes on Redis,
PostgreSQL, and a real SMTP server receiving the support manager's emails.

Skipped on a machine without PostgreSQL and Redis; in CI their absence is a failure.
P1 tickets are opened two hours before the workers start (through the portal's service
with the clock set back, or as a bulk import for the larger runs), so their first response
is an hour overdue; their own "ticket received" emails went out then, and only escalation
emails reach the sink.
"""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.models import Audience, EscalationEvent
from escalation.models import EventKind as EscalationKind
from escalation.tasks import check_escalations
from helpdesk.models import OutboxEmail
from helpdesk.priorities import Priority
from tests import workers
from tests.sla.factories import BusinessCalendarFactory, plan_with_matrix
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory
from tests.workers import WAIT, wait_until
from tickets.events import created_event, events_save
from tickets.models import EventKind, Status, Ticket, TicketCounter, TicketEvent, TicketType
from tickets.services.sla import tickets_sla_recompute

from .conftest import at
from .factories import level, rule

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# The shared fixtures: real worker and beat processes and the SMTP sink they send to.
celery_processes = workers.celery_processes
sink = workers.sink

CHECK = "escalation.tasks.check_escalations"
L3 = "L3 Support manager"
ESCALATED_SUBJECT = re.compile(rf"SLA breached, escalated to {L3}: (\S+) ")


@pytest.fixture
def manager_level(acme):
    """Acme sells 24/7 support: a P1's first response is due within an hour, and at the
    breach the support manager is told."""
    plan = plan_with_matrix(
        tenant=acme.tenant,
        calendar=BusinessCalendarFactory(tenant=acme.tenant, name="24/7", always_open=True),
        cells={
            ("P1", "first_response"): "1 hour (24/7)",
            ("P1", "resolution"): "8 hours (24/7)",
        },
    )
    acme.org.plan = plan
    acme.org.save(update_fields=["plan"])
    manager = level(acme.tenant, 3, L3, audience=Audience.NAMED, users=[acme.manager])
    rule(acme.tenant, priority="P1", metric="first_response", level=manager)
    return manager


def open_overdue_p1_tickets(world, count: int) -> list[Ticket]:
    """P1 tickets opened by the customer two hours ago that nobody has answered."""
    with at(timezone.now() - timedelta(hours=2)):
        tickets = [
            open_ticket(world, networking(world), priority="P1", title=f"Site {n} offline")
            for n in range(1, count + 1)
        ]
    return overdue(tickets)


def import_overdue_p1_tickets(world, count: int) -> list[Ticket]:
    """The same tickets, arriving as a bulk import (written in one go, no emails to the
    customer), their SLA and next escalation check computed by the recomputation every
    plan or matrix change runs."""
    opened = timezone.now() - timedelta(hours=2)
    counter, _ = TicketCounter.objects.get_or_create(tenant=world.tenant)
    first = counter.last_number + 1
    tickets = Ticket.objects.bulk_create(
        Ticket(
            tenant=world.tenant,
            number=number,
            organization=world.org,
            requester=world.customer,
            ticket_type=networking(world),
            title=f"Site {number} offline",
            text="No traffic since the power cut.",
            affected_service="Branch router",
            priority=Priority.P1,
            status=Status.NEW,
            created_at=opened,
            updated_at=opened,
            last_customer_reply_at=opened,
        )
        for number in range(first, first + count)
    )
    TicketCounter.objects.filter(tenant=world.tenant).update(last_number=first + count - 1)
    events_save(
        created_event(
            ticket=ticket,
            actor=world.customer,
            priority=ticket.priority,
            type_name=ticket.ticket_type.full_name,
            files=[],
            at=opened,
        )
        for ticket in tickets
    )
    tickets_sla_recompute(tenant=world.tenant)
    return overdue(tickets)


def networking(world):
    return TicketType.objects.for_tenant(world.tenant).filter(slug="networking").first() or (
        TicketTypeFactory(tenant=world.tenant, name="Networking", slug="networking")
    )


def overdue(tickets: list[Ticket]) -> list[Ticket]:
    now = timezone.now()
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.first_response_due_at < now
        assert ticket.escalation_check_at <= now, "due for the next check"
    return tickets


def escalation_emails_to(sink, address: str) -> Counter:
    """How many escalation emails ``address`` received, per ticket reference."""
    return Counter(
        match.group(1)
        for message in sink.messages
        if message.to == [address] and (match := ESCALATED_SUBJECT.search(message.subject))
    )


def fired(process) -> list[int]:
    """The rules each of ``process``'s escalation checks fired, in order."""
    return [int(result) for result in process.results(CHECK)]


def outbox_settled() -> bool:
    return not OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exists()


def test_beat_escalates_an_overdue_p1_and_the_manager_email_arrives_within_90_seconds(
    celery_processes, sink, acme, manager_level
):
    [ticket] = open_overdue_p1_tickets(acme, 1)
    sink.start()
    celery_processes.start_worker()

    beat = celery_processes.start_beat()

    [email] = beat.wait_until(
        lambda: [m for m in sink.messages if m.to == [acme.manager.email]],
        "the manager's email",
        timeout=90,
    )
    assert "Sending due task check-escalations" in beat.log()
    assert f"SLA breached, escalated to {L3}: {ticket.reference}" in email.subject
    assert "First response target 1 hour (24/7)" in email.text
    assert "First response target breached" in email.text
    assert f"http://acme.localhost/tickets/{ticket.reference}/" in email.text
    ticket.refresh_from_db()
    assert ticket.escalation_level == manager_level
    timeline = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ESCALATED)
    assert timeline.data["level"] == L3


def test_two_workers_checking_at_once_and_a_third_check_send_one_email_per_ticket(
    celery_processes, sink, acme, manager_level
):
    tickets = import_overdue_p1_tickets(acme, 250)
    sink.start()
    first = celery_processes.start_worker("worker-a")
    second = celery_processes.start_worker("worker-b")

    def checks() -> list[int]:
        return fired(first) + fired(second)

    check_escalations.delay()
    check_escalations.delay()

    first.wait_until(lambda: fired(first), "worker-a's check")
    second.wait_until(lambda: fired(second), "worker-b's check")
    # Each worker ran one of the two checks at the same time; between them, every ticket
    # once (one may have found everything taken by the other).
    assert len(fired(first)) == len(fired(second)) == 1
    assert sum(checks()) == len(tickets)

    first_two = checks()
    check_escalations.delay()
    wait_until(lambda: len(checks()) == 3, "the third check")
    assert list((Counter(checks()) - Counter(first_two)).elements()) == [0]

    wait_until(outbox_settled, "every email to be delivered")
    received = escalation_emails_to(sink, acme.manager.email)
    assert received == Counter({ticket.reference: 1 for ticket in tickets})
    assert len(sink.messages) == len(tickets)
    assert EscalationEvent.objects.count() == len(tickets)


def test_a_worker_killed_mid_check_loses_no_escalation_and_repeats_none(
    celery_processes, sink, acme, manager_level
):
    # Enough tickets for several batches, so the kill lands between two of them or in one.
    tickets = import_overdue_p1_tickets(acme, 600)
    # Beat, started once every ticket is escalated, re-drives the outbox every second; a
    # queued email holds its row for five seconds and a failed attempt is due after one.
    celery_processes.env.update(
        OUTBOX_REDRIVE_SECONDS="1", EMAIL_CLAIM_SECONDS="5", EMAIL_RETRY_BACKOFF="1"
    )
    sink.start()
    # Emails have their own worker, which the kill does not touch.
    celery_processes.start_worker("mail", queues="mail", threads=4)
    doomed = celery_processes.start_worker("escalation", queues="celery")

    check_escalations.delay()
    doomed.wait_until(lambda: EscalationEvent.objects.exists(), "the first batch", interval=0.02)
    doomed.kill()

    done_before_kill = EscalationEvent.objects.count()
    assert 0 < done_before_kill < len(tickets), "the check was done before the kill"
    assert not fired(doomed), "the killed check never finished"

    successor = celery_processes.start_worker("escalation", queues="celery")

    def all_escalated() -> bool:
        if len(fired(successor)) < successor.received(CHECK):
            return False  # a check is running
        if EscalationEvent.objects.count() == len(tickets):
            return True
        # Beat's next check would do the same. Rows the killed worker held stay locked
        # until PostgreSQL notices the lost connection; a check meanwhile skips them.
        check_escalations.delay()
        return False

    successor.wait_until(all_escalated, "every ticket to be escalated", interval=0.5)
    assert sum(fired(successor)) == len(tickets) - done_before_kill

    # The kill may also have landed after a batch committed and before all of its emails
    # were handed to the broker; those wait in the outbox for beat's redrive.
    beat = celery_processes.start_beat()
    beat.wait_until(outbox_settled, "every email to be delivered", timeout=WAIT * 2)
    received = escalation_emails_to(sink, acme.manager.email)
    assert received == Counter({ticket.reference: 1 for ticket in tickets})
    assert len(sink.messages) == len(tickets)
    per_ticket = Counter(EscalationEvent.objects.values_list("ticket_id", flat=True))
    assert set(per_ticket.values()) == {1}
    timeline = Counter(
        TicketEvent.objects.filter(kind=EventKind.ESCALATED).values_list("ticket_id", flat=True)
    )
    assert timeline == per_ticket


def test_escalation_emails_wait_out_an_smtp_outage_and_arrive_once_it_is_back(
    celery_processes, sink, acme, manager_level
):
    [ticket] = open_overdue_p1_tickets(acme, 1)
    # Beat re-drives the outbox every second, and a failed email is due again after one.
    celery_processes.env.update(OUTBOX_REDRIVE_SECONDS="1", EMAIL_RETRY_BACKOFF="1")
    worker = celery_processes.start_worker()  # the SMTP server is down
    celery_processes.start_beat()

    check_escalations.delay()

    queued = worker.wait_until(
        lambda: OutboxEmail.objects.filter(to=[acme.manager.email]).exclude(last_error="").first(),
        "the first delivery attempt",
    )
    assert queued.status == OutboxEmail.Status.PENDING
    assert "ConnectionRefusedError" in queued.last_error
    assert sink.messages == []
    # The escalation itself is recorded whatever the mail server does.
    event = EscalationEvent.objects.get(ticket=ticket)
    assert event.kind == EscalationKind.RULE

    sink.start()

    [email] = sink.wait_for(1, timeout=WAIT)
    assert email.to == [acme.manager.email]
    assert ticket.reference in email.subject
    wait_until(outbox_settled, "the delivery to be recorded")
    queued.refresh_from_db()
    assert queued.status == OutboxEmail.Status.SENT
    assert escalation_emails_to(sink, acme.manager.email) == Counter({ticket.reference: 1})
