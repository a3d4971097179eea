"""What the staff's incident pages read. Every query starts from the tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from ..models import (
    Component,
    Incident,
    IncidentComponent,
    IncidentKind,
    IncidentUpdate,
    Ticket,
    TicketIncident,
)
from .services import can_manage_incidents

# How long an ended incident stays on the list.
RECENT_DAYS = 14


def incident_for_staff(*, tenant, actor, pk) -> Incident:
    """The tenant's incident for its engineers and managers; the same 404 for a missing
    incident, another tenant's and anyone else."""
    if not can_manage_incidents(actor) or actor.tenant_id != tenant.pk:
        raise Http404("Not found.")
    incident = (
        Incident.objects.for_tenant(tenant)
        .select_related("owner", "created_by")
        .filter(pk=pk)
        .first()
    )
    if incident is None:
        raise Http404("Not found.")
    return incident


def _affected_prefetch() -> Prefetch:
    return Prefetch(
        "affected",
        queryset=IncidentComponent.objects.select_related("component").order_by(
            "component__position", "component__name"
        ),
    )


@dataclass
class IncidentsOverview:
    ongoing: list
    running_maintenance: list
    upcoming_maintenance: list
    ended: list


def incidents_overview(*, tenant, now: datetime) -> IncidentsOverview:
    """Ongoing incidents, running and upcoming maintenance, and those ended in the last
    two weeks: two queries whatever their number."""
    incidents = list(
        Incident.objects.for_tenant(tenant)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=now - timedelta(days=RECENT_DAYS)))
        .select_related("owner")
        .annotate(linked_count=Count("ticket_links"))
        .prefetch_related(_affected_prefetch())
        .order_by("-created_at", "-pk")
    )
    overview = IncidentsOverview([], [], [], [])
    for incident in incidents:
        if incident.is_ended:
            overview.ended.append(incident)
        elif incident.kind == IncidentKind.INCIDENT:
            overview.ongoing.append(incident)
        elif (
            incident.starts_at is not None
            and incident.starts_at > now
            and (incident.status == "scheduled")
        ):
            overview.upcoming_maintenance.append(incident)
        else:
            overview.running_maintenance.append(incident)
    overview.upcoming_maintenance.sort(key=lambda i: i.starts_at)
    overview.ended.sort(key=lambda i: i.ended_at, reverse=True)
    return overview


def incident_updates(*, incident: Incident) -> QuerySet[IncidentUpdate]:
    return (
        IncidentUpdate.objects.for_tenant(incident.tenant_id)
        .filter(incident=incident)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )


def incident_affected(*, incident: Incident) -> list[IncidentComponent]:
    return list(
        IncidentComponent.objects.for_tenant(incident.tenant_id)
        .filter(incident=incident)
        .select_related("component")
        .order_by("component__position", "component__name")
    )


def incident_links(*, incident: Incident) -> list[TicketIncident]:
    return list(
        TicketIncident.objects.for_tenant(incident.tenant_id)
        .filter(incident=incident)
        .select_related("ticket__tenant", "ticket__organization")
        .order_by("ticket__number")
    )


def tenant_components(*, tenant) -> QuerySet[Component]:
    return Component.objects.for_tenant(tenant).filter(is_active=True).order_by("position", "name")


def tickets_by_number(*, tenant, numbers) -> dict[int, Ticket]:
    """The tenant's tickets with these numbers (another tenant's number finds nothing)."""
    return {
        ticket.number: ticket
        for ticket in Ticket.objects.for_tenant(tenant).filter(number__in=list(numbers))
    }
