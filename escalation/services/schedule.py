"""Keeping each ticket's next escalation check current.

The tickets app calls :func:`escalation_reschedule` (registered as an SLA observer) after
every change of a ticket and for each batch of a recomputation, with the SLA facts it has
just computed. The next instant any rule can fire goes in ``Ticket.escalation_check_at``;
the every-minute check reads only tickets whose instant has come.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from helpdesk.db import update_rows
from sla.selectors import plan_books_for_tenant
from tickets.services.sla import Evaluated, evaluate_many, open_tickets_in_batches

from .. import matrix
from ..selectors import fired_keys, matrix_rules, type_lineage


class MatrixContext:
    """The tenant's rules and type lineage, loaded once per request or batch."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.rules = matrix_rules(tenant=tenant)
        self.lineage = type_lineage(tenant=tenant) if self.rules else {}

    def plan(self, item: Evaluated, fired, now) -> list[matrix.Planned]:
        ticket = item.ticket
        if not self.rules or not ticket.is_open:
            return []
        return matrix.plan(
            item.book,
            item.facts,
            self.rules,
            type_ids=self.lineage.get(ticket.ticket_type_id, (ticket.ticket_type_id,)),
            fired=fired,
            now=now,
        )


def escalation_reschedule(*, tenant, evaluated: list[Evaluated], now, bulk: bool = False) -> None:
    """Store the next check of each evaluated ticket; after a single change, page the
    on-call engineer for a P1 that needs it and run rules already due at once."""
    if not evaluated:
        return
    context = MatrixContext(tenant)
    tickets = [item.ticket for item in evaluated]
    watched = context.rules or any(t.escalation_check_at is not None for t in tickets)
    fired = fired_keys(tenant=tenant, tickets=tickets) if context.rules or not bulk else {}
    due_now = []
    if not bulk:
        from .run import page_on_call_if_needed

        for item in evaluated:
            page_on_call_if_needed(
                item=item, fired=fired.setdefault(item.ticket.pk, set()), now=now
            )
    if not watched:
        return
    changed = []
    for item in evaluated:
        ticket = item.ticket
        check_at = matrix.next_check(context.plan(item, fired.get(ticket.pk, ()), now))
        if check_at is not None and check_at <= now:
            due_now.append(ticket.pk)
        if ticket.escalation_check_at != check_at:
            ticket.escalation_check_at = check_at
            changed.append(ticket)
    update_rows(changed, ["escalation_check_at"])
    if due_now and not bulk:
        from ..tasks import escalate_tickets

        ids = list(due_now)
        transaction.on_commit(lambda: escalate_tickets.delay(ids), robust=True)


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
        escalation_reschedule(tenant=tenant, evaluated=list(evaluated.values()), now=now, bulk=True)
        planned += len(batch)
    return planned
