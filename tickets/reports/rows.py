"""The ticket-level rows behind the SLA reports' numbers: the outcome rows decided in a
period's local days (drill-down, CSV exports, organizations' statements)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from helpdesk.db_router import reports_database

from ..models import SlaOutcome
from .periods import Period

MET, BREACHED = "met", "breached"


@dataclass(frozen=True)
class RowFilters:
    """Which ticket-level rows: those a report number counts."""

    period: Period
    plan: int | None = None
    priority: str = ""
    metric: str = ""
    outcome: str = ""  # "", "met", "breached"
    organization: int | None = None
    request_type: int | None = None
    engineer: int | None = None  # 0 = unassigned
    level: int | None = None  # 0 = not escalated


ROW_COLUMNS = (
    "pk", "metric", "state", "priority", "target_clock", "target_amount", "target_unit",
    "measured_on_earlier_terms", "opened_at", "due_at", "met_at", "breached_at", "decided_at",
    "stopped_at", "business_seconds", "paused_seconds",
    "ticket__number", "ticket__title", "ticket__status",
    "organization__name", "plan__name", "request_type__name",
    "assignee__full_name", "assignee__email", "escalation_level__name",
)  # fmt: skip


def outcome_rows(*, tenant, filters: RowFilters) -> QuerySet[SlaOutcome]:
    """The outcomes decided in the period that match ``filters``, oldest decision first.

    The same local days as the rollups, so the rows of a report number are exactly the
    tickets it counts. Called inside :func:`helpdesk.db_router.replica_reads`, the rows
    are read from the replica, wherever the query is evaluated (a streamed export).
    """
    zone = ZoneInfo(tenant.time_zone or "UTC")
    start, end = filters.period.bounds(zone)
    rows = SlaOutcome.objects.for_tenant(tenant).filter(decided_at__gte=start, decided_at__lt=end)
    if filters.plan is not None:
        rows = rows.filter(plan_id=filters.plan) if filters.plan else rows.filter(plan=None)
    if filters.priority:
        rows = rows.filter(priority=filters.priority)
    if filters.metric:
        rows = rows.filter(metric=filters.metric)
    if filters.outcome == MET:
        rows = rows.filter(state=MET)
    elif filters.outcome == BREACHED:
        rows = rows.exclude(state=MET)
    if filters.organization is not None:
        rows = rows.filter(organization_id=filters.organization)
    if filters.request_type is not None:
        rows = rows.filter(request_type_id=filters.request_type)
    if filters.engineer is not None:
        rows = rows.filter(assignee_id=filters.engineer or None)
    if filters.level is not None:
        rows = rows.filter(escalation_level_id=filters.level or None)
    return rows.using(reports_database()).order_by("decided_at", "pk")
