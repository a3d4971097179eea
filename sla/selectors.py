"""Reads for SLA: calendars and plan books. Every query starts from the tenant."""

from __future__ import annotations

from collections import defaultdict

from helpdesk.tenant_data import tenant_data

from . import clock
from .engine import PlanBook, TargetRule
from .models import (
    BusinessCalendar,
    Holiday,
    SlaMatrixRevision,
    SlaTarget,
    SupportPlan,
    WeeklyInterval,
)
from .targets import ALWAYS


def _calendars(*, tenant, rows) -> dict[int, tuple[clock.Calendar, str]]:
    """Pure calendars (with their names) for BusinessCalendar rows: two queries."""
    rows = {row.pk: row for row in rows}
    if not rows:
        return {}
    spans = defaultdict(list)
    for calendar_id, weekday, start, end in (
        WeeklyInterval.objects.for_tenant(tenant)
        .filter(calendar_id__in=rows)
        .values_list("calendar_id", "weekday", "start", "end")
    ):
        spans[calendar_id].append((weekday, start, end))
    dates = defaultdict(set)
    for calendar_id, day in (
        Holiday.objects.for_tenant(tenant)
        .filter(calendar_id__in=rows)
        .values_list("calendar_id", "date")
    ):
        dates[calendar_id].add(day)
    return {
        pk: (calendar_from_rows(row, spans[pk], dates[pk]), row.name) for pk, row in rows.items()
    }


def calendar_from_rows(row: BusinessCalendar, intervals, holidays) -> clock.Calendar:
    """A pure calendar from a BusinessCalendar row, its (weekday, start, end) intervals and
    holiday dates."""
    if row.always_open:
        return clock.Calendar.twenty_four_seven(row.time_zone)
    weekly = [[] for _ in range(7)]
    for weekday, start, end in intervals:
        weekly[weekday].append(
            (clock.seconds_of_day(start), clock.seconds_of_day(end, is_end=True))
        )
    return clock.Calendar(
        tz=row.time_zone,
        weekly=tuple(tuple(sorted(spans)) for spans in weekly),
        holidays=frozenset(holidays),
        business_day_minutes=row.business_day_minutes,
    )


def _book(plan: SupportPlan, targets, calendars, fallback_tz, calendar_id=...) -> PlanBook:
    """The engine's book of ``plan`` with ``targets`` on the calendar ``calendar_id`` (the
    plan's own unless given: an earlier matrix may have run on another one)."""
    if calendar_id is ...:
        calendar_id = plan.calendar_id
    business, name = calendars.get(calendar_id, (None, ""))
    tz = business.tz if business is not None else fallback_tz
    always = clock.Calendar.twenty_four_seven(tz)
    rules = []
    for target in targets:
        spec = target.spec
        if not spec.is_target:
            continue
        # Snapshots of earlier matrices may predate the maintenance term: they never paused.
        pause = bool(getattr(target, "pause_during_maintenance", False))
        if spec.clock == ALWAYS:
            rules.append(TargetRule(target.priority, target.metric, spec, always, "24/7", pause))
        elif business is not None:
            rules.append(TargetRule(target.priority, target.metric, spec, business, name, pause))
        # A business-hours target without a calendar cannot be computed; the admin refuses to
        # save one, so this only happens if the calendar was detached afterwards.
    return PlanBook(plan_id=plan.pk, plan_name=plan.name, rules=tuple(rules), calendar=business)


def _has_earlier_terms(plan: SupportPlan) -> bool:
    """Whether some tickets of ``plan`` may still count on a matrix saved over since."""
    changed, recomputed = plan.matrix_changed_at, plan.tickets_recomputed_at
    return changed is not None and (recomputed is None or changed > recomputed)


def _terms_anchor(plan: SupportPlan, opened_at):
    """The instant whose matrix a ticket opened at ``opened_at`` counts on: its opening, or
    the plan's last recompute of open tickets if that came later."""
    recomputed = plan.tickets_recomputed_at
    return recomputed if recomputed is not None and recomputed > opened_at else opened_at


class PlanBooks(dict):
    """The books of a tenant's plans keyed by plan id (the matrix in force, which new
    tickets get), with the earlier matrices that tickets opened before a save still count
    on until an admin recomputes them.

    ``book_for(plan_id, opened_at)`` is the one answer to "which targets does this ticket
    run on": every evaluation (ticket page, queue badges, the escalation check, stored
    columns) goes through it, so they never disagree.
    """

    def __init__(self, books=(), *, plans=None, earlier=None):
        super().__init__(books)
        self.plans = plans or {}
        # plan id -> [(replaced_at, book)], oldest first
        self.earlier = earlier or {}

    def book_for(self, plan_id, opened_at) -> PlanBook | None:
        revisions = self.earlier.get(plan_id)
        if revisions:
            anchor = _terms_anchor(self.plans[plan_id], opened_at)
            for replaced_at, book in revisions:
                if replaced_at > anchor:
                    return book
        return self.get(plan_id)

    def as_recomputed(self) -> PlanBooks:
        """The same plans with every ticket on the matrix in force (what a recompute does)."""
        return PlanBooks(self, plans=self.plans)


def plan_book_for(*, tenant, plan, opened_at=None) -> PlanBook | None:
    """The targets of ``plan`` (a SupportPlan, its id, or None) ready for the engine: those
    in force, or with ``opened_at`` those a ticket opened then counts on.

    None when there is no plan (every metric then has no target); a plan of another tenant
    is treated as no plan. Read from the tenant's books (``plan_books_for_tenant``).
    """
    if plan is None:
        return None
    plan_id = plan if isinstance(plan, int) else plan.pk
    books = plan_books_for_tenant(tenant=tenant)
    if plan_id not in books:
        return None
    return books[plan_id] if opened_at is None else books.book_for(plan_id, opened_at)


def plan_books_for_tenant(*, tenant) -> PlanBooks:
    """Every plan of the tenant as a book, keyed by plan id: four queries whatever the
    number of plans (one more while some tickets still count on a matrix saved over since),
    then none while the tenant's SLA tables are unchanged (``helpdesk.tenant_data``; the
    books are shared, never mutate them)."""
    return tenant_data(tenant.pk, "plan-books", lambda: _plan_books_load(tenant))


def _plan_books_load(tenant) -> PlanBooks:
    plans = list(SupportPlan.objects.for_tenant(tenant).select_related("calendar"))
    targets = defaultdict(list)
    for target in SlaTarget.objects.for_tenant(tenant):
        targets[target.plan_id].append(target)
    calendar_rows = {p.calendar_id: p.calendar for p in plans if p.calendar_id is not None}
    pending = {p.pk: p for p in plans if _has_earlier_terms(p)}
    revisions = []
    if pending:
        # Revisions up to the last recompute are pruned by it; any left before it are moot.
        revisions = [
            revision
            for revision in SlaMatrixRevision.objects.for_tenant(tenant)
            .filter(plan_id__in=pending)
            .select_related("calendar")
            .order_by("plan_id", "replaced_at", "pk")
            if pending[revision.plan_id].tickets_recomputed_at is None
            or revision.replaced_at > pending[revision.plan_id].tickets_recomputed_at
        ]
        for revision in revisions:
            if revision.calendar_id is not None:
                calendar_rows.setdefault(revision.calendar_id, revision.calendar)
    calendars = _calendars(tenant=tenant, rows=calendar_rows.values())
    tz = _tenant_tz(tenant)
    earlier = defaultdict(list)
    for revision in revisions:
        plan = pending[revision.plan_id]
        book = _book(plan, revision.targets(), calendars, tz, revision.calendar_id)
        earlier[plan.pk].append((revision.replaced_at, book))
    return PlanBooks(
        {plan.pk: _book(plan, targets[plan.pk], calendars, tz) for plan in plans},
        plans={plan.pk: plan for plan in plans},
        earlier=dict(earlier),
    )


def _tenant_tz(tenant) -> str:
    return getattr(tenant, "time_zone", None) or "UTC"


# --------------------------------------------------------------------------------------------
# Admin reads
# --------------------------------------------------------------------------------------------


def plan_matrix(*, tenant, plan: SupportPlan) -> dict[tuple[str, str], SlaTarget]:
    """The plan's stored cells keyed by (priority, metric)."""
    return {
        (t.priority, t.metric): t
        for t in SlaTarget.objects.for_tenant(tenant).filter(plan_id=plan.pk)
    }


def calendars_for_tenant(*, tenant):
    return BusinessCalendar.objects.for_tenant(tenant).order_by("name")
