"""Keeping each ticket's next escalation check current.

:func:`escalation_reschedule` runs after every change of a ticket's SLA (the receiver of
``tickets.signals.ticket_sla_changed`` in ``escalation/receivers.py``) with the SLA facts
the tickets app has just computed. The next instant any rule can fire goes in
``Ticket.escalation_check_at`` (written by the tickets service
``tickets_escalation_check_set``); the every-minute check reads only tickets whose instant
has come.
"""

from __future__ import annotations

from django.utils import timezone

from sla.selectors import plan_books_for_tenant
from tickets.services import tickets_escalation_check_set
from tickets.services.sla import Evaluated, evaluate_many, open_tickets_in_batches

from .. import matrix
from ..selectors import MatrixContext, fired_keys


def escalation_reschedule(*, tenant, evaluated: list[Evaluated], now) -> list[int]:
    """Store the next check of each evaluated ticket; returns the ids of those with a rule
    already due (the caller decides whether to run them at once)."""
    if not evaluated:
        return []
    context = MatrixContext(tenant)
    tickets = [item.ticket for item in evaluated]
    if not context.rules and all(t.escalation_check_at is None for t in tickets):
        return []
    fired = fired_keys(tenant=tenant, tickets=tickets) if context.rules else {}
    due_now = []
    checks = []
    for item in evaluated:
        ticket = item.ticket
        check_at = matrix.next_check(context.plan(item, fired.get(ticket.pk, ()), now))
        if check_at is not None and check_at <= now:
            due_now.append(ticket.pk)
        checks.append((ticket, check_at))
    tickets_escalation_check_set(checks=checks)
    return due_now


def escalation_replan_open_tickets(*, tenant, now=None, batch_size: int = 2000) -> int:
    """Plan the next check of every open ticket of ``tenant`` again after its escalation
    matrix changed; returns how many tickets were planned.

    Only the checks move: each ticket's SLA is evaluated on the terms it runs on and no due
    time is written (those change only with the ticket, or when an admin recomputes open
    tickets after editing the SLA matrix).
    """
    now = now or timezone.now()
    books = plan_books_for_tenant(tenant=tenant)
    planned = 0
    for batch in open_tickets_in_batches(tenant=tenant, batch_size=batch_size):
        evaluated = evaluate_many(tenant=tenant, tickets=batch, books=books, now=now)
        escalation_reschedule(tenant=tenant, evaluated=list(evaluated.values()), now=now)
        planned += len(batch)
    return planned
