"""Several workers running the check at the same moment share the due tickets: each rule
fires once, each manager email is queued once (PostgreSQL row locks, SKIP LOCKED)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction

from escalation.models import Audience, EscalationEvent
from escalation.services import escalations_run_due
from helpdesk.models import OutboxEmail
from tickets.models import Ticket

from .conftest import at, pacific
from .factories import level, rule

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_four_concurrent_checks_fire_each_rule_once(require_postgres, acme, plan, make_ticket):
    l3 = level(acme.tenant, 3, "L3 Support manager", audience=Audience.MANAGERS)
    rule(acme.tenant, priority="P1", level=l3)
    with at(pacific(2026, 11, 24, 10, 0)):
        tickets = [make_ticket(priority="P1", title=f"Outage {n}") for n in range(40)]
    now = pacific(2026, 11, 24, 11, 1)
    workers = 4
    barrier = threading.Barrier(workers)
    fired, errors = [], []

    def check():
        try:
            barrier.wait(timeout=10)
            fired.append(escalations_run_due(now=now, batch_size=5))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    # Each of the four may have found nothing left to do; together they did everything.
    assert sum(fired) == len(tickets)
    assert EscalationEvent.objects.count() == len(tickets)
    to_manager = OutboxEmail.objects.filter(to=[acme.manager.email], subject__contains="escalated")
    assert to_manager.count() == len(tickets)
    assert sorted(e.subject.split(": ")[1].split()[0] for e in to_manager) == sorted(
        t.reference for t in tickets
    )
    # And a late fifth run finds nothing.
    assert escalations_run_due(now=now + timedelta(minutes=1)) == 0


def test_a_check_passes_over_tickets_another_worker_holds(
    require_postgres, acme, plan, make_ticket
):
    l3 = level(acme.tenant, 3, "L3 Support manager", audience=Audience.MANAGERS)
    rule(acme.tenant, priority="P1", level=l3)
    with at(pacific(2026, 11, 24, 10, 0)):
        tickets = [make_ticket(priority="P1", title=f"Outage {n}") for n in range(12)]
    now = pacific(2026, 11, 24, 11, 1)
    held = sorted(tickets, key=lambda t: (t.escalation_check_at, t.pk))[:5]
    locked, release, results = threading.Event(), threading.Event(), []

    def other_worker():
        try:
            with transaction.atomic():
                list(Ticket.objects.select_for_update().filter(pk__in=[t.pk for t in held]))
                locked.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    holder = threading.Thread(target=other_worker)
    holder.start()
    assert locked.wait(timeout=30)
    try:
        # The first batch of five is exactly the held tickets: the check goes on past them.
        results.append(escalations_run_due(now=now, batch_size=5))
    finally:
        release.set()
        holder.join(timeout=60)
    assert results == [len(tickets) - len(held)]
    escalated = set(EscalationEvent.objects.values_list("ticket_id", flat=True))
    assert escalated == {t.pk for t in tickets} - {t.pk for t in held}
    # Once released, the next check takes the rest.
    assert escalations_run_due(now=now + timedelta(minutes=1)) == len(held)
