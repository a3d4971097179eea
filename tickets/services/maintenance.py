"""Declared maintenance as the SLA engine sees it: the windows that concern a ticket (its
component is affected, or it is linked to the window), cut to when they were published and
when they really ended, and the recompute of the clocks a window holds."""

from collections import defaultdict

from django.db.models import Q

from sla.engine import MaintenanceWindow

from ..models import OPEN_STATUSES, Incident, IncidentKind, Ticket


def _span(starts_at, ends_at, ended_at, published_at) -> tuple | None:
    """[max(starts_at, published_at), min(ends_at, ended_at)], None when empty: a window
    announced after the fact never pauses time before it was published, and one completed
    or cancelled early (a cancelled window that never started is empty) stops pausing then."""
    if starts_at is None or ends_at is None or published_at is None:
        return None
    start = max(starts_at, published_at)
    end = ends_at if ended_at is None else min(ends_at, ended_at)
    return (start, end) if end > start else None


def maintenance_windows_for(*, tenant_id: int, tickets) -> dict[int, tuple]:
    """The maintenance windows of each ticket, keyed by ticket id; one query."""
    tickets = list(tickets)
    if not tickets:
        return {}
    ticket_ids = [t.pk for t in tickets]
    component_ids = {t.component_id for t in tickets if t.component_id is not None}
    # One query; the rows repeat an incident per affected component and linked ticket
    # (a window has few of each).
    rows = (
        Incident.objects.for_tenant(tenant_id)
        .filter(kind=IncidentKind.MAINTENANCE, published_at__isnull=False)
        .filter(
            Q(affected__component_id__in=component_ids) | Q(ticket_links__ticket_id__in=ticket_ids)
        )
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            "title",
            "starts_at",
            "ends_at",
            "ended_at",
            "published_at",
            "affected__component_id",
            "ticket_links__ticket_id",
        )
    )
    found = {}
    for pk, title, starts, ends, ended, published, component_id, linked_id in rows:
        entry = found.setdefault(pk, [(title, starts, ends, ended, published), set(), set()])
        entry[1].add(component_id)
        entry[2].add(linked_id)
    windows = defaultdict(list)
    for (title, starts, ends, ended, published), components, linked in found.values():
        span = _span(starts, ends, ended, published)
        if span is None:
            continue
        window = MaintenanceWindow(start=span[0], end=span[1], title=title)
        for ticket in tickets:
            if (ticket.component_id is not None and ticket.component_id in components) or (
                ticket.pk in linked
            ):
                windows[ticket.pk].append(window)
    return {pk: tuple(items) for pk, items in windows.items()}


def maintenance_clocks_refresh(*, incident_id: int) -> int:
    """Recompute the open tickets the maintenance window ``incident_id`` concerns, through
    the bulk recompute (which tells escalation); returns how many there are."""
    from .sla import tickets_sla_recompute

    incident = Incident.objects.filter(pk=incident_id).select_related("tenant").first()
    if incident is None:
        return 0
    tenant = incident.tenant
    components = incident.affected.values_list("component_id", flat=True)
    linked = incident.ticket_links.values_list("ticket_id", flat=True)
    ids = list(
        Ticket.objects.for_tenant(tenant)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(component_id__in=components) | Q(pk__in=linked))
        .values_list("pk", flat=True)
    )
    if ids:
        tickets_sla_recompute(tenant=tenant, ticket_ids=ids)
    return len(ids)
