"""What follows every change of a ticket, in one place.

Each ticket service ends by calling :func:`ticket_changed` once, inside its transaction, so
a reader following ``ticket_reply`` (or any other service) sees every effect here, in order:

1. the ticket's SLA columns are recomputed and stored, once per change;
2. :data:`tickets.signals.ticket_sla_changed` is sent: the escalation app plans the
   ticket's next check and pages on-call when needed (``escalation/receivers.py``);
3. the emails of the change go to the outbox (``tickets/services/notifications.py``);
4. its events are announced to the tenant's webhooks (``tickets/webhook_events.py``).
"""

from __future__ import annotations

from ..models import Message, Status, Ticket, TicketEvent, TicketParticipant
from ..signals import ticket_sla_changed
from ..webhook_events import ticket_change_emit
from .notifications import (
    notify_cc_added,
    notify_reply,
    notify_status_changed,
    notify_ticket_created,
)
from .outcomes import outcomes_follow
from .sla import Evaluated, ticket_sla_refresh


def ticket_changed(
    *,
    ticket: Ticket,
    now,
    base_url: str = "",
    sla: bool = True,
    moved: bool = False,
    created: bool = False,
    message: Message | None = None,
    status_event: TicketEvent | None = None,
    inbound_email=None,
    cc_added: TicketParticipant | None = None,
    evaluated: Evaluated | None = None,
) -> None:
    """Run the follow-ups of one change of ``ticket`` made at ``now``.

    ``sla`` False: the change cannot move the SLA (an assignment, an escalation level), so
    nothing is recomputed and nobody is signalled; ``moved``: it moved the assignee or the
    escalation level, which the ticket's SLA outcomes follow. ``created``: the ticket was
    just opened. ``message``: the reply or note written with the change. ``status_event``:
    the status change made with it; its ``from`` is the status before. ``inbound_email``: the email
    a new ticket came in (the confirmation answers it). ``cc_added``: someone a person
    just put in copy (they are told why they get the ticket's emails). ``evaluated``: the
    SLA evaluation of a ticket just opened, made at ``now`` before its insert.

    A status change made by staff reaches the customer once: in the public reply it was
    made with, or in an email of its own.
    """
    if sla:
        evaluated = ticket_sla_refresh(ticket=ticket, now=now, created=created, evaluated=evaluated)
        ticket_sla_changed.send(
            sender=Ticket, tenant=ticket.tenant, evaluated=[evaluated], now=now, bulk=False
        )
    elif moved:
        outcomes_follow(tenant=ticket.tenant, tickets=[ticket], now=now)
    if created:
        notify_ticket_created(ticket=ticket, base_url=base_url, inbound_email=inbound_email)
    if cc_added is not None and cc_added.added_by_id is not None:
        notify_cc_added(ticket=ticket, participant=cc_added, actor=cc_added.added_by)
    old_status = status_event.data["from"] if status_event is not None else None
    if message is not None and not message.is_internal:
        notify_reply(ticket=ticket, message=message, base_url=base_url, old_status=old_status)
    elif status_event is not None and status_event.actor and status_event.actor.is_agent:
        notify_status_changed(
            ticket=ticket,
            event_id=status_event.pk,
            old_label=Status(old_status).label,
            base_url=base_url,
        )
    ticket_change_emit(ticket=ticket, created=created, message=message, status_event=status_event)
