"""What the tickets app announces to webhooks, and the body of each announcement.

The emission points (the after-change point, the breach sweep, the at-risk scan, escalation,
incidents) call these inside the transaction of their change. Each first asks whether any
webhook of the tenant subscribes to the event, which costs nothing once the tenant's
webhooks are kept in memory, so the ticket's related rows are read only when someone listens.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from helpdesk.links import tenant_url
from helpdesk.models import Webhook, WebhookEvent
from helpdesk.webhooks import Emission, webhook_emit, webhook_emit_many, webhook_subscribers

from .models import Message, SlaOutcome, Ticket, TicketEvent

# The at-risk scan reads back this far behind each webhook's mark, for outcomes written by
# transactions that began before the previous scan and committed after it.
AT_RISK_OVERLAP = timedelta(minutes=5)


def _iso(value):
    return value.isoformat() if value is not None else None


def ticket_payload(ticket: Ticket) -> dict:
    """A ticket as webhooks describe it."""
    return {
        "reference": ticket.reference,
        "number": ticket.number,
        "title": ticket.title,
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.ticket_type.name,
        "organization": ticket.organization.name,
        "requester": ticket.requester.email if ticket.requester_id else None,
        "assignee": ticket.assignee.email if ticket.assignee_id else None,
        "sla_due_at": _iso(ticket.sla_due_at),
        "url": tenant_url(tenant=ticket.tenant, path=ticket.get_absolute_url()),
    }


def _listened(tenant, event: str) -> bool:
    return bool(webhook_subscribers(tenant=tenant, event=event))


def ticket_change_emit(
    *,
    ticket: Ticket,
    created: bool = False,
    message: Message | None = None,
    status_event: TicketEvent | None = None,
) -> None:
    """The events of one ticket change: opened, a public reply, a status change."""
    tenant = ticket.tenant
    if created and _listened(tenant, WebhookEvent.TICKET_CREATED):
        webhook_emit(
            tenant=tenant,
            event=WebhookEvent.TICKET_CREATED,
            data={"ticket": ticket_payload(ticket)},
            dedupe_key=f"ticket.created:{ticket.pk}",
        )
    if (
        message is not None
        and not message.is_internal
        and _listened(tenant, WebhookEvent.TICKET_REPLIED)
    ):
        author = message.author
        webhook_emit(
            tenant=tenant,
            event=WebhookEvent.TICKET_REPLIED,
            data={
                "ticket": ticket_payload(ticket),
                "message": {
                    "id": message.pk,
                    "author": author.email if author is not None else None,
                    "by_staff": bool(author is not None and author.is_agent),
                    "body": message.body,
                    "created_at": _iso(message.created_at),
                },
            },
            dedupe_key=f"ticket.replied:{message.pk}",
        )
    if status_event is not None and _listened(tenant, WebhookEvent.TICKET_STATUS_CHANGED):
        actor = status_event.actor
        webhook_emit(
            tenant=tenant,
            event=WebhookEvent.TICKET_STATUS_CHANGED,
            data={
                "ticket": ticket_payload(ticket),
                "from": status_event.data.get("from"),
                "to": ticket.status,
                "actor": actor.email if actor is not None else None,
            },
            dedupe_key=f"ticket.status_changed:{status_event.pk}",
        )


def ticket_escalated_emit(
    *, ticket: Ticket, level, reason: str, by: str, dedupe_key: str | None
) -> None:
    """A ticket moved up to an escalation ``level``; ``by`` is "rule" or "person"."""
    if not _listened(ticket.tenant, WebhookEvent.TICKET_ESCALATED):
        return
    webhook_emit(
        tenant=ticket.tenant,
        event=WebhookEvent.TICKET_ESCALATED,
        data={
            "ticket": ticket_payload(ticket),
            "level": level.name,
            "reason": str(reason),
            "by": by,
        },
        dedupe_key=dedupe_key,
    )


def _outcome_payload(outcome: SlaOutcome) -> dict:
    return {
        "ticket": ticket_payload(outcome.ticket),
        "metric": outcome.metric,
        "due_at": _iso(outcome.due_at),
        "risk_at": _iso(outcome.risk_at),
        "breached_at": _iso(outcome.breached_at),
    }


def _with_tickets(tenant, outcomes: list[SlaOutcome]) -> list[SlaOutcome]:
    """The outcomes with their tickets (and what a ticket's payload names), in one query."""
    tickets = Ticket.objects.for_tenant(tenant).select_related(
        "tenant", "organization", "requester", "assignee", "ticket_type"
    )
    by_pk = tickets.in_bulk([outcome.ticket_id for outcome in outcomes])
    for outcome in outcomes:
        outcome.ticket = by_pk[outcome.ticket_id]
    return outcomes


def sla_breaches_emit(*, tenant, outcomes: list[SlaOutcome]) -> int:
    """Announce outcomes just recorded as breached (by the sweep, or by an evaluation that
    got there first), once per outcome and due time."""
    if not outcomes or not _listened(tenant, WebhookEvent.SLA_BREACHED):
        return 0
    return webhook_emit_many(
        tenant=tenant,
        emissions=[
            Emission(
                WebhookEvent.SLA_BREACHED,
                _outcome_payload(outcome),
                dedupe_key=f"sla.breached:{outcome.pk}:{_iso(outcome.due_at)}",
            )
            for outcome in _with_tickets(tenant, outcomes)
        ],
    )


def sla_at_risk_announce(*, now=None) -> int:
    """Announce running SLA targets whose at-risk time has passed, once per outcome and
    at-risk time, to the webhooks subscribed to ``sla.at_risk``. Returns how many deliveries
    were written.

    Each webhook keeps the instant up to which it was told (``at_risk_announced_until``,
    from its creation on): a scan reads the outcomes that went at risk, or were rewritten,
    since then, so a pause of beat loses nothing and a new webhook is not told about the
    past. The dedupe key names the at-risk time, so a target whose risk moved (a pause,
    a new priority) is announced again for its new time, and only then.
    """
    now = now or timezone.now()
    written = 0
    with transaction.atomic():
        hooks = [
            hook
            for hook in Webhook.objects.filter(is_active=True)
            .select_related("tenant")
            .order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))
            if WebhookEvent.SLA_AT_RISK in (hook.events or ())
        ]
        by_tenant = defaultdict(list)
        for hook in hooks:
            by_tenant[hook.tenant_id].append(hook)
        for tenant_hooks in by_tenant.values():
            written += _announce_for_tenant(tenant_hooks, now)
        Webhook.objects.filter(pk__in=[hook.pk for hook in hooks]).update(
            at_risk_announced_until=now
        )
    return written


def _announce_for_tenant(hooks: list[Webhook], now) -> int:
    tenant = hooks[0].tenant
    marks = {hook.pk: (hook.at_risk_announced_until or hook.created_at) for hook in hooks}
    since = min(marks.values()) - AT_RISK_OVERLAP
    outcomes = list(
        SlaOutcome.objects.for_tenant(tenant)
        .filter(state="running", risk_at__lte=now)
        .filter(Q(risk_at__gt=since) | Q(updated_at__gt=since))
        .order_by("risk_at", "pk")
    )
    if not outcomes:
        return 0
    emissions = []
    for outcome in _with_tickets(tenant, outcomes):
        news_since = max(outcome.risk_at, outcome.updated_at)
        told = [pk for pk, mark in marks.items() if news_since > mark - AT_RISK_OVERLAP]
        if told:
            emissions.append(
                Emission(
                    WebhookEvent.SLA_AT_RISK,
                    _outcome_payload(outcome),
                    dedupe_key=f"sla.at_risk:{outcome.pk}:{outcome.risk_at.isoformat()}",
                    webhook_ids=told,
                )
            )
    return webhook_emit_many(tenant=tenant, emissions=emissions)


def incident_payload(incident, update=None) -> dict:
    data = {
        "incident": {
            "id": incident.pk,
            "kind": incident.kind,
            "title": incident.title,
            "status": incident.status,
            "impact": incident.impact,
            "starts_at": _iso(incident.starts_at),
            "ends_at": _iso(incident.ends_at),
            "ended_at": _iso(incident.ended_at),
            "updated_at": _iso(incident.updated_at),
        },
        "update": None,
    }
    if update is not None:
        data["update"] = {
            "id": update.pk,
            "status": update.status,
            "body": update.body,
            "created_at": _iso(update.created_at),
        }
    return data


def incident_updated_emit(*, incident, update=None) -> None:
    """An incident was declared, got an update, or was corrected (``update`` None)."""
    tenant = incident.tenant
    if not _listened(tenant, WebhookEvent.INCIDENT_UPDATED):
        return
    webhook_emit(
        tenant=tenant,
        event=WebhookEvent.INCIDENT_UPDATED,
        data=incident_payload(incident, update),
        dedupe_key=f"incident.updated:update:{update.pk}" if update is not None else None,
    )
