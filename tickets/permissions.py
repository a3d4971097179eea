"""Who may do what on a ticket. Pure checks on an actor and a ticket already in scope."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import OPEN_STATUSES, Status, Ticket

# The one map of allowed status changes; anything else is refused.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.ON_HOLD, Status.RESOLVED, Status.CLOSED}),
    Status.ON_HOLD: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# Changes a customer may make; reopening is further limited to the reopen window.
CUSTOMER_TRANSITIONS = frozenset(
    {
        (Status.NEW, Status.CLOSED),
        (Status.IN_PROGRESS, Status.CLOSED),
        (Status.ON_HOLD, Status.CLOSED),
        (Status.RESOLVED, Status.CLOSED),
        (Status.ON_HOLD, Status.IN_PROGRESS),
        (Status.RESOLVED, Status.IN_PROGRESS),
    }
)


def reopen_deadline(ticket: Ticket):
    if ticket.status != Status.RESOLVED or ticket.resolved_at is None:
        return None
    return ticket.resolved_at + timedelta(days=settings.TICKET_REOPEN_DAYS)


def can_reopen(actor, ticket: Ticket, now=None) -> bool:
    if ticket.status != Status.RESOLVED:
        return False
    if actor.is_agent:
        return True
    deadline = reopen_deadline(ticket)
    return deadline is not None and (now or timezone.now()) <= deadline


def can_transition(actor, ticket: Ticket, to_status: str, now=None) -> bool:
    if to_status not in ALLOWED_TRANSITIONS[ticket.status]:
        return False
    if actor.is_agent:
        return True
    if (ticket.status, to_status) not in CUSTOMER_TRANSITIONS:
        return False
    if ticket.status == Status.RESOLVED and to_status == Status.IN_PROGRESS:
        return can_reopen(actor, ticket, now)
    return True


def can_add_evidence(actor, ticket: Ticket) -> bool:
    return ticket.status in OPEN_STATUSES or (actor.is_agent and ticket.status == Status.RESOLVED)


def can_reply(actor, ticket: Ticket) -> bool:
    if actor.is_agent:
        return ticket.status != Status.CLOSED
    return ticket.status in OPEN_STATUSES


def can_assign_to_others(actor) -> bool:
    return actor.is_manager


def can_change_priority(actor) -> bool:
    return actor.is_agent
