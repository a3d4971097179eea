"""SLA outcomes and their daily rollups, written from the evaluation that stores a ticket's
SLA columns (see :mod:`tickets.models.outcomes`).

Every write goes through :func:`_store`: it compares each ticket's outcome rows before and
after, and moves their counts between rollup cells in the same transaction, so the rollups
always equal a count over the outcome rows (:func:`rollups_rebuild` recounts them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from sla.engine import (
    BREACHED,
    FINAL_STATES,
    FIRST_RESPONSE,
    MET,
    NONE,
    PAUSED,
    RESOLUTION,
    measure,
    target_seconds,
)
from sla.measures import bucket_of

from ..models import (
    BUCKET_COLUMNS,
    RollupDimension,
    SlaOutcome,
    SlaRollup,
    Ticket,
)
from ..webhook_events import sla_breaches_emit

COUNT_COLUMNS = (
    "targets",
    "met",
    "measured",
    "business_seconds",
    "paused_seconds",
    "earlier_terms",
)
# Dimensions a decided outcome counts in, with the outcome's column holding its key.
DIMENSION_KEYS = (
    (RollupDimension.ALL, None),
    (RollupDimension.ORGANIZATION, "organization_id"),
    (RollupDimension.REQUEST_TYPE, "request_type_id"),
    (RollupDimension.ENGINEER, "assignee_id"),
    (RollupDimension.LEVEL, "escalation_level_id"),
)
# Columns that follow the ticket while the outcome stands (who and what it is about).
FOLLOWING = ("organization_id", "request_type_id", "assignee_id", "escalation_level_id")
# Columns fixed once the outcome is decided (the terms it was measured against).
TERMS = (
    "plan_id",
    "priority",
    "target_clock",
    "target_amount",
    "target_unit",
    "target_seconds",
)
WRITTEN = (
    "state",
    *TERMS,
    "measured_on_earlier_terms",
    *FOLLOWING,
    "opened_at",
    "due_at",
    "risk_at",
    "met_at",
    "breached_at",
    "decided_at",
    "stopped_at",
    "business_seconds",
    "paused_seconds",
    "updated_at",
)


def request_type_of(ticket: Ticket, known: SlaOutcome | None = None) -> int:
    """The top-level entry of the ticket's type: reports group by request type (reason).

    A type change always sets the ticket's type object, so when it is not loaded the type
    is the one the ticket's outcome row already names (``known``)."""
    if known is not None and not Ticket.ticket_type.is_cached(ticket):
        return known.request_type_id
    return ticket.ticket_type.parent_id or ticket.ticket_type_id


def _measured_row(evaluated, metric: str, now, known: SlaOutcome | None) -> SlaOutcome | None:
    """The outcome row of ``metric`` as the evaluation gives it (None: no target)."""
    ticket, book, facts = evaluated.ticket, evaluated.book, evaluated.facts
    status = evaluated.outcome[metric]
    if status.state == NONE or status.target is None:
        return None
    measures = measure(book, facts, now, metric)
    spec = status.target
    met_at = status.ended_at if status.state == MET else None
    breached_at = status.ended_at if status.state == BREACHED else None
    return SlaOutcome(
        tenant_id=ticket.tenant_id,
        ticket_id=ticket.pk,
        metric=metric,
        state=status.state,
        plan_id=book.plan_id,
        priority=ticket.priority,
        target_clock=spec.clock,
        target_amount=spec.amount,
        target_unit=spec.unit,
        target_seconds=target_seconds(book, ticket.priority, metric),
        organization_id=ticket.organization_id,
        request_type_id=request_type_of(ticket, known),
        assignee_id=ticket.assignee_id,
        escalation_level_id=ticket.escalation_level_id,
        opened_at=ticket.created_at,
        due_at=status.due_at,
        risk_at=measures.risk_at if status.state == "running" else None,
        met_at=met_at,
        breached_at=breached_at,
        decided_at=met_at or breached_at,
        stopped_at=measures.stopped_at,
        business_seconds=measures.business_seconds,
        # Time paused counts unless a pause is under way: a paused row would change at
        # every look, while a running one holds its past pauses, which the breach sweep
        # keeps when it records the breach.
        paused_seconds=measures.paused_seconds if status.state != PAUSED else 0,
        updated_at=now,
    )


def _merged(old: SlaOutcome | None, new: SlaOutcome | None) -> SlaOutcome | None:
    """``new``, keeping the terms of an outcome decided before (met or breached stays so,
    on the terms it was measured against)."""
    if new is None or old is None:
        return new
    if old.state in FINAL_STATES and new.state in FINAL_STATES:
        differs = any(getattr(old, name) != getattr(new, name) for name in TERMS)
        for name in TERMS:
            setattr(new, name, getattr(old, name))
        new.measured_on_earlier_terms = old.measured_on_earlier_terms or differs
        # The time it took was measured on those terms' clock too: a stopped clock keeps it.
        if old.business_seconds is not None:
            new.stopped_at = old.stopped_at
            new.business_seconds = old.business_seconds
            new.paused_seconds = old.paused_seconds
    return new


def _contributions(row: SlaOutcome | None, zone: ZoneInfo) -> list[tuple[tuple, dict]]:
    """The rollup cells a row counts in, with what it adds to each (none while undecided)."""
    if row is None or row.decided_at is None:
        return []
    base = (
        row.decided_at.astimezone(zone).date(),
        row.metric,
        row.plan_id or 0,
        row.priority,
    )
    values = {
        "targets": 1,
        "met": 1 if row.state == MET else 0,
        "measured": 0 if row.business_seconds is None else 1,
        "business_seconds": row.business_seconds or 0,
        "paused_seconds": row.paused_seconds or 0,
        "earlier_terms": 1 if row.measured_on_earlier_terms else 0,
    }
    if row.business_seconds is not None:
        values[BUCKET_COLUMNS[bucket_of(row.business_seconds)]] = 1
    cells = []
    for dimension, column in DIMENSION_KEYS:
        key = 0 if column is None else getattr(row, column) or 0
        cells.append(((str(dimension), *base, key), values))
    return cells


class RollupDelta:
    """Counts to move between rollup cells, summed before one batch of upserts."""

    def __init__(self):
        self.cells: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, row: SlaOutcome | None, zone: ZoneInfo, sign: int) -> None:
        for cell, values in _contributions(row, zone):
            for name, value in values.items():
                self.cells[cell][name] += sign * value

    def write(self, tenant_id: int) -> None:
        columns = COUNT_COLUMNS + BUCKET_COLUMNS
        rows = []
        # Sorted, so two transactions touching the same cells lock them in the same order.
        for cell in sorted(self.cells):
            values = self.cells[cell]
            if not any(values.values()):
                continue
            rows.append([tenant_id, *cell, *(values.get(name, 0) for name in columns)])
        if not rows:
            return
        quote = connection.ops.quote_name
        table = quote(SlaRollup._meta.db_table)
        keys = ("tenant_id", "dimension", "day", "metric", "plan_key", "priority", "key")
        names = ", ".join(quote(name) for name in keys + columns)
        marks = ", ".join(["%s"] * (len(keys) + len(columns)))
        sums = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in columns)
        sql = (
            f"INSERT INTO {table} ({names}) VALUES ({marks}) "  # noqa: S608
            f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {sums}"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _zone(tenant) -> ZoneInfo:
    return ZoneInfo(tenant.time_zone or "UTC")


@transaction.atomic(savepoint=False)
def outcomes_store(*, tenant, evaluations: Iterable, now, created: bool = False) -> None:
    """Store the outcomes of evaluated tickets (each an ``Evaluated`` of
    :mod:`tickets.services.sla`) and move their rollup counts.

    ``created``: the tickets were just opened and have no outcome rows yet.
    """
    evaluations = list(evaluations)
    if not evaluations:
        return
    ticket_ids = [e.ticket.pk for e in evaluations]
    existing = {}
    if not created:
        rows = (
            SlaOutcome.objects.for_tenant(tenant)
            .filter(ticket_id__in=ticket_ids)
            .order_by("pk")
            .select_for_update()
        )
        existing = {(row.ticket_id, row.metric): row for row in rows}
    zone = _zone(tenant)
    delta = RollupDelta()
    upserts, removed, breached = [], [], []
    other = {FIRST_RESPONSE: RESOLUTION, RESOLUTION: FIRST_RESPONSE}
    for evaluated in evaluations:
        for metric in evaluated.outcome:
            old = existing.get((evaluated.ticket.pk, metric))
            known = old or existing.get((evaluated.ticket.pk, other[metric]))
            new = _merged(old, _measured_row(evaluated, metric, now, known))
            if new is None:
                if old is not None:
                    removed.append(old.pk)
                    delta.add(old, zone, -1)
                continue
            if old is not None and all(
                getattr(old, name) == getattr(new, name) for name in WRITTEN if name != "updated_at"
            ):
                continue
            delta.add(old, zone, -1)
            delta.add(new, zone, +1)
            upserts.append(new)
            if new.state == BREACHED and (old is None or old.state != BREACHED):
                breached.append(new)
    if removed:
        SlaOutcome.objects.filter(pk__in=removed).delete()
    if upserts:
        SlaOutcome.objects.bulk_create(
            upserts,
            update_conflicts=True,
            unique_fields=["ticket", "metric"],
            update_fields=[name.removesuffix("_id") for name in WRITTEN],
        )
    delta.write(tenant.pk)
    # A breach found by this evaluation (a reply after the due time, before the every-minute
    # sweep got there) is announced as the sweep would have; the dedupe key makes it once.
    sla_breaches_emit(tenant=tenant, outcomes=breached)


@transaction.atomic(savepoint=False)
def outcomes_follow(*, tenant, tickets: Iterable[Ticket], now) -> None:
    """Move the outcomes of ``tickets`` to their current assignee and escalation level (a
    change that cannot move the SLA: an assignment, an escalation)."""
    tickets = {ticket.pk: ticket for ticket in tickets}
    if not tickets:
        return
    rows = list(
        SlaOutcome.objects.for_tenant(tenant)
        .filter(ticket_id__in=list(tickets))
        .order_by("pk")
        .select_for_update()
    )
    zone = _zone(tenant)
    delta = RollupDelta()
    changed = []
    for row in rows:
        ticket = tickets[row.ticket_id]
        if (row.assignee_id, row.escalation_level_id) == (
            ticket.assignee_id,
            ticket.escalation_level_id,
        ):
            continue
        delta.add(row, zone, -1)
        row.assignee_id = ticket.assignee_id
        row.escalation_level_id = ticket.escalation_level_id
        row.updated_at = now
        delta.add(row, zone, +1)
        changed.append(row)
    if changed:
        SlaOutcome.objects.bulk_update(
            changed, ["assignee", "escalation_level", "updated_at"], batch_size=500
        )
    delta.write(tenant.pk)


@transaction.atomic(savepoint=False)
def outcomes_forget(*, tenant, ticket_ids: Iterable[int]) -> None:
    """Remove the outcomes of tickets whose history is being rewritten (the demo moves a
    fresh history into the past), with their counts: the next evaluation measures anew."""
    rows = list(
        SlaOutcome.objects.for_tenant(tenant)
        .filter(ticket_id__in=list(ticket_ids))
        .order_by("pk")
        .select_for_update()
    )
    if not rows:
        return
    zone = _zone(tenant)
    delta = RollupDelta()
    for row in rows:
        delta.add(row, zone, -1)
    SlaOutcome.objects.filter(pk__in=[row.pk for row in rows]).delete()
    delta.write(tenant.pk)


BREACH_BATCH = 2000


def outcomes_breach_due(*, now, limit: int = BREACH_BATCH) -> int:
    """Mark running targets whose due time has passed as breached (at their due time),
    count them in their day's rollups and announce them to webhooks; returns how many.
    Idempotent: the rows it takes are locked and no longer running once it commits, so a
    second run finds none of them (and each announcement is keyed on its outcome)."""
    total = 0
    with transaction.atomic():
        rows = list(
            SlaOutcome.objects.filter(state="running", due_at__lt=now)
            .select_related("tenant")
            .order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))[:limit]
        )
        by_tenant = defaultdict(list)
        for row in rows:
            by_tenant[row.tenant_id].append(row)
        for tenant_rows in by_tenant.values():
            zone = _zone(tenant_rows[0].tenant)
            delta = RollupDelta()
            for row in tenant_rows:
                row.state = BREACHED
                row.breached_at = row.decided_at = row.due_at
                row.risk_at = None
                row.updated_at = now
                delta.add(row, zone, +1)
            SlaOutcome.objects.bulk_update(
                tenant_rows,
                ["state", "breached_at", "decided_at", "risk_at", "updated_at"],
                batch_size=500,
            )
            delta.write(tenant_rows[0].tenant_id)
            sla_breaches_emit(tenant=tenant_rows[0].tenant, outcomes=tenant_rows)
        total = len(rows)
    return total


@transaction.atomic
def rollups_rebuild(*, tenant) -> int:
    """Recount every rollup of ``tenant`` from its outcome rows; returns the cells written."""
    SlaRollup.objects.for_tenant(tenant).delete()
    zone = _zone(tenant)
    delta = RollupDelta()
    rows = SlaOutcome.objects.for_tenant(tenant).filter(decided_at__isnull=False)
    for row in rows.iterator(chunk_size=5000):
        delta.add(row, zone, +1)
    delta.write(tenant.pk)
    return len(delta.cells)
