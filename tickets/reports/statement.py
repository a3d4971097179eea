"""An organization admin's monthly SLA statement: every target of the organization decided
in a month, with the promise and when it was met or breached, and compliance per priority.

The compliance figures are sums of the organization's rollups (dimension "organization"),
the same cells the managers' report reads for that organization, so the statement and the
report never disagree; the ticket lines are the outcome rows decided in the same local days
(:func:`tickets.reports.selectors.outcome_rows`), so they are exactly the targets counted.
Nothing internal is read: no engineer, no escalation level, no note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from helpdesk.db_router import replica_reads
from helpdesk.priorities import Priority
from sla.engine import METRICS
from sla.models import Metric
from sla.targets import TargetSpec, format_target

from ..models import RollupDimension, SlaRollup
from .formatting import bound, percent
from .periods import Period, month_period
from .selectors import BREACHED, MET, OUTCOME_LABELS, SUMMED, Figures, RowFilters, outcome_rows

# How many months the month picker offers, the current one included.
MONTHS_OFFERED = 12
# The first month a statement can be asked for (earlier years are a typing mistake).
FIRST_YEAR = 2000
ALL_PRIORITIES = _("All priorities")
_MONTH = re.compile(r"(\d{4})-(\d{2})")

# The outcome columns a statement shows: what the organization may read of its tickets.
LINE_COLUMNS = (
    "ticket__number", "ticket__title", "ticket__requester__full_name",
    "ticket__requester__email", "priority", "metric", "state", "target_clock",
    "target_amount", "target_unit", "due_at", "met_at", "breached_at", "business_seconds",
    "paused_seconds", "measured_on_earlier_terms",
)  # fmt: skip


class MonthError(ValueError):
    """A month that has no statement (its message is for people)."""


def local_today(tenant, now: datetime) -> date:
    return now.astimezone(ZoneInfo(tenant.time_zone or "UTC")).date()


def statement_month(value: str | None, *, today: date) -> date:
    """The first day of the month ``value`` names ("2026-02"); the current month when it
    is empty. Raises :class:`MonthError` for a malformed month or one not yet started."""
    current = today.replace(day=1)
    if not value:
        return current
    match = _MONTH.fullmatch(value.strip())
    if not match or not (1 <= int(match.group(2)) <= 12) or int(match.group(1)) < FIRST_YEAR:
        raise MonthError(
            _("Choose a month as year and month, for example %(example)s.")
            % {"example": current.strftime("%Y-%m")}
        )
    month = date(int(match.group(1)), int(match.group(2)), 1)
    if month > current:
        raise MonthError(_("That month has not started yet."))
    return month


def months_offered(*, today: date, count: int = MONTHS_OFFERED) -> list[date]:
    """The first days of the last ``count`` months, the current one first."""
    months = [today.replace(day=1)]
    while len(months) < count:
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return months


def previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


@dataclass
class PriorityFigures:
    """A priority with targets decided in the month, and its figures per metric."""

    priority: str
    label: str
    figures: dict[str, Figures]


@dataclass
class SummaryLine:
    """A line of a metric's summary: one priority, or all of them (``priority`` "")."""

    priority: str
    label: str
    figures: Figures

    @property
    def compliance(self) -> str:
        value = self.figures.compliance
        # Rounded here: the number format cuts decimals off (2 of 3 would read 66.6).
        return percent(None if value is None else round(value, 1))

    @property
    def median(self) -> str:
        """The median as the managers' report words it: "within 4 h"."""
        return bound(self.figures.median)


@dataclass
class MetricSummary:
    """The summary table of one metric: a line per priority with targets, then the total."""

    metric: str
    label: str
    lines: list[SummaryLine]
    total: SummaryLine


@dataclass(frozen=True)
class StatementLine:
    """One target of a ticket, as the organization reads it."""

    reference: str
    title: str
    requester: str
    priority: str
    metric: str
    met: bool
    promise: str
    due_at: datetime | None
    decided_at: datetime | None  # when it was met, or breached
    business_seconds: int | None
    paused_seconds: int
    earlier_terms: bool

    @property
    def priority_label(self) -> str:
        return _priority_label(self.priority)

    @property
    def metric_label(self) -> str:
        return Metric(self.metric).label if self.metric in Metric.values else self.metric

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[MET if self.met else BREACHED]


def statement_line(row: tuple, *, prefix: str) -> StatementLine:
    """A line from a tuple of :data:`LINE_COLUMNS`; ``prefix`` is the tenant's ticket
    prefix (references read "ACME-1042")."""
    (number, title, full_name, email, priority, metric, state, clock, amount, unit,
     due_at, met_at, breached_at, business_seconds, paused_seconds, earlier) = row  # fmt: skip
    met = state == MET
    return StatementLine(
        reference=f"{prefix}-{number}",
        title=title,
        requester=full_name or email,
        priority=priority,
        metric=metric,
        met=met,
        promise=format_target(TargetSpec(clock, amount, unit)),
        due_at=due_at,
        decided_at=met_at if met else breached_at,
        business_seconds=business_seconds,
        paused_seconds=paused_seconds or 0,
        earlier_terms=earlier,
    )


@dataclass
class Statement:
    organization: object
    period: Period
    now: datetime
    totals: dict[str, Figures]
    priorities: list[PriorityFigures]
    earlier_terms: int
    lines: list[StatementLine]

    @property
    def summaries(self) -> list[MetricSummary]:
        labels = dict(Metric.choices)
        return [
            MetricSummary(
                metric=metric,
                label=labels[metric],
                lines=[
                    SummaryLine(line.priority, line.label, line.figures[metric])
                    for line in self.priorities
                    if line.figures[metric].targets
                ],
                total=SummaryLine("", str(ALL_PRIORITIES), self.totals[metric]),
            )
            for metric in METRICS
        ]


def _priority_label(priority: str) -> str:
    return Priority(priority).label if priority in Priority.values else priority


def _priority_order(priority: str) -> tuple:
    values = list(Priority.values)
    return (values.index(priority) if priority in values else len(values), priority)


def organization_rollups(*, tenant, organization, period: Period) -> QuerySet[SlaRollup]:
    """The organization's rollup cells of the period's days, summed per priority and
    metric (the columns :meth:`Figures.add` reads)."""
    return (
        SlaRollup.objects.for_tenant(tenant)
        .filter(
            dimension=RollupDimension.ORGANIZATION,
            key=organization.pk,
            day__gte=period.first_day,
            day__lte=period.last_day,
        )
        .values("priority", "metric")
        .annotate(**{name: Sum(name) for name in SUMMED})
        .order_by()
    )


def organization_statement(*, tenant, organization, month: date, now: datetime) -> Statement:
    """The statement of ``organization`` for the month holding ``month``, as of ``now``
    (the current month runs up to today, in the tenant's time zone)."""
    period = month_period(month, today=local_today(tenant, now))
    by_priority: dict[str, dict[str, Figures]] = {}
    totals = {metric: Figures() for metric in METRICS}
    with replica_reads():
        cells = list(organization_rollups(tenant=tenant, organization=organization, period=period))
        rows = statement_lines(tenant=tenant, organization=organization, period=period)
        lines = [statement_line(row, prefix=tenant.ticket_prefix) for row in rows]
    for values in cells:
        if values["metric"] not in totals:
            continue
        figures = by_priority.setdefault(values["priority"], {m: Figures() for m in METRICS})
        figures[values["metric"]].add(values)
        totals[values["metric"]].add(values)
    priorities = [
        PriorityFigures(priority=p, label=_priority_label(p), figures=by_priority[p])
        for p in sorted(by_priority, key=_priority_order)
    ]
    return Statement(
        organization=organization,
        period=period,
        now=now,
        totals=totals,
        priorities=priorities,
        earlier_terms=sum(figures.earlier_terms for figures in totals.values()),
        lines=lines,
    )


def statement_lines(*, tenant, organization, period: Period) -> QuerySet:
    """The statement's ticket lines (tuples of :data:`LINE_COLUMNS`), oldest decision
    first. Build it inside :func:`helpdesk.db_router.replica_reads` to read the replica,
    wherever it is evaluated (the CSV streams it after the view returned)."""
    rows = outcome_rows(
        tenant=tenant, filters=RowFilters(period=period, organization=organization.pk)
    )
    return rows.values_list(*LINE_COLUMNS)
