"""Reads for SLA: calendars and plan books. Every query starts from the tenant."""

from __future__ import annotations

from collections import defaultdict

from django.http import Http404

from . import clock
from .engine import PlanBook, TargetRule
from .models import BusinessCalendar, Holiday, SlaTarget, SupportPlan, WeeklyInterval
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


def _book(plan: SupportPlan, targets, calendars, fallback_tz) -> PlanBook:
    business, name = calendars.get(plan.calendar_id, (None, ""))
    tz = business.tz if business is not None else fallback_tz
    always = clock.Calendar.twenty_four_seven(tz)
    rules = []
    for target in targets:
        spec = target.spec
        if not spec.is_target:
            continue
        if spec.clock == ALWAYS:
            rules.append(TargetRule(target.priority, target.metric, spec, always, "24/7"))
        elif business is not None:
            rules.append(TargetRule(target.priority, target.metric, spec, business, name))
        # A business-hours target without a calendar cannot be computed; the admin refuses to
        # save one, so this only happens if the calendar was detached afterwards.
    return PlanBook(plan_id=plan.pk, plan_name=plan.name, rules=tuple(rules), calendar=business)


def plan_book_for(*, tenant, plan) -> PlanBook | None:
    """The targets of ``plan`` (a SupportPlan, its id, or None) ready for the engine.

    None when there is no plan (every metric then has no target). At most four queries; a
    plan of another tenant is treated as no plan.
    """
    if plan is None:
        return None
    plan_id = plan if isinstance(plan, int) else plan.pk
    row = (
        SupportPlan.objects.for_tenant(tenant).select_related("calendar").filter(pk=plan_id).first()
    )
    if row is None:
        return None
    targets = list(SlaTarget.objects.for_tenant(tenant).filter(plan_id=row.pk))
    # The calendar also says when the plan's people are at work, 24/7 targets or not.
    rows = [row.calendar] if row.calendar is not None else []
    return _book(row, targets, _calendars(tenant=tenant, rows=rows), _tenant_tz(tenant))


def plan_books_for_tenant(*, tenant) -> dict[int, PlanBook]:
    """Every plan of the tenant as a book, keyed by plan id (for list pages and bulk
    recomputation): four queries whatever the number of plans."""
    plans = list(SupportPlan.objects.for_tenant(tenant).select_related("calendar"))
    targets = defaultdict(list)
    for target in SlaTarget.objects.for_tenant(tenant):
        targets[target.plan_id].append(target)
    rows = {p.calendar_id: p.calendar for p in plans if p.calendar_id is not None}
    calendars = _calendars(tenant=tenant, rows=rows.values())
    tz = _tenant_tz(tenant)
    return {plan.pk: _book(plan, targets[plan.pk], calendars, tz) for plan in plans}


def _tenant_tz(tenant) -> str:
    return getattr(tenant, "time_zone", None) or "UTC"


# --------------------------------------------------------------------------------------------
# Admin reads
# --------------------------------------------------------------------------------------------


def plan_for_admin(*, tenant, plan_id) -> SupportPlan:
    """One plan of ``tenant``; the same 404 for missing and another tenant's."""
    plan = (
        SupportPlan.objects.for_tenant(tenant).select_related("calendar").filter(pk=plan_id).first()
    )
    if plan is None:
        raise Http404("No such support plan.")
    return plan


def plan_matrix(*, tenant, plan: SupportPlan) -> dict[tuple[str, str], SlaTarget]:
    """The plan's stored cells keyed by (priority, metric)."""
    return {
        (t.priority, t.metric): t
        for t in SlaTarget.objects.for_tenant(tenant).filter(plan_id=plan.pk)
    }


def calendars_for_tenant(*, tenant):
    return BusinessCalendar.objects.for_tenant(tenant).order_by("name")
