"""Escalation by hand: an engineer sends a ticket up the ladder, a manager brings it down."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.priorities import Priority
from tickets.models import Ticket
from tickets.services import ticket_escalation_level_set, ticket_lock
from tickets.services.sla import ticket_sla_evaluated
from tickets.webhook_events import ticket_escalated_emit

from .. import matrix
from ..models import EscalationEvent, EscalationLevel
from ..models import EventKind as EscalationKind
from ..selectors import matrix_for, on_call_now, ticket_ladder
from .notify import add_on_call, level_audience, send_escalation


def _clock_to_show(outcome: dict):
    """The metric whose clock matters now: a running first response, else resolution."""
    first, resolution = outcome["first_response"], outcome["resolution"]
    if first.state in ("running", "breached") and first.ended_at is None:
        return first
    return resolution if resolution.state != "none" else first


@transaction.atomic
def ticket_escalate(
    *,
    ticket: Ticket,
    actor: User,
    reason: str,
    level: EscalationLevel | None = None,
    hand_over: bool = False,
    base_url: str,
) -> EscalationEvent:
    """Escalate to ``level`` (default: the next level above where the ticket stands, among
    those handling its type; never its current or a lower one), notifying it as a rule
    would; ``hand_over`` also unassigns the ticket so the level's people pick it up."""
    if not actor.is_agent or actor.tenant_id != ticket.tenant_id:
        raise PermissionDenied(_("Only engineers escalate tickets."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the ticket needs escalating."))
    ticket = ticket_lock(ticket)
    if not ticket.is_open:
        raise ValidationError(
            _("This ticket is %(status)s.") % {"status": ticket.get_status_display().lower()}
        )
    ladder = ticket_ladder(tenant=ticket.tenant, ticket=ticket)
    if level is None:
        if not ladder.up:
            raise ValidationError(_("This ticket is already at the top of the escalation ladder."))
        level = ladder.up[0]
    elif level.pk not in {item.pk for item in ladder.levels}:
        raise ValidationError(_("Choose a level that handles this ticket."))
    elif level.pk not in {item.pk for item in ladder.up}:
        raise ValidationError(
            _("The ticket is at %(level)s already: choose a higher level (managers de-escalate).")
            % {"level": ladder.standing.name}
        )
    now = timezone.now()
    evaluated = ticket_sla_evaluated(ticket=ticket, now=now, explain=False)
    sla = _clock_to_show(evaluated.outcome)
    audience = level_audience(tenant=ticket.tenant, level=level)
    if ticket.priority == Priority.P1 and matrix.is_after_hours(evaluated.book, now):
        settings_row = matrix_for(tenant=ticket.tenant)
        add_on_call(
            audience,
            tenant=ticket.tenant,
            on_call=on_call_now(tenant=ticket.tenant, at=now),
            fallback=settings_row.on_call_fallback_emails if settings_row else "",
        )
    event = EscalationEvent.objects.create(
        tenant_id=ticket.tenant_id,
        ticket=ticket,
        cycle=ticket.escalation_cycle,
        key=f"manual:{uuid.uuid4().hex}",
        kind=EscalationKind.MANUAL,
        level=level,
        level_name=level.name,
        actor=actor,
        reason=reason,
        metric=sla.metric if sla.due_at else "",
        due_at=sla.due_at,
        planned_at=now,
        recipients=audience.addresses,
        created_at=now,
    )
    ticket = ticket_escalation_level_set(
        ticket=ticket,
        level=level,
        actor=actor,
        reason=reason,
        by="person",
        hand_over=hand_over,
        now=now,
    )
    send_escalation(ticket=ticket, event=event, audience=audience, sla=sla, base_url=base_url)
    ticket_escalated_emit(
        ticket=ticket,
        level=level,
        reason=reason,
        by="person",
        dedupe_key=f"ticket.escalated:event:{event.pk}",
    )
    return event


@transaction.atomic
def ticket_deescalate(
    *, ticket: Ticket, actor: User, reason: str, level: EscalationLevel | None = None
) -> EscalationEvent:
    """Bring a ticket down to ``level`` (None: off the ladder). Managers only."""
    if not actor.is_manager or actor.tenant_id != ticket.tenant_id:
        raise PermissionDenied(_("Only managers de-escalate tickets."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the ticket comes down."))
    ticket = ticket_lock(ticket)
    current = ticket.escalation_level
    if current is None:
        raise ValidationError(_("This ticket is not escalated."))
    if level is not None and (level.tenant_id != ticket.tenant_id or level.rank >= current.rank):
        raise ValidationError(_("Choose a level below %(level)s.") % {"level": current.name})
    now = timezone.now()
    event = EscalationEvent.objects.create(
        tenant_id=ticket.tenant_id,
        ticket=ticket,
        cycle=ticket.escalation_cycle,
        key=f"down:{uuid.uuid4().hex}",
        kind=EscalationKind.DEESCALATED,
        level=level,
        level_name=level.name if level else "",
        actor=actor,
        reason=reason,
        planned_at=now,
        created_at=now,
    )
    ticket_escalation_level_set(
        ticket=ticket, level=level, actor=actor, reason=reason, down=True, now=now
    )
    return event
