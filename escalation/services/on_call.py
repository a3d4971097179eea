"""Paging the on-call engineer for a P1 nobody can answer in business hours."""

from __future__ import annotations

from helpdesk.links import tenant_base_url
from helpdesk.priorities import Priority
from tickets.models import OPEN_STATUSES
from tickets.services import ticket_escalation_note
from tickets.services.sla import Evaluated

from .. import matrix
from ..models import EscalationEvent
from ..models import EventKind as EscalationKind
from ..selectors import fired_keys, matrix_for, on_call_now
from .notify import on_call_audience, send_escalation
from .reasons import (
    in_tenant_language,
    lazy_on_call_reason,
    on_call_engineer,
    on_call_level_name,
    on_call_reason,
)

ON_CALL_KEY = "on_call"


def escalation_page_on_call_if_needed(*, item: Evaluated, now) -> EscalationEvent | None:
    """A P1 waiting for its first response while the plan's people are off pages the
    on-call engineer at once (once per SLA cycle), in the transaction of the change."""
    ticket = item.ticket
    if (
        ticket.priority != Priority.P1
        or ticket.status not in OPEN_STATUSES
        or ticket.first_response_at is not None
        or not matrix.is_after_hours(item.book, now)
    ):
        return None
    tenant = ticket.tenant
    if ON_CALL_KEY in fired_keys(tenant=tenant, tickets=[ticket]).get(ticket.pk, ()):
        return None
    settings_row = matrix_for(tenant=tenant)
    if settings_row is None or not settings_row.is_active:
        return None
    on_call = on_call_now(tenant=tenant, at=now)
    audience = on_call_audience(
        tenant=tenant, on_call=on_call, fallback=settings_row.on_call_fallback_emails
    )
    names = [str(user) for user in on_call]
    reason = in_tenant_language(tenant, on_call_reason, names)
    event = EscalationEvent.objects.create(
        tenant_id=ticket.tenant_id,
        ticket=ticket,
        cycle=ticket.escalation_cycle,
        key=ON_CALL_KEY,
        kind=EscalationKind.ON_CALL,
        level_name=in_tenant_language(tenant, on_call_level_name),
        reason=reason,
        metric="first_response",
        due_at=item.outcome["first_response"].due_at if item.outcome else None,
        planned_at=now,
        recipients=audience.addresses,
        created_at=now,
    )
    ticket_escalation_note(
        ticket=ticket,
        level_name=in_tenant_language(tenant, on_call_engineer),
        reason=reason,
        by="on_call",
        now=now,
    )
    send_escalation(
        ticket=ticket,
        event=event,
        audience=audience,
        sla=item.outcome.get("first_response") if item.outcome else None,
        base_url=tenant_base_url(tenant=tenant),
        template="escalation/email/on_call",
        extra={"reason": lazy_on_call_reason(names)},
    )
    return event
