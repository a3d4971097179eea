"""Reads about the incidents and maintenance windows tickets are about or linked to."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from helpdesk.tenant_data import tenant_data

from ..models import (
    ENDED_STATUSES,
    Component,
    Incident,
    IncidentComponent,
    IncidentKind,
    IncidentUpdate,
    Ticket,
    TicketIncident,
)

# A maintenance window is worth telling a customer about from a day before it starts.
MAINTENANCE_NOTICE = timedelta(hours=24)


def _latest_updates() -> Prefetch:
    return Prefetch(
        "updates",
        queryset=IncidentUpdate.objects.order_by("-created_at", "-pk"),
        to_attr="updates_newest_first",
    )


def _public_incidents(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """Incidents customers may see: those touching a public component, or none at all (the
    status page's rule)."""
    any_component = IncidentComponent.objects.filter(incident=OuterRef("pk"))
    public_component = any_component.filter(component__is_public=True)
    return incidents.filter(Exists(public_component) | ~Exists(any_component))


def components_for_ticket_form(*, tenant, staff: bool) -> list[Component]:
    """The components a person may say a ticket is about: active ones, public ones only for
    customers; kept in memory while unchanged (``helpdesk.tenant_data``): shared rows,
    never mutate them."""
    components = tenant_data(tenant.pk, "ticket-components", lambda: _components_load(tenant))
    return components if staff else [c for c in components if c.is_public]


def _components_load(tenant) -> list[Component]:
    return list(
        Component.objects.for_tenant(tenant)
        .filter(is_active=True)
        .order_by("position", "name", "pk")
    )


def component_by_slug(*, tenant, slug: str, staff: bool) -> Component | None:
    slug = (slug or "").strip()[:120]
    if not slug:
        return None
    return next(
        (c for c in components_for_ticket_form(tenant=tenant, staff=staff) if c.slug == slug),
        None,
    )


def known_incidents(*, tenant, component_id: int | None, now) -> list[Incident]:
    """Published incidents going on on the component, and its maintenance windows running or
    starting within a day, newest update first: what a person opening a ticket about it
    should know first, and what such a ticket is linked to."""
    if component_id is None:
        return []
    incidents = (
        Incident.objects.for_tenant(tenant)
        .filter(
            published_at__isnull=False,
            ended_at__isnull=True,
            affected__component_id=component_id,
        )
        .exclude(status__in=ENDED_STATUSES)
        .filter(
            Q(kind=IncidentKind.INCIDENT)
            | Q(kind=IncidentKind.MAINTENANCE, starts_at__lte=now + MAINTENANCE_NOTICE)
        )
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .distinct()
        .order_by("kind", "-created_at", "-pk")
    )
    return list(incidents.prefetch_related(_latest_updates()))


def ticket_incidents(*, ticket: Ticket, staff: bool) -> list[Incident]:
    """The incidents and maintenance windows the ticket is linked to, each with its updates
    newest first (``updates_newest_first``); customers see the ones the status page shows
    them. Two queries whatever the number."""
    incidents = Incident.objects.for_tenant(ticket.tenant_id).filter(ticket_links__ticket=ticket)
    if not staff:
        incidents = _public_incidents(incidents.filter(published_at__isnull=False))
    return list(incidents.order_by("-created_at", "-pk").prefetch_related(_latest_updates()))


def staff_ticket_incidents(
    *, ticket: Ticket, ever_linked: bool = True
) -> tuple[list[Incident], list[Incident]]:
    """For staff: the incidents and maintenance windows the ticket is linked to (newest
    first), and those it may be linked to (``incidents_linkable``, in their order, less the
    linked ones). One query of the ticket's links, the open incidents being kept per
    process (``incidents_to_link``); a second only for links to incidents that have ended.

    ``ever_linked`` False: the ticket's staff timeline holds no incident event, so it was
    never linked (every link and unlink writes one) and its links are not read."""
    tenant_id = ticket.tenant_id
    linked_ids = set()
    if ever_linked:
        linked_ids = set(
            TicketIncident.objects.for_tenant(tenant_id)
            .filter(ticket_id=ticket.pk)
            .values_list("incident_id", flat=True)
        )
    open_incidents = incidents_to_link(tenant=tenant_id)
    linked = [incident for incident in open_incidents if incident.pk in linked_ids]
    ended = linked_ids - {incident.pk for incident in linked}
    if ended:
        linked += Incident.objects.for_tenant(tenant_id).filter(pk__in=ended)
    linked.sort(key=lambda incident: (incident.created_at, incident.pk), reverse=True)
    return linked, [incident for incident in open_incidents if incident.pk not in linked_ids]


def incidents_linkable(*, tenant) -> QuerySet[Incident]:
    """What staff may link tickets to: open incidents and maintenance windows not ended."""
    return (
        Incident.objects.for_tenant(tenant)
        .filter(ended_at__isnull=True)
        .exclude(status__in=ENDED_STATUSES)
        .order_by("kind", "-created_at", "-pk")
    )


def incidents_to_link(*, tenant) -> tuple[Incident, ...]:
    """``incidents_linkable``, kept per process while the tenant's incidents are unchanged
    (an incident's save forgets them): shared rows, never mutate them."""
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    return tenant_data(
        tenant_id, "linkable-incidents", lambda: tuple(incidents_linkable(tenant=tenant_id))
    )


def incident_for_linking(*, tenant, pk) -> Incident:
    """One of the tenant's incidents, by id; 404 for another tenant's or a missing one."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such incident.") from None
    incident = Incident.objects.for_tenant(tenant).filter(pk=pk).first()
    if incident is None:
        raise Http404("No such incident.")
    return incident
