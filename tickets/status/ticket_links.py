"""Tickets linked to incidents and maintenance windows.

Linking writes the ticket's timeline and hands an open ticket to the incident's owner
through the ticket services (escalation then follows the owner); a maintenance window's
pause applies to a linked ticket's clocks from then on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .. import events
from ..models import OPEN_STATUSES, Incident, Ticket, TicketIncident
from ..selectors.incidents import known_incidents
from ..services.after_change import ticket_changed
from ..services.tickets import assignee_apply, ticket_lock


def can_manage_incidents(actor) -> bool:
    """Engineers and managers declare and update incidents; customers never."""
    return actor is not None and actor.is_agent


def ticket_follow_owner(ticket: Ticket, incident: Incident, actor, now) -> None:
    """A linked open ticket is handed to the incident's owner (escalation then follows the
    owner, not fifty separate tickets)."""
    if incident.owner_id is None or ticket.status not in OPEN_STATUSES:
        return
    ticket = ticket_lock(ticket)
    if ticket.assignee_id == incident.owner_id:
        return
    event = assignee_apply(
        ticket=ticket,
        actor=actor,
        assignee=incident.owner,
        reason=_("Linked to the incident “%(title)s”") % {"title": incident.title},
        now=now,
    )
    ticket.save(update_fields=["assignee", "updated_at"])
    events.event_save(event)
    ticket_changed(ticket=ticket, now=now, sla=False, moved=True)


@transaction.atomic
def ticket_incident_link(
    *, ticket: Ticket, incident: Incident, actor: User | None, now: datetime | None = None
) -> TicketIncident | None:
    """Link a ticket to an incident or a maintenance window; None when it already is. The
    ticket's timeline says so, an open ticket goes to the incident's owner, and a
    maintenance window's pause applies to its clocks from now on."""
    if actor is not None and not can_manage_incidents(actor) and actor.pk != ticket.requester_id:
        raise PermissionDenied(_("Only engineers link tickets to incidents."))
    if ticket.tenant_id != incident.tenant_id:
        raise ValidationError(_("Choose an incident of this help desk."))
    now = now or timezone.now()
    ticket = ticket_lock(ticket)
    link, created = TicketIncident.objects.get_or_create(
        ticket=ticket,
        incident=incident,
        defaults={
            "tenant_id": ticket.tenant_id,
            "linked_by": actor,
            "linked_at": now,
        },
    )
    if not created:
        return None
    events.event_save(
        events.incident_event(ticket=ticket, actor=actor, incident=incident, linked=True, at=now)
    )
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    if incident.is_maintenance:
        ticket_changed(ticket=ticket, now=now)
    if not incident.is_ended:
        ticket_follow_owner(ticket, incident, actor, now)
    return link


def ticket_known_incidents_link(*, ticket: Ticket, actor: User | None, component) -> None:
    """A ticket opened about a component with a known incident is linked to it (the
    customer was shown it and wrote anyway), in the ticket's transaction."""
    for incident in known_incidents(
        tenant=ticket.tenant, component_id=component.pk, now=timezone.now()
    ):
        ticket_incident_link(ticket=ticket, incident=incident, actor=actor)


def tickets_incident_link(
    *, tenant, ticket_ids: Iterable[int], incident: Incident, actor: User
) -> int:
    """Link many tickets (the queue's bulk action), each in its own transaction so one
    ticket's failure does not undo the others; returns how many were newly linked."""
    if not can_manage_incidents(actor):
        raise PermissionDenied(_("Only engineers link tickets to incidents."))
    if incident.tenant_id != tenant.pk:
        raise ValidationError(_("Choose an incident of this help desk."))
    linked = 0
    tickets = Ticket.objects.for_tenant(tenant).filter(pk__in=list(ticket_ids)).order_by("pk")
    for ticket in tickets:
        if ticket_incident_link(ticket=ticket, incident=incident, actor=actor) is not None:
            linked += 1
    return linked


@transaction.atomic
def ticket_incident_unlink(*, ticket: Ticket, incident: Incident, actor: User, now=None) -> bool:
    if not can_manage_incidents(actor):
        raise PermissionDenied(_("Only engineers link tickets to incidents."))
    now = now or timezone.now()
    ticket = ticket_lock(ticket)
    deleted, _rows = TicketIncident.objects.filter(
        tenant_id=ticket.tenant_id, ticket=ticket, incident=incident
    ).delete()
    if not deleted:
        return False
    events.event_save(
        events.incident_event(ticket=ticket, actor=actor, incident=incident, linked=False, at=now)
    )
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    if incident.is_maintenance:
        ticket_changed(ticket=ticket, now=now)
    return True
