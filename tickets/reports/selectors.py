"""The numbers of the SLA reports, read from the daily rollups and the outcome rows.

A period's report sums the rollup cells of its local days (a year of one tenant is a few
thousand rows per dimension), so its cost does not grow with the number of tickets; the
ticket-level rows behind any number come from the outcome rows decided in the same local
days, so a drill-down always lists exactly the tickets a number counts. Reads go to the
read replica when one is configured (:mod:`helpdesk.db_router`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organization, User
from helpdesk.db_router import replica_reads
from helpdesk.priorities import Priority
from sla.engine import METRICS
from sla.measures import BUCKETS, bucket_bound, percentile_bucket
from sla.models import SupportPlan

from ..models import (
    BUCKET_COLUMNS,
    OPEN_STATUSES,
    EventKind,
    RollupDimension,
    SlaOutcome,
    SlaRollup,
    Ticket,
    TicketEvent,
    TicketType,
)
from .periods import Period
from .rows import ROW_COLUMNS, RowFilters, outcome_rows

__all__ = ["ROW_COLUMNS", "RowFilters", "outcome_rows"]

PLAN, PRIORITY, METRIC = "plan", "priority", "metric"
ORGANIZATION, REQUEST_TYPE, ENGINEER, LEVEL = "organization", "type", "engineer", "level"
GROUP_LABELS = {
    PLAN: _("Support plan"),
    PRIORITY: _("Priority"),
    METRIC: _("Metric"),
    ORGANIZATION: _("Organization"),
    REQUEST_TYPE: _("Request type"),
    ENGINEER: _("Engineer"),
    LEVEL: _("Escalation level"),
}
# group → (rollup dimension, rollup column holding the group's key)
_GROUP_SOURCE = {
    PLAN: (RollupDimension.ALL, "plan_key"),
    PRIORITY: (RollupDimension.ALL, "priority"),
    METRIC: (RollupDimension.ALL, "metric"),
    ORGANIZATION: (RollupDimension.ORGANIZATION, "key"),
    REQUEST_TYPE: (RollupDimension.REQUEST_TYPE, "key"),
    ENGINEER: (RollupDimension.ENGINEER, "key"),
    LEVEL: (RollupDimension.LEVEL, "key"),
}
# group → the ticket column an escalation event is counted under
_ESCALATION_KEY = {
    PLAN: Coalesce("ticket__organization__plan_id", 0),
    PRIORITY: F("ticket__priority"),
    ORGANIZATION: F("ticket__organization_id"),
    REQUEST_TYPE: Coalesce("ticket__ticket_type__parent_id", "ticket__ticket_type_id"),
    ENGINEER: Coalesce("ticket__assignee_id", 0),
    LEVEL: Coalesce("ticket__escalation_level_id", 0),
}
MET, BREACHED = "met", "breached"
OUTCOME_LABELS = {MET: _("Met"), BREACHED: _("Breached")}
# Backlog age buckets: (label, lower bound in days, upper bound in days or None)
BACKLOG_AGES = (
    (_("Under 1 day"), 0, 1),
    (_("1–3 days"), 1, 3),
    (_("3–7 days"), 3, 7),
    (_("1–2 weeks"), 7, 14),
    (_("2–4 weeks"), 14, 28),
    (_("Over 4 weeks"), 28, None),
)
NONE_LABELS = {
    PLAN: pgettext_lazy("report row", "No plan"),
    ENGINEER: pgettext_lazy("report row", "Unassigned"),
    LEVEL: pgettext_lazy("report row", "Not escalated"),
}


@dataclass(frozen=True)
class ReportFilters:
    period: Period
    plan: int | None = None
    priority: str = ""
    metric: str = ""  # "" both
    group: str = PLAN

    @property
    def metrics(self) -> tuple[str, ...]:
        return (self.metric,) if self.metric else METRICS


@dataclass
class Figures:
    """Counts of targets decided in a period, and their measured times."""

    targets: int = 0
    met: int = 0
    measured: int = 0
    business_seconds: int = 0
    paused_seconds: int = 0
    earlier_terms: int = 0
    buckets: list[int] = field(default_factory=lambda: [0] * BUCKETS)

    def add(self, values: dict) -> None:
        for name in ("targets", "met", "measured", "business_seconds", "paused_seconds"):
            setattr(self, name, getattr(self, name) + (values.get(name) or 0))
        self.earlier_terms += values.get("earlier_terms") or 0
        for index, column in enumerate(BUCKET_COLUMNS):
            self.buckets[index] += values.get(column) or 0

    @property
    def breached(self) -> int:
        return self.targets - self.met

    @property
    def compliance(self) -> float | None:
        """Met targets as a percentage of decided ones (None when none were decided)."""
        return None if not self.targets else 100.0 * self.met / self.targets

    def percentile(self, fraction: float) -> tuple[int | None, bool]:
        """(upper bound in seconds, open-ended) of the bucket of the ``fraction`` percentile
        of measured times; (None, False) when nothing was measured."""
        index = percentile_bucket(self.buckets, fraction)
        if index is None:
            return None, False
        bound = bucket_bound(index)
        if bound is None:
            return bucket_bound(index - 1), True
        return bound, False

    @property
    def median(self) -> tuple[int | None, bool]:
        return self.percentile(0.5)

    @property
    def p90(self) -> tuple[int | None, bool]:
        return self.percentile(0.9)

    @property
    def mean_paused_seconds(self) -> int | None:
        return None if not self.targets else self.paused_seconds // self.targets


@dataclass
class ReportRow:
    key: object
    label: str
    figures: dict[str, Figures]
    escalations: int = 0

    def __post_init__(self):
        for metric in METRICS:
            self.figures.setdefault(metric, Figures())


@dataclass
class WeekPoint:
    monday: date
    figures: dict[str, Figures]


@dataclass
class SlaReport:
    filters: ReportFilters
    now: datetime
    zone: ZoneInfo
    totals: dict[str, Figures]
    rows: list[ReportRow]
    weeks: list[WeekPoint]
    breaches_by_priority: list[ReportRow]
    backlog: list[tuple[str, int, int, int | None]]  # (label, count, from days, to days)
    escalations: int
    # Plans whose matrix changed inside the period: targets counted on earlier terms.
    earlier_terms: int

    @property
    def first_response_distribution(self) -> list[tuple[int | None, int]]:
        """(bucket upper bound in seconds, None for the last; count) of first responses."""
        figures = self.totals.get("first_response") or Figures()
        return [(bucket_bound(i), count) for i, count in enumerate(figures.buckets)]


def _rollups(*, tenant, filters: ReportFilters, dimension) -> QuerySet[SlaRollup]:
    period = filters.period
    rows = SlaRollup.objects.for_tenant(tenant).filter(
        dimension=dimension, day__gte=period.first_day, day__lte=period.last_day
    )
    if filters.plan is not None:
        rows = rows.filter(plan_key=filters.plan)
    if filters.priority:
        rows = rows.filter(priority=filters.priority)
    if filters.metric:
        rows = rows.filter(metric=filters.metric)
    return rows


SUMMED = (
    "targets",
    "met",
    "measured",
    "business_seconds",
    "paused_seconds",
    "earlier_terms",
    *BUCKET_COLUMNS,
)


def _sums():
    return {name: Sum(name) for name in SUMMED}


def _grouped(rows: QuerySet, *keys: str) -> list[dict]:
    return list(rows.values(*keys).annotate(**_sums()).order_by())


def _labels(*, tenant, group: str, keys) -> dict:
    """Readable names of a group's keys, in the active language."""
    keys = [key for key in keys if key]
    if group == PLAN:
        names = dict(SupportPlan.objects.for_tenant(tenant).values_list("pk", "name"))
    elif group == PRIORITY:
        return {key: Priority(key).label for key in keys if key in Priority.values}
    elif group == METRIC:
        return {m: label for m, label in SlaOutcome._meta.get_field("metric").choices}
    elif group == ORGANIZATION:
        names = dict(
            Organization.objects.for_tenant(tenant).filter(pk__in=keys).values_list("pk", "name")
        )
    elif group == REQUEST_TYPE:
        names = dict(
            TicketType.objects.for_tenant(tenant).filter(pk__in=keys).values_list("pk", "name")
        )
    elif group == ENGINEER:
        names = {
            user.pk: user.get_full_name() or user.email
            for user in User.objects.filter(tenant=tenant, pk__in=keys).only(
                "pk", "full_name", "email"
            )
        }
    else:
        level_model = SlaOutcome._meta.get_field("escalation_level").related_model
        names = dict(
            level_model.objects.for_tenant(tenant).filter(pk__in=keys).values_list("pk", "name")
        )
    return names


def _escalations(*, tenant, filters: ReportFilters, zone, group: str | None) -> dict:
    """Escalations fired in the period, per key of ``group`` (or in total under None)."""
    start, end = filters.period.bounds(zone)
    events = TicketEvent.objects.for_tenant(tenant).filter(
        kind=EventKind.ESCALATED, created_at__gte=start, created_at__lt=end
    )
    if filters.plan is not None:
        events = events.filter(ticket__organization__plan_id=filters.plan)
    if filters.priority:
        events = events.filter(ticket__priority=filters.priority)
    if group is None or group == METRIC:
        return {None: events.count()}
    rows = events.annotate(group_key=_ESCALATION_KEY[group]).values("group_key")
    return {row["group_key"]: row["n"] for row in rows.annotate(n=Count("pk")).order_by()}


def _backlog(*, tenant, filters: ReportFilters, now) -> list:
    tickets = Ticket.objects.for_tenant(tenant).filter(status__in=OPEN_STATUSES)
    if filters.plan is not None:
        tickets = tickets.filter(organization__plan_id=filters.plan)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    counts = {}
    for index, (_label, low, high) in enumerate(BACKLOG_AGES):
        condition = Q(created_at__lte=now - timedelta(days=low))
        if high is not None:
            condition &= Q(created_at__gt=now - timedelta(days=high))
        counts[f"age{index}"] = Count("created_at", filter=condition)
    # Counts over the open tickets' partial index ``ticket_open_age``, index only.
    result = tickets.aggregate(**counts)
    return [
        (label, result[f"age{index}"] or 0, low, high)
        for index, (label, low, high) in enumerate(BACKLOG_AGES)
    ]


def sla_report(*, tenant, filters: ReportFilters, now: datetime) -> SlaReport:
    """The SLA report of ``filters``: totals, one row per key of the chosen group, the
    weekly compliance, breaches per priority, the first-response distribution and the
    backlog's age; a constant number of queries whatever the period."""
    zone = ZoneInfo(tenant.time_zone or "UTC")
    group = filters.group if filters.group in _GROUP_SOURCE else PLAN
    with replica_reads():
        everything = _rollups(tenant=tenant, filters=filters, dimension=RollupDimension.ALL)
        # One row per week, metric and priority: the totals, the priorities and the weekly
        # compliance all add these up; a year is a few hundred rows whatever the tickets.
        by_week = list(
            everything.annotate(week=TruncWeek("day"))
            .values("week", "metric", "priority")
            .annotate(**_sums())
            .order_by()
        )
        dimension, column = _GROUP_SOURCE[group]
        if dimension == RollupDimension.ALL:
            rows_by_key = _grouped(everything, column, "metric")
        else:
            rows_by_key = _grouped(
                _rollups(tenant=tenant, filters=filters, dimension=dimension), column, "metric"
            )
        escalations = _escalations(tenant=tenant, filters=filters, zone=zone, group=group)
        backlog = _backlog(tenant=tenant, filters=filters, now=now)

        totals = {metric: Figures() for metric in filters.metrics}
        weeks = {
            monday: {m: Figures() for m in filters.metrics} for monday in filters.period.weeks()
        }
        priorities: dict[str, dict[str, Figures]] = defaultdict(dict)
        grouped: dict[object, dict[str, Figures]] = defaultdict(dict)
        for values in by_week:
            metric, week = values["metric"], values["week"]
            totals[metric].add(values)
            priorities[values["priority"]].setdefault(metric, Figures()).add(values)
            monday = week.date() if isinstance(week, datetime) else week
            weeks[monday][metric].add(values)
        for values in rows_by_key:
            if not values["targets"]:
                continue  # a cell emptied by a later change (a ticket handed to someone else)
            grouped[values[column]].setdefault(values["metric"], Figures()).add(values)
        labels = _labels(tenant=tenant, group=group, keys=list(grouped))

    rows = [
        ReportRow(
            key=key,
            label=labels.get(key) or NONE_LABELS.get(group, "—"),
            figures=figures,
            escalations=escalations.get(key, 0),
        )
        for key, figures in grouped.items()
    ]
    if group in (PRIORITY, METRIC):
        rows.sort(key=lambda row: str(row.key))
    else:
        rows.sort(key=lambda row: (not row.key, str(row.label).lower()))
    by_priority = [
        ReportRow(key=p, label=Priority(p).label, figures=dict(priorities.get(p, {})))
        for p in Priority.values
    ]
    return SlaReport(
        filters=filters,
        now=now,
        zone=zone,
        totals=totals,
        rows=rows,
        weeks=[WeekPoint(monday, figures) for monday, figures in sorted(weeks.items())],
        breaches_by_priority=by_priority,
        backlog=backlog,
        escalations=sum(escalations.values()) if group != METRIC else escalations[None],
        earlier_terms=sum(f.earlier_terms for f in totals.values()),
    )
