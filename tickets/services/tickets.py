"""Changing tickets' status, priority, assignee and type, and closing resolved ones."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from helpdesk.languages import language_of

from .. import events
from ..models import Status, Ticket, TicketEvent, TicketType
from ..permissions import can_assign_to_others, can_change_priority, can_transition
from .after_change import ticket_changed


def ticket_lock(ticket: Ticket) -> Ticket:
    """``ticket`` read again and locked until the transaction ends: every service that
    changes a ticket decides on this copy, so concurrent changes queue up."""
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("tenant", "organization", "requester", "assignee", "ticket_type")
        .get(pk=ticket.pk)
    )


def _apply_status(ticket: Ticket, to_status: str, now) -> None:
    if to_status == Status.RESOLVED:
        ticket.resolved_at = now
    elif to_status == Status.CLOSED:
        ticket.closed_at = now
        ticket.resolved_at = ticket.resolved_at or now
    elif ticket.status in (Status.RESOLVED, Status.CLOSED):
        ticket.resolved_at = None
        # A reopened ticket is a new SLA cycle: the escalation rules may fire again.
        ticket.escalation_cycle += 1
    ticket.status = to_status
    ticket.updated_at = now


def status_change_apply(
    *, ticket: Ticket, actor: User | None, to_status: str, reason: str = "", now
) -> TicketEvent | None:
    """Move a locked ticket to ``to_status`` and record it; None when the status is already
    ``to_status``. The caller runs :func:`ticket_changed` (a reply that also moves the
    ticket on refreshes its SLA once). ``actor`` None is the help desk itself."""
    if ticket.status == to_status:
        return None
    if actor is not None and not can_transition(actor, ticket, to_status, now):
        raise PermissionDenied(
            _("A ticket that is %(status)s cannot be moved to %(new_status)s.")
            % {"status": ticket.get_status_display(), "new_status": Status(to_status).label}
        )
    old_status = ticket.status
    _apply_status(ticket, to_status, now)
    ticket.save(
        update_fields=["status", "resolved_at", "closed_at", "updated_at", "escalation_cycle"]
    )
    return events.event_save(
        events.status_changed_event(
            ticket=ticket, actor=actor, old=old_status, new=to_status, reason=reason, at=now
        )
    )


@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    actor: User | None,
    to_status: str,
    reason: str = "",
    base_url: str = "",
    now=None,
) -> Ticket:
    """Move a ticket to ``to_status`` through the allowed-transitions map.

    A no-op when the status does not change; otherwise one STATUS event with the old and
    new status, the actor and the reason. ``actor`` None is the help desk itself (closing
    a ticket whose reopen window passed): no permission applies and nobody is emailed.
    """
    ticket = ticket_lock(ticket)
    if ticket.status == to_status:
        return ticket
    now = now or timezone.now()
    event = status_change_apply(
        ticket=ticket, actor=actor, to_status=to_status, reason=reason, now=now
    )
    ticket_changed(ticket=ticket, now=now, base_url=base_url, status_event=event)
    return ticket


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor: User, assignee: User | None, base_url: str) -> Ticket:
    """Engineers take tickets themselves; managers assign to anyone on the tenant's staff."""
    if not actor.is_agent:
        raise PermissionDenied(_("Only engineers assign tickets."))
    ticket = ticket_lock(ticket)
    if assignee is not None:
        if assignee.tenant_id != ticket.tenant_id or not assignee.is_agent:
            raise ValidationError(_("Choose an engineer of this help desk."))
        if not assignee.is_active:
            raise ValidationError(_("%(name)s is deactivated.") % {"name": assignee})
    if assignee != actor and not can_assign_to_others(actor):
        raise PermissionDenied(_("Only managers assign tickets to someone else."))
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    now = timezone.now()
    event = assignee_apply(ticket=ticket, actor=actor, assignee=assignee, now=now)
    ticket.save(update_fields=["assignee", "updated_at"])
    events.event_save(event)
    status_event = None
    if assignee is not None and ticket.status == Status.NEW:
        status_event = status_change_apply(
            ticket=ticket, actor=actor, to_status=Status.IN_PROGRESS, now=now
        )
    # Only a status change moves the SLA.
    ticket_changed(
        ticket=ticket,
        now=now,
        base_url=base_url,
        sla=status_event is not None,
        moved=True,
        status_event=status_event,
    )
    return ticket


def assignee_apply(
    *, ticket: Ticket, actor: User | None, assignee: User | None, reason: str = "", now
) -> TicketEvent | None:
    """Set the assignee of a locked ticket (the row is not saved); the unsaved ASSIGNED
    event, or None when it is already ``assignee``."""
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return None
    previous = ticket.assignee if ticket.assignee_id else None
    ticket.assignee = assignee
    ticket.updated_at = now
    return events.assigned_event(
        ticket=ticket, actor=actor, previous=previous, assignee=assignee, reason=reason, at=now
    )


@transaction.atomic
def ticket_unassign(*, ticket: Ticket, actor: User | None = None, reason: str, now=None) -> Ticket:
    """Take the ticket off its assignee's desk so others pick it up, saying why (handing it
    over to an escalation level). The caller decides who may; ``actor`` None is the help
    desk itself."""
    if actor is not None and (not actor.is_agent or actor.tenant_id != ticket.tenant_id):
        raise PermissionDenied(_("Only engineers hand tickets over."))
    ticket = ticket_lock(ticket)
    now = now or timezone.now()
    event = assignee_apply(ticket=ticket, actor=actor, assignee=None, reason=reason, now=now)
    if event is None:
        return ticket
    ticket.save(update_fields=["assignee", "updated_at"])
    events.event_save(event)
    ticket_changed(ticket=ticket, now=now, sla=False, moved=True)
    return ticket


def priority_is_higher(current: str, proposed: str) -> bool:
    """P1 is the highest; an empty proposal is never higher."""
    return bool(proposed) and proposed < current


def priority_apply(
    *,
    ticket: Ticket,
    actor: User | None,
    priority: str,
    reason: str,
    raise_only: bool = False,
    now,
) -> TicketEvent | None:
    """Set the priority of a locked ticket (the row is not saved); the unsaved PRIORITY
    event, or None when nothing changes (``raise_only``: also when ``priority`` is not
    higher than the ticket's)."""
    if ticket.priority == priority or (
        raise_only and not priority_is_higher(ticket.priority, priority)
    ):
        return None
    old = ticket.priority
    ticket.priority = priority
    ticket.updated_at = now
    return events.priority_changed_event(
        ticket=ticket, actor=actor, old=old, new=priority, reason=reason, at=now
    )


@transaction.atomic
def ticket_priority_change(
    *,
    ticket: Ticket,
    actor: User | None,
    priority: str,
    reason: str,
    raise_only: bool = False,
    now=None,
) -> Ticket:
    """Change the priority, saying why; the SLA targets follow it. ``raise_only``: only
    ever raise it (an escalation rule). ``actor`` None is the help desk itself."""
    if actor is not None and not can_change_priority(actor):
        raise PermissionDenied(_("Only engineers change the priority of a ticket."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the priority changes."))
    ticket = ticket_lock(ticket)
    now = now or timezone.now()
    event = priority_apply(
        ticket=ticket,
        actor=actor,
        priority=priority,
        reason=reason,
        raise_only=raise_only,
        now=now,
    )
    if event is None:
        return ticket
    ticket.save(update_fields=["priority", "updated_at"])
    events.event_save(event)
    ticket_changed(ticket=ticket, now=now)
    return ticket


def resolved_tickets_due_for_closing(*, now, limit: int = 500) -> list[int]:
    """Ids of tickets resolved longer ago than the reopen window (oldest first)."""
    deadline = now - timedelta(days=settings.TICKET_REOPEN_DAYS)
    return list(
        Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lt=deadline)
        .order_by("resolved_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def ticket_close_expired(*, ticket_id: int, now=None) -> bool:
    """Close a ticket whose reopen window has passed; a no-op for any other ticket.

    The help desk itself is the actor (no person), recorded as such on the timeline.
    """
    now = now or timezone.now()
    ticket = (
        Ticket.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=ticket_id, status=Status.RESOLVED)
        .first()
    )
    if ticket is None or ticket.resolved_at is None:
        return False
    if ticket.resolved_at >= now - timedelta(days=settings.TICKET_REOPEN_DAYS):
        return False
    # Written once on the timeline, in the help desk's own language.
    with language_of(None, ticket.tenant):
        reason = ngettext(
            "Closed automatically %(days)d day after resolution.",
            "Closed automatically %(days)d days after resolution.",
            settings.TICKET_REOPEN_DAYS,
        ) % {"days": settings.TICKET_REOPEN_DAYS}
    ticket_transition(ticket=ticket, actor=None, to_status=Status.CLOSED, reason=reason, now=now)
    return True


@transaction.atomic
def ticket_change_type(*, ticket: Ticket, actor: User, ticket_type: TicketType) -> Ticket:
    """Re-file a ticket under another entry of the catalogue (staff); the priority stays."""
    if not actor.is_agent:
        raise PermissionDenied(_("Only engineers change the type of a ticket."))
    if ticket_type.tenant_id != ticket.tenant_id or not ticket_type.is_active:
        raise ValidationError(_("Choose a type from this help desk's catalogue."))
    ticket = ticket_lock(ticket)
    if ticket.ticket_type_id == ticket_type.pk:
        return ticket
    now = timezone.now()
    old = ticket.ticket_type.full_name
    ticket.ticket_type = ticket_type
    ticket.updated_at = now
    ticket.save(update_fields=["ticket_type", "updated_at"])
    events.event_save(
        events.type_changed_event(
            ticket=ticket, actor=actor, old=old, new=ticket_type.full_name, at=now
        )
    )
    # Escalation levels can be narrowed by type: the plan follows the new one.
    ticket_changed(ticket=ticket, now=now)
    return ticket
