"""Creating tickets and changing their status, priority and assignee."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from helpdesk.markdown import (
    RENDERER_VERSION,
    markdown_check_length,
    render_markdown,
    text_max_length,
)

from ..models import (
    EventKind,
    Status,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketType,
)
from ..permissions import can_assign_to_others, can_change_priority, can_transition
from .attachments import attachments_claim
from .notifications import notify_status_changed, notify_ticket_created
from .sla import ticket_sla_refresh


def event_add(*, ticket: Ticket, actor, kind: str, data: dict, at, internal=False) -> TicketEvent:
    return TicketEvent.objects.create(
        tenant_id=ticket.tenant_id,
        ticket=ticket,
        actor=actor,
        kind=kind,
        data=data,
        is_internal=internal,
        created_at=at,
    )


def ticket_number_next(*, tenant) -> int:
    """The next number of ``tenant``: sequential, never reused, safe under concurrency.

    The UPDATE takes a row lock held until the calling transaction ends, so concurrent
    creators queue up behind it instead of reading the same value.
    """
    TicketCounter.objects.get_or_create(tenant=tenant)
    TicketCounter.objects.filter(tenant=tenant).update(last_number=F("last_number") + 1)
    return TicketCounter.objects.values_list("last_number", flat=True).get(tenant=tenant)


def _lock(ticket: Ticket) -> Ticket:
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("tenant", "organization", "requester", "assignee", "ticket_type")
        .get(pk=ticket.pk)
    )
    return locked


@transaction.atomic
def ticket_create(
    *,
    actor: User,
    tenant,
    title: str,
    text: str,
    ticket_type: TicketType,
    priority: str,
    affected_service: str,
    steps: str = "",
    attachment_ids=(),
    base_url: str,
) -> Ticket:
    if actor.tenant_id != tenant.pk or not actor.is_customer or actor.organization_id is None:
        raise PermissionDenied("Only customers of an organization open tickets here.")
    if ticket_type.tenant_id != tenant.pk or not ticket_type.is_active:
        raise ValidationError("Choose a request type from the list.")
    markdown_check_length(fields={"text": text, "steps": steps}, limit=text_max_length())
    now = timezone.now()
    ticket = Ticket.objects.create(
        tenant=tenant,
        number=ticket_number_next(tenant=tenant),
        organization_id=actor.organization_id,
        requester=actor,
        ticket_type=ticket_type,
        title=title.strip(),
        text=text,
        affected_service=affected_service.strip(),
        steps=steps,
        text_html=render_markdown(text),
        steps_html=render_markdown(steps),
        markdown_version=RENDERER_VERSION,
        priority=priority,
        status=Status.NEW,
        created_at=now,
        updated_at=now,
        last_customer_reply_at=now,
    )
    ticket.tenant = tenant
    files = attachments_claim(actor=actor, tenant=tenant, ticket=ticket, public_ids=attachment_ids)
    event_add(
        ticket=ticket,
        actor=actor,
        kind=EventKind.CREATED,
        data={
            "priority": priority,
            "type": ticket_type.full_name,
            "files": [f.original_name for f in files],
        },
        at=now,
    )
    ticket_sla_refresh(ticket=ticket, now=now)
    notify_ticket_created(ticket=ticket, base_url=base_url)
    return ticket


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


@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    actor: User,
    to_status: str,
    reason: str = "",
    base_url: str,
    notify: bool = True,
) -> Ticket:
    """Move a ticket to ``to_status`` through the allowed-transitions map.

    A no-op when the status does not change; otherwise one STATUS event with the old and
    new status, the actor and the reason.
    """
    ticket = _lock(ticket)
    if ticket.status == to_status:
        return ticket
    now = timezone.now()
    if not can_transition(actor, ticket, to_status, now):
        raise PermissionDenied(
            f"A ticket that is {ticket.get_status_display()} cannot be moved to "
            f"{Status(to_status).label}."
        )
    old_status = ticket.status
    old_label = ticket.get_status_display()
    _apply_status(ticket, to_status, now)
    ticket.save(
        update_fields=["status", "resolved_at", "closed_at", "updated_at", "escalation_cycle"]
    )
    event = event_add(
        ticket=ticket,
        actor=actor,
        kind=EventKind.STATUS,
        data={"from": old_status, "to": to_status, "reason": reason},
        at=now,
    )
    ticket_sla_refresh(ticket=ticket, now=now)
    if notify and actor.is_agent:
        notify_status_changed(
            ticket=ticket, event_id=event.pk, old_label=old_label, base_url=base_url
        )
    return ticket


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor: User, assignee: User | None, base_url: str) -> Ticket:
    """Engineers take tickets themselves; managers assign to anyone on the tenant's staff."""
    if not actor.is_agent:
        raise PermissionDenied("Only engineers assign tickets.")
    ticket = _lock(ticket)
    if assignee is not None:
        if assignee.tenant_id != ticket.tenant_id or not assignee.is_agent:
            raise ValidationError("Choose an engineer of this help desk.")
        if not assignee.is_active:
            raise ValidationError(f"{assignee} is deactivated.")
    if assignee != actor and not can_assign_to_others(actor):
        raise PermissionDenied("Only managers assign tickets to someone else.")
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    now = timezone.now()
    previous = ticket.assignee
    ticket.assignee = assignee
    ticket.updated_at = now
    ticket.save(update_fields=["assignee", "updated_at"])
    event_add(
        ticket=ticket,
        actor=actor,
        kind=EventKind.ASSIGNED,
        data={
            "from": str(previous) if previous else None,
            "to": str(assignee) if assignee else None,
        },
        at=now,
    )
    if assignee is not None and ticket.status == Status.NEW:
        ticket = ticket_transition(
            ticket=ticket, actor=actor, to_status=Status.IN_PROGRESS, base_url=base_url
        )
    return ticket


@transaction.atomic
def ticket_change_priority(*, ticket: Ticket, actor: User, priority: str, reason: str) -> Ticket:
    if not can_change_priority(actor):
        raise PermissionDenied("Only engineers change the priority of a ticket.")
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the priority changes.")
    ticket = _lock(ticket)
    if ticket.priority == priority:
        return ticket
    now = timezone.now()
    old = ticket.priority
    ticket.priority = priority
    ticket.updated_at = now
    ticket.save(update_fields=["priority", "updated_at"])
    event_add(
        ticket=ticket,
        actor=actor,
        kind=EventKind.PRIORITY,
        data={"from": old, "to": priority, "reason": reason},
        at=now,
    )
    ticket_sla_refresh(ticket=ticket, now=now)
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
        .select_related("tenant", "organization__plan")
        .filter(pk=ticket_id, status=Status.RESOLVED)
        .first()
    )
    if ticket is None or ticket.resolved_at is None:
        return False
    if ticket.resolved_at >= now - timedelta(days=settings.TICKET_REOPEN_DAYS):
        return False
    _apply_status(ticket, Status.CLOSED, now)
    ticket.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
    event_add(
        ticket=ticket,
        actor=None,
        kind=EventKind.STATUS,
        data={
            "from": Status.RESOLVED,
            "to": Status.CLOSED,
            "reason": f"Closed automatically {settings.TICKET_REOPEN_DAYS} days after resolution.",
        },
        at=now,
    )
    ticket_sla_refresh(ticket=ticket, now=now)
    return True


@transaction.atomic
def ticket_change_type(*, ticket: Ticket, actor: User, ticket_type: TicketType) -> Ticket:
    """Re-file a ticket under another entry of the catalogue (staff); the priority stays."""
    if not actor.is_agent:
        raise PermissionDenied("Only engineers change the type of a ticket.")
    if ticket_type.tenant_id != ticket.tenant_id or not ticket_type.is_active:
        raise ValidationError("Choose a type from this help desk's catalogue.")
    ticket = _lock(ticket)
    if ticket.ticket_type_id == ticket_type.pk:
        return ticket
    now = timezone.now()
    old = ticket.ticket_type.full_name
    ticket.ticket_type = ticket_type
    ticket.updated_at = now
    ticket.save(update_fields=["ticket_type", "updated_at"])
    event_add(
        ticket=ticket,
        actor=actor,
        kind=EventKind.TYPE,
        data={"from": old, "to": ticket_type.full_name},
        at=now,
    )
    # Escalation levels can be narrowed by type: the plan follows the new one.
    ticket_sla_refresh(ticket=ticket, now=now)
    return ticket
