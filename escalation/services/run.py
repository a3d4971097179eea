"""Firing escalation rules: the every-minute check and the on-call page.

Idempotent by construction: tickets are locked with ``select_for_update(skip_locked)``
and re-checked under the lock, a rule fires at most once per ticket and SLA cycle (a
unique constraint on the event), and the event, its timeline entry, its emails and the
ticket's next check are written in one transaction: a crash loses nothing and repeats
nothing, and two workers share the due tickets instead of doubling them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from helpdesk.links import tenant_base_url
from helpdesk.priorities import Priority
from sla.selectors import plan_books_for_tenant
from tickets.models import Ticket
from tickets.services import TicketBatch
from tickets.services.sla import Evaluated, evaluate_many
from tickets.webhook_events import ticket_escalated_emit

from .. import matrix
from ..models import EscalationEvent, EscalationLevel
from ..models import EventKind as EscalationKind
from ..selectors import (
    MatrixContext,
    due_tickets,
    fired_keys,
    matrix_for,
    on_call_now,
)
from .digest import DigestBatch, open_incidents_of
from .notify import (
    Audience,
    EmailBatch,
    add_on_call,
    level_audience,
    on_call_audience,
    send_escalation,
)
from .reasons import in_tenant_language, lazy_reason, rule_reason

logger = logging.getLogger(__name__)


def escalations_run_due(*, now: datetime | None = None, batch_size: int = 100) -> int:
    """Process every ticket with a rule due at ``now``; returns how many rules fired.

    Batches of ``batch_size`` tickets, each locked and processed in its own transaction.
    Tickets another worker holds are passed over (it is processing them), so workers
    running the check together share the due tickets; the loop ends when nothing due is
    left that this check has not handled.
    """
    now = now or timezone.now()
    fired_total = 0
    runs: dict = {}  # each tenant's rules, plans and recipients, loaded once per check
    handled: set[int] = set()
    while True:
        due = due_tickets(now=now)
        # A plain read first: the idle check, every minute, is this one indexed query.
        if not due.values_list("pk", flat=True)[:1]:
            return fired_total
        with transaction.atomic():
            tickets = _locked(due[:batch_size])
            if not tickets:
                return fired_total  # everything due is held by other workers
            if handled.intersection(ticket.pk for ticket in tickets):
                # A processed ticket leaves the due range; one still in it would loop.
                logger.error("Escalation check: tickets still due after processing")
                return fired_total
            fired_total += _process(tickets, now=now, runs=runs)
        handled.update(ticket.pk for ticket in tickets)


def escalation_process(
    *, ticket_ids, now: datetime | None = None, runs: dict | None = None
) -> tuple[int, int]:
    """Fire the due rules of these tickets (those not held by another worker and still
    due); returns (tickets handled, rules fired). ``runs`` keeps each tenant's matrix
    between the batches of one check."""
    now = now or timezone.now()
    with transaction.atomic():
        tickets = _locked(
            Ticket.objects.filter(pk__in=list(ticket_ids), escalation_check_at__lte=now).order_by(
                "pk"
            )
        )
        fired = _process(tickets, now=now, runs={} if runs is None else runs)
    return len(tickets), fired


def _locked(tickets) -> list[Ticket]:
    """The tickets of this query that no other transaction holds, locked until commit."""
    return list(
        tickets.select_for_update(skip_locked=True, of=("self",)).select_related(
            "tenant",
            "organization",
            "requester",
            "assignee",
            "ticket_type__parent",
            "escalation_level",
        )
    )


def _process(tickets: list[Ticket], *, now: datetime, runs: dict) -> int:
    by_tenant = defaultdict(list)
    for ticket in tickets:
        by_tenant[ticket.tenant_id].append(ticket)
    fired = 0
    for tenant_id, batch in by_tenant.items():
        run = runs.get(tenant_id)
        if run is None or run.now != now:
            run = runs[tenant_id] = _Run(batch[0].tenant, now)
        fired += _process_tenant(run, batch)
    return fired


class _Run:
    """What one tenant's batch shares: rules, plans, levels, recipients, the portal URL."""

    def __init__(self, tenant, now):
        self.tenant = tenant
        self.now = now
        self.context = MatrixContext(tenant)
        self.books = plan_books_for_tenant(tenant=tenant)
        self.levels = {level.pk: level for level in EscalationLevel.objects.for_tenant(tenant)}
        self.recipients_cache: dict = {}
        self.base_url = tenant_base_url(tenant=tenant)
        self._on_call = None
        self._matrix = None

    def on_call(self):
        if self._on_call is None:
            self._matrix = matrix_for(tenant=self.tenant)
            self._on_call = on_call_now(tenant=self.tenant, at=self.now)
        return self._on_call

    @property
    def fallback(self) -> str:
        self.on_call()
        return self._matrix.on_call_fallback_emails if self._matrix else ""


class _Writes:
    """What a batch writes, gathered as its rules fire and written in a few statements:
    the escalation events, their emails, and the tickets' changes (through the tickets
    app's batch)."""

    def __init__(self, run: _Run, incidents: dict):
        self.events: list[EscalationEvent] = []
        self.tickets = TicketBatch(now=run.now)
        self.outbox = EmailBatch()
        # Tickets linked to an open incident: one digest per incident and level.
        self.incidents = incidents
        self.digests = DigestBatch(tenant=run.tenant, base_url=run.base_url, now=run.now)

    def flush(self) -> None:
        EscalationEvent.objects.bulk_create(self.events)
        self.outbox.queue()
        self.digests.queue()
        # Raised priorities go through the tickets' after-change point: new targets.
        self.tickets.save()


def _process_tenant(run: _Run, tickets: list[Ticket]) -> int:
    evaluated = evaluate_many(tenant=run.tenant, tickets=tickets, books=run.books, now=run.now)
    fired = fired_keys(tenant=run.tenant, tickets=tickets)
    writes = _Writes(run, open_incidents_of(tenant=run.tenant, tickets=tickets))
    count = 0
    for ticket in tickets:
        count += _process_ticket(run, evaluated[ticket.pk], fired[ticket.pk], writes)
    writes.flush()
    return count


def _process_ticket(run: _Run, item: Evaluated, fired: set[str], writes: _Writes) -> int:
    ticket, now = item.ticket, run.now
    planned = run.context.plan(item, fired, now)
    due = matrix.due(planned, now)
    for entry in due:
        _fire(run, item, entry, writes)
        fired.add(entry.rule.key)
    remaining = [p for p in planned if p not in due]
    writes.tickets.escalation_check_set(ticket, matrix.next_check(remaining))
    if due:
        writes.tickets.touch(ticket)
    return len(due)


def _fire(run: _Run, item: Evaluated, entry: matrix.Planned, writes: _Writes) -> None:
    """One rule firing on one ticket: the event, the actions, the emails (gathered in
    ``writes``; the ticket's own columns are set on it)."""
    ticket, rule, now = item.ticket, entry.rule, run.now
    status = item.outcome.get(rule.metric)
    level = run.levels.get(rule.level_id) if rule.level_id else None
    # Stored in the help desk's language; each email says it in its recipient's.
    reason = in_tenant_language(run.tenant, rule_reason, rule)
    emailed = {"reason": lazy_reason(rule)}
    audience = level_audience(tenant=run.tenant, level=level, cache=run.recipients_cache)
    incident = writes.incidents.get(ticket.pk) if level is not None else None
    level_people = dict(audience.people)
    if (
        level is not None
        and ticket.priority == Priority.P1
        and matrix.is_after_hours(item.book, now)
    ):
        add_on_call(audience, tenant=run.tenant, on_call=run.on_call(), fallback=run.fallback)
    warning = None
    if rule.notify_assignee:
        assignee = ticket.assignee if ticket.assignee_id else None
        # Nobody assigned (or a deactivated assignee): the team's support address.
        warning = on_call_audience(
            tenant=run.tenant,
            on_call=[assignee] if assignee is not None and assignee.is_active else [],
            fallback="",
        )
    event = rule_event(
        ticket=ticket,
        rule=rule,
        level=level,
        reason=reason,
        status=status,
        planned_at=entry.at,
        recipients=audience.addresses + (warning.addresses if warning else []),
        created_at=now,
    )
    writes.events.append(event)
    if level is not None:
        writes.tickets.escalation_level_set(
            ticket, level, reason=reason, by="rule", hand_over=rule.reassign
        )
        # A rule fires once per ticket and SLA cycle: so is its announcement.
        ticket_escalated_emit(
            ticket=ticket,
            level=level,
            reason=reason,
            by="rule",
            dedupe_key=f"ticket.escalated:{ticket.pk}:{ticket.escalation_cycle}:{rule.key}",
        )
        if incident is None:
            send_escalation(
                ticket=ticket,
                event=event,
                audience=audience,
                sla=status,
                base_url=run.base_url,
                extra=emailed,
                outbox=writes.outbox,
            )
        else:
            level_only = Audience()
            level_only.people = level_people
            writes.digests.add(
                incident=incident, level=level, audience=level_only, ticket=ticket, sla=status
            )
            # The on-call engineers paged for a P1 outside business hours still get the
            # ticket's own email: a page is about one ticket.
            paged = Audience()
            paged.people = {k: v for k, v in audience.people.items() if k not in level_people}
            if paged.people:
                send_escalation(
                    ticket=ticket,
                    event=event,
                    audience=paged,
                    sla=status,
                    base_url=run.base_url,
                    extra=emailed,
                    outbox=writes.outbox,
                )
    if warning is not None:
        send_escalation(
            ticket=ticket,
            event=event,
            audience=warning,
            sla=status,
            base_url=run.base_url,
            template="escalation/email/warning",
            extra=emailed,
            outbox=writes.outbox,
        )
    if rule.raise_priority_to:
        writes.tickets.priority_raise(ticket, rule.raise_priority_to, reason=reason)


def rule_event(
    *, ticket, rule, level, reason, status, planned_at, recipients, created_at
) -> EscalationEvent:
    """The (unsaved) record of ``rule`` firing for ``ticket`` in its current SLA cycle."""
    return EscalationEvent(
        tenant_id=ticket.tenant_id,
        ticket=ticket,
        cycle=ticket.escalation_cycle,
        key=rule.key,
        kind=EscalationKind.RULE,
        rule_id=rule.pk,
        level=level,
        level_name=level.name if level else "",
        reason=reason,
        metric=rule.metric,
        due_at=status.due_at if status else None,
        planned_at=planned_at,
        recipients=recipients,
        created_at=created_at,
    )
