"""Reading the status page: components with their 90-day history, incidents and maintenance
as visitors (or the tenant's staff) may see them.

Visitors see public components only, and the incidents that touch at least one public
component or none at all; an incident whose components are all private is the staff's
business. Days are the tenant's local days (a day of a clock change lasts 23 or 25 hours).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from helpdesk.zones import readable_zone

from ..models import (
    COMPONENT_SEVERITY,
    DOWNTIME_WEIGHT,
    ENDED_STATUSES,
    Component,
    ComponentStatus,
    ComponentStatusSpan,
    Incident,
    IncidentComponent,
    IncidentKind,
    IncidentUpdate,
)

UPTIME_DAYS = 90
PAST_DAYS = 14
HISTORY_PAGE_SIZE = 25


def viewer_is_staff(user, tenant) -> bool:
    """The tenant's engineers, managers and admins see private components too."""
    return bool(
        user is not None
        and user.is_authenticated
        and tenant is not None
        and user.tenant_id == tenant.pk
        and user.is_agent
    )


def tenant_zone(tenant):
    return readable_zone(tenant.time_zone or "UTC")


@dataclass
class Day:
    day: date
    # The worst state the component stood in that day; None before its history starts.
    status: str | None
    uptime: float | None  # percent, None without data

    @property
    def status_label(self) -> str:
        return ComponentStatus(self.status).label if self.status else ""


@dataclass
class ComponentRow:
    component: Component
    days: list[Day] = field(default_factory=list)
    uptime: float | None = None  # percent over the days with data


def components_visible(tenant, *, staff: bool):
    components = Component.objects.for_tenant(tenant).filter(is_active=True)
    if not staff:
        components = components.filter(is_public=True)
    return components.order_by("position", "name", "pk")


def _day_bounds(day: date, zone) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


def uptime_rows(
    tenant, components: list[Component], *, now: datetime, days: int = UPTIME_DAYS
) -> list[ComponentRow]:
    """Each component's last ``days`` local days: the worst state of each day and its
    uptime, from the history spans (one query). A span counts as down time by its state's
    ``DOWNTIME_WEIGHT``; a day's time before the component's history began is no data, and
    today counts up to ``now``."""
    zone = tenant_zone(tenant)
    today = timezone.localtime(now, zone).date()
    first = today - timedelta(days=days - 1)
    window_start = _day_bounds(first, zone)[0]
    by_component: dict[int, list] = {c.pk: [] for c in components}
    spans = (
        ComponentStatusSpan.objects.for_tenant(tenant)
        .filter(component_id__in=list(by_component), started_at__lt=now)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=window_start))
        .order_by("started_at", "pk")
        .values_list("component_id", "status", "started_at", "ended_at")
    )
    for component_id, status, started_at, ended_at in spans:
        by_component[component_id].append((status, started_at, ended_at or now))
    rows = []
    for component in components:
        row = ComponentRow(component=component)
        total = down = 0.0
        component_spans = by_component[component.pk]
        for offset in range(days):
            day = first + timedelta(days=offset)
            start, end = _day_bounds(day, zone)
            end = min(end, now)
            covered = day_down = 0.0
            worst = None
            for status, span_start, span_end in component_spans:
                overlap = (min(end, span_end) - max(start, span_start)).total_seconds()
                if overlap <= 0:
                    continue
                covered += overlap
                day_down += overlap * DOWNTIME_WEIGHT.get(status, 0.0)
                if worst is None or COMPONENT_SEVERITY[status] > COMPONENT_SEVERITY[worst]:
                    worst = status
            uptime = None
            if covered > 0:
                uptime = 100.0 * (1 - day_down / covered)
                total += covered
                down += day_down
            row.days.append(Day(day=day, status=worst, uptime=uptime))
        row.uptime = 100.0 * (1 - down / total) if total else None
        rows.append(row)
    return rows


def overall_status(components) -> str:
    """The worst state of the components shown (operational when there are none)."""
    worst = ComponentStatus.OPERATIONAL
    for component in components:
        if COMPONENT_SEVERITY[component.status] > COMPONENT_SEVERITY[worst]:
            worst = component.status
    return worst


def incidents_visible(tenant, *, staff: bool):
    """Published incidents and maintenance the viewer may see, with their updates and
    the visible components they affect (two prefetch queries)."""
    incidents = Incident.objects.for_tenant(tenant).filter(published_at__isnull=False)
    affected = IncidentComponent.objects.select_related("component").order_by(
        "component__position", "component__name"
    )
    if not staff:
        any_component = IncidentComponent.objects.filter(incident=OuterRef("pk"))
        public_component = any_component.filter(component__is_public=True)
        incidents = incidents.filter(Exists(public_component) | ~Exists(any_component))
        affected = affected.filter(component__is_public=True)
    return incidents.prefetch_related(
        Prefetch("updates", queryset=IncidentUpdate.objects.order_by("-created_at", "-pk")),
        Prefetch("affected", queryset=affected),
    )


@dataclass
class StatusPage:
    tenant: object
    staff: bool
    now: datetime
    components: list[ComponentRow]
    overall: str
    ongoing: list[Incident]
    maintenance: list[Incident]
    past: list[Incident]


def status_page_read(tenant, *, staff: bool, now: datetime | None = None) -> StatusPage:
    now = now or timezone.now()
    components = list(components_visible(tenant, staff=staff))
    since = now - timedelta(days=PAST_DAYS)
    incidents = list(
        incidents_visible(tenant, staff=staff)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=since))
        .order_by("-published_at", "-pk")
    )
    ongoing = [
        i for i in incidents if i.kind == IncidentKind.INCIDENT and i.status not in ENDED_STATUSES
    ]
    maintenance = sorted(
        (
            i
            for i in incidents
            if i.kind == IncidentKind.MAINTENANCE and i.status not in ENDED_STATUSES
        ),
        key=lambda i: (i.starts_at or i.published_at, i.pk),
    )
    past = [i for i in incidents if i.status in ENDED_STATUSES]
    return StatusPage(
        tenant=tenant,
        staff=staff,
        now=now,
        components=uptime_rows(tenant, components, now=now),
        overall=overall_status(components),
        ongoing=ongoing,
        maintenance=maintenance,
        past=past,
    )


def incident_history(tenant, *, staff: bool, page: int):
    """Ended incidents and maintenance, newest first, a page at a time; returns the page's
    incidents and whether there is a next page."""
    start = (page - 1) * HISTORY_PAGE_SIZE
    rows = list(
        incidents_visible(tenant, staff=staff)
        .filter(ended_at__isnull=False)
        .order_by("-published_at", "-pk")[start : start + HISTORY_PAGE_SIZE + 1]
    )
    return rows[:HISTORY_PAGE_SIZE], len(rows) > HISTORY_PAGE_SIZE


def incident_for_viewer(tenant, pk: int, *, staff: bool) -> Incident:
    """The one access function for an incident page: the same 404 for a missing incident,
    another tenant's, a draft and, for visitors, one on private components only."""
    incident = incidents_visible(tenant, staff=staff).filter(pk=pk).first()
    if incident is None:
        raise Http404("No such incident.")
    return incident


def feed_incidents(tenant, *, staff: bool, limit: int = 50) -> list[Incident]:
    return list(incidents_visible(tenant, staff=staff).order_by("-published_at", "-pk")[:limit])


def components_for_subscription(tenant, *, staff: bool) -> list[Component]:
    return list(components_visible(tenant, staff=staff))
