"""Keeping a ticket's SLA columns in step with its history.

The arithmetic is the SLA engine's; this module only turns a ticket and its status
events into the engine's facts and stores the outcome on the ticket row.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from helpdesk.db import update_rows
from sla.engine import PlanBook, TicketClockFacts, evaluate
from sla.recompute import RecomputePreview
from sla.selectors import PlanBooks, plan_book_for, plan_books_for_tenant
from sla.services import plans_terms_renew, plans_to_recompute

from ..models import OPEN_STATUSES, EventKind, SlaState, Status, Ticket, TicketEvent
from ..signals import ticket_sla_changed
from .maintenance import maintenance_windows_for
from .outcomes import outcomes_store

logger = logging.getLogger(__name__)

# Statuses during which the resolution clock does not run.
PAUSING_STATUSES = frozenset({Status.ON_HOLD, Status.RESOLVED, Status.CLOSED})
FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"


def status_histories(*, tenant_id: int, ticket_ids) -> dict[int, list[tuple]]:
    """(at, from, to) of every status change of each ticket, oldest first; one query."""
    histories = defaultdict(list)
    rows = (
        TicketEvent.objects.for_tenant(tenant_id)
        .filter(ticket__in=list(ticket_ids), kind=EventKind.STATUS)
        .order_by("created_at", "pk")
        .values_list("ticket_id", "created_at", "data")
    )
    for ticket_id, at, data in rows:
        histories[ticket_id].append((at, data.get("from"), data.get("to")))
    return histories


def _pauses_for_maintenance(book: PlanBook | None) -> bool:
    """Whether some target of ``book`` pauses during declared maintenance (only then are
    the windows worth loading)."""
    return book is not None and any(rule.pause_during_maintenance for rule in book.rules)


def clock_facts(*, ticket: Ticket, history: list[tuple], maintenance=()) -> TicketClockFacts:
    pauses = []
    paused_since = None
    for at, _old, new in history:
        if new in PAUSING_STATUSES and paused_since is None:
            paused_since = at
        elif new not in PAUSING_STATUSES and paused_since is not None:
            pauses.append((paused_since, at))
            paused_since = None
    if paused_since is not None:
        pauses.append((paused_since, None))
    stopped = ticket.status in (Status.RESOLVED, Status.CLOSED)
    return TicketClockFacts(
        opened_at=ticket.created_at,
        priority=ticket.priority,
        first_response_at=ticket.first_response_at,
        pauses=tuple(pauses),
        resolved_at=ticket.resolved_at if stopped else None,
        maintenance=tuple(maintenance),
    )


def previous_outcomes(ticket: Ticket, now=None) -> dict:
    """Outcomes the ticket keeps whatever changes next (rule: met or breached stays so), with
    the due time each was measured against.

    A resolution met at resolving is only kept while the ticket stays resolved: a reopened
    ticket's resolution clock runs again. A target still stored as running whose due time
    is before ``now`` was breached then, even though nothing stored it: a change made
    afterwards (a new priority with a longer target) does not undo that breach.
    """
    previous = {}
    if now is not None:
        for metric, state, due in (
            (FIRST_RESPONSE, ticket.first_response_state, ticket.first_response_due_at),
            (RESOLUTION, ticket.resolution_state, ticket.resolution_due_at),
        ):
            if state == SlaState.RUNNING and due is not None and due < now:
                previous[metric] = (SlaState.BREACHED, due, due)
    if ticket.first_response_state in (SlaState.MET, SlaState.BREACHED):
        previous[FIRST_RESPONSE] = (
            ticket.first_response_state,
            ticket.first_response_ended_at,
            ticket.first_response_due_at,
        )
    if ticket.resolution_state == SlaState.BREACHED or (
        ticket.resolution_state == SlaState.MET
        and ticket.status in (Status.RESOLVED, Status.CLOSED)
    ):
        previous[RESOLUTION] = (
            ticket.resolution_state,
            ticket.resolution_ended_at,
            ticket.resolution_due_at,
        )
    return previous


def sla_columns(*, ticket: Ticket, outcome: dict) -> dict:
    first = outcome[FIRST_RESPONSE]
    resolution = outcome[RESOLUTION]
    active = []
    if ticket.first_response_at is None and first.due_at is not None:
        active.append(first.due_at)
    resolution_runs = resolution.state in (SlaState.RUNNING, SlaState.BREACHED)
    if resolution.due_at is not None and resolution_runs and ticket.status not in PAUSING_STATUSES:
        active.append(resolution.due_at)
    return {
        "first_response_due_at": first.due_at,
        "first_response_state": first.state,
        "first_response_ended_at": first.ended_at,
        "resolution_due_at": resolution.due_at,
        "resolution_state": resolution.state,
        "resolution_ended_at": resolution.ended_at,
        "sla_due_at": min(active) if active else None,
    }


@dataclass(frozen=True)
class Evaluated:
    """A ticket with the facts and plan its SLA was computed from, and the outcome."""

    ticket: Ticket
    book: PlanBook | None
    facts: TicketClockFacts
    outcome: dict


def ticket_sla_evaluated(
    *,
    ticket: Ticket,
    now,
    explain: bool = True,
    history: list[tuple] | None = None,
    maintenance: tuple | None = None,
) -> Evaluated:
    """The ticket's SLA on the terms it runs on (the matrix in force when it was opened, or
    at the last recompute of open tickets): the one evaluation the ticket page, its badges
    and due texts, the stored columns and the escalation plan all come from. ``history``
    and ``maintenance`` (the windows it pauses for): when the caller knows them (none of
    either for a ticket being opened)."""
    book = plan_book_for(
        tenant=ticket.tenant, plan=ticket.organization.plan_id, opened_at=ticket.created_at
    )
    if history is None:
        history = status_histories(tenant_id=ticket.tenant_id, ticket_ids=[ticket.pk])[ticket.pk]
    windows = maintenance or ()
    if maintenance is None and _pauses_for_maintenance(book):
        windows = maintenance_windows_for(tenant_id=ticket.tenant_id, tickets=[ticket])
        windows = windows.get(ticket.pk, ())
    facts = clock_facts(ticket=ticket, history=history, maintenance=windows)
    outcome = evaluate(book, facts, now, previous_outcomes(ticket, now), explain=explain)
    return Evaluated(ticket=ticket, book=book, facts=facts, outcome=outcome)


def ticket_sla_opening(*, ticket: Ticket, now) -> Evaluated:
    """Set the SLA columns of a ticket being opened at ``now``, before it is saved (so its
    one INSERT writes them), and return the evaluation: it has changed status never and is
    linked to no maintenance yet. ``ticket_sla_refresh`` then stores its outcomes from this
    same evaluation, with no column left to update."""
    evaluated = ticket_sla_evaluated(
        ticket=ticket, now=now, explain=False, history=[], maintenance=()
    )
    _apply_columns(ticket, sla_columns(ticket=ticket, outcome=evaluated.outcome))
    return evaluated


def _apply_columns(ticket: Ticket, columns: dict) -> list[str]:
    """Set the columns that differ on ``ticket``; returns their names."""
    changed = [name for name, value in columns.items() if getattr(ticket, name) != value]
    for name in changed:
        setattr(ticket, name, columns[name])
    return changed


def ticket_sla_refresh(
    *, ticket: Ticket, now, created: bool = False, evaluated: Evaluated | None = None
) -> Evaluated:
    """Recompute and store the SLA columns of ``ticket`` and its outcomes for reports;
    returns the evaluation. ``created``: the ticket was just opened; ``evaluated``: its
    evaluation at ``now`` made before its insert (``ticket_sla_opening``), not made again.

    Called once per change, by :func:`tickets.services.after_change.ticket_changed`."""
    if evaluated is None:
        # A ticket just opened has changed status never.
        evaluated = ticket_sla_evaluated(
            ticket=ticket, now=now, explain=False, history=[] if created else None
        )
    changed = _apply_columns(ticket, sla_columns(ticket=ticket, outcome=evaluated.outcome))
    if changed:
        Ticket.objects.filter(pk=ticket.pk).update(
            **{name: getattr(ticket, name) for name in changed}
        )
    outcomes_store(tenant=ticket.tenant, evaluations=[evaluated], now=now, created=created)
    return evaluated


def evaluate_many(
    *, tenant, tickets: list[Ticket], books: PlanBooks, now, histories=None
) -> dict[int, Evaluated]:
    """The SLA of many tickets (organizations loaded), each on its own terms, without
    explanations: one query for their status history, the arithmetic in memory."""
    if histories is None:
        histories = status_histories(tenant_id=tenant.pk, ticket_ids=[t.pk for t in tickets])
    result = {}
    book_of = {t.pk: books.book_for(t.organization.plan_id, t.created_at) for t in tickets}
    pausing = [t for t in tickets if _pauses_for_maintenance(book_of[t.pk])]
    windows = maintenance_windows_for(tenant_id=tenant.pk, tickets=pausing) if pausing else {}
    for ticket in tickets:
        book = book_of[ticket.pk]
        facts = clock_facts(
            ticket=ticket, history=histories[ticket.pk], maintenance=windows.get(ticket.pk, ())
        )
        outcome = evaluate(book, facts, now, previous_outcomes(ticket, now), explain=False)
        result[ticket.pk] = Evaluated(ticket=ticket, book=book, facts=facts, outcome=outcome)
    return result


def queue_sla_badges(*, tenant, tickets, now) -> dict:
    """The SLA of each ticket of a list page, keyed by ticket id, in a constant number of
    queries. Uses the same evaluation as the ticket page, so the two never disagree."""
    tickets = list(tickets)
    if not tickets:
        return {}
    books = plan_books_for_tenant(tenant=tenant)
    evaluated = evaluate_many(tenant=tenant, tickets=tickets, books=books, now=now)
    return {pk: item.outcome for pk, item in evaluated.items()}


SLA_COLUMNS = (
    "first_response_due_at",
    "first_response_state",
    "first_response_ended_at",
    "resolution_due_at",
    "resolution_state",
    "resolution_ended_at",
    "sla_due_at",
)


def open_tickets_in_batches(*, tenant, plan=None, batch_size: int = 2000, ticket_ids=None):
    """The open tickets of ``tenant`` (of ``plan``'s organizations if given), organizations
    loaded, in batches by primary key, so 100,000 tickets never sit in memory at once."""
    tickets = Ticket.objects.for_tenant(tenant).filter(status__in=OPEN_STATUSES)
    if plan is not None:
        tickets = tickets.filter(organization__plan=plan)
    if ticket_ids is not None:
        tickets = tickets.filter(pk__in=list(ticket_ids))
    last_pk = 0
    while True:
        batch = list(
            tickets.filter(pk__gt=last_pk)
            .select_related("organization", "ticket_type")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return
        last_pk = batch[-1].pk
        for ticket in batch:
            ticket.tenant = tenant  # the reference reads the prefix: no query per ticket
        yield batch


def tickets_sla_recompute(
    *, tenant, plan=None, now=None, batch_size: int = 2000, preview=None, ticket_ids=None
) -> int:
    """Store the SLA columns of every open ticket of ``tenant`` (of ``plan``'s
    organizations if given), each on the terms it runs on; returns how many tickets changed.

    Moving open tickets to a new matrix is :func:`sla_recompute_open_tickets`, which first
    moves their terms and then calls this. Given ``preview`` (a
    :class:`sla.recompute.RecomputePreview`) nothing is written: each ticket is evaluated on
    its terms and on the matrix in force, and the difference recorded.

    A batch costs one query for the tickets, one for their status history and one batch of
    updates for the changed ones.
    """
    now = now or timezone.now()
    books = plan_books_for_tenant(tenant=tenant)
    changed_total = 0
    batches = open_tickets_in_batches(
        tenant=tenant, plan=plan, batch_size=batch_size, ticket_ids=ticket_ids
    )
    for batch in batches:
        histories = status_histories(tenant_id=tenant.pk, ticket_ids=[t.pk for t in batch])
        evaluated = evaluate_many(
            tenant=tenant, tickets=batch, books=books, now=now, histories=histories
        )
        if preview is not None:
            recomputed = evaluate_many(
                tenant=tenant,
                tickets=batch,
                books=books.as_recomputed(),
                now=now,
                histories=histories,
            )
            for ticket in batch:
                preview.record(
                    reference=ticket.reference,
                    title=ticket.title,
                    url=ticket.get_absolute_url(),
                    before=evaluated[ticket.pk].outcome,
                    after=recomputed[ticket.pk].outcome,
                )
            continue
        changed = [
            ticket
            for ticket in batch
            if _apply_columns(
                ticket, sla_columns(ticket=ticket, outcome=evaluated[ticket.pk].outcome)
            )
        ]
        update_rows(changed, SLA_COLUMNS)
        outcomes_store(tenant=tenant, evaluations=evaluated.values(), now=now)
        ticket_sla_changed.send(
            sender=Ticket, tenant=tenant, evaluated=list(evaluated.values()), now=now, bulk=True
        )
        changed_total += len(changed)
    return preview.moving if preview is not None else changed_total


def sla_recompute_preview(*, tenant, plan=None) -> RecomputePreview:
    """What :func:`sla_recompute_open_tickets` would move (the SLA admin's preview),
    computed by the same evaluation without writing anything."""
    plans_to_recompute(tenant=tenant, plan=plan)
    preview = RecomputePreview()
    tickets_sla_recompute(tenant=tenant, plan=plan, preview=preview)
    return preview


@transaction.atomic
def sla_recompute_open_tickets(*, tenant, plan=None) -> int:
    """Move the open tickets of ``tenant`` (of ``plan``'s organizations if given) to the
    matrix in force and store their new due times; returns how many tickets changed.

    The SLA admin's "Recompute open tickets" calls this: the plans' side is
    :func:`sla.services.plans_terms_renew`, the tickets' side :func:`tickets_sla_recompute`.
    """
    plans_terms_renew(tenant=tenant, plan=plan)
    total = tickets_sla_recompute(tenant=tenant, plan=plan)
    logger.info("Recomputed SLA of %s open tickets of %s", total, tenant)
    return total
