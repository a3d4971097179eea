"""A ticket's place on the escalation ladder and its next escalation check, one ticket at a
time or a batch at once.

The escalation app decides when and where a ticket goes (its rules, its people); these
services are how it changes the ticket: the columns and the timeline are written here
only. :class:`TicketBatch` is the every-minute check's form: the changes of many locked
tickets written in one UPDATE batch and one INSERT, then the follow-ups of each ticket
whose priority was raised.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.db import update_rows

from .. import events
from ..models import Ticket, TicketEvent
from .after_change import ticket_changed
from .outcomes import outcomes_follow
from .tickets import assignee_apply, priority_apply, ticket_lock


def escalation_level_apply(
    *,
    ticket: Ticket,
    level,
    actor: User | None,
    reason: str,
    by: str = "person",
    hand_over: bool = False,
    down: bool = False,
    now,
) -> list[TicketEvent]:
    """Move a locked ticket on the ladder (the row is not saved); returns the unsaved
    timeline entries.

    Up (``down`` False): an ESCALATED entry naming ``level``; the level is raised to it,
    never lowered (a rule for a lower level is still recorded). ``hand_over`` also takes
    the ticket off its assignee so the level's people pick it up. Down: a DEESCALATED entry
    from the current level to ``level`` (None: off the ladder).
    """
    current = ticket.escalation_level if ticket.escalation_level_id else None
    if down:
        ticket.escalation_level = level
        ticket.updated_at = now
        return [
            events.deescalated_event(
                ticket=ticket,
                actor=actor,
                from_name=current.name if current else "",
                level_name=level.name if level else None,
                reason=reason,
                at=now,
            )
        ]
    if current is None or level.rank > current.rank:
        ticket.escalation_level = level
    written = [
        events.escalated_event(
            ticket=ticket, actor=actor, level_name=level.name, reason=reason, by=by, at=now
        )
    ]
    if hand_over and ticket.assignee_id:
        written.append(
            assignee_apply(
                ticket=ticket,
                actor=actor,
                assignee=None,
                reason=_("Handed over to %(level)s.") % {"level": level.name},
                now=now,
            )
        )
    return written


@transaction.atomic
def ticket_escalation_level_set(
    *,
    ticket: Ticket,
    level,
    actor: User | None = None,
    reason: str,
    by: str = "person",
    hand_over: bool = False,
    down: bool = False,
    now: datetime | None = None,
) -> Ticket:
    """Escalate ``ticket`` to ``level`` (or, ``down``, bring it down to it) with the
    timeline entries of :func:`escalation_level_apply`. Who may, and to which level, is the
    escalation app's rule; ``actor`` None is the help desk itself. The SLA does not move."""
    if actor is not None and actor.tenant_id != ticket.tenant_id:
        raise PermissionDenied(_("Only the help desk's staff move tickets on its ladder."))
    ticket = ticket_lock(ticket)
    now = now or timezone.now()
    written = escalation_level_apply(
        ticket=ticket,
        level=level,
        actor=actor,
        reason=reason,
        by=by,
        hand_over=hand_over,
        down=down,
        now=now,
    )
    ticket.updated_at = now
    ticket.save(update_fields=["escalation_level", "assignee", "updated_at"])
    events.events_save(written)
    ticket_changed(ticket=ticket, now=now, sla=False, moved=True)
    return ticket


def ticket_escalation_note(
    *, ticket: Ticket, level_name: str, reason: str, by: str, actor: User | None = None, now
) -> TicketEvent:
    """Staff read on the timeline that someone was called in while the ticket's level
    stays (the on-call engineer was paged)."""
    return events.event_save(
        events.escalated_event(
            ticket=ticket, actor=actor, level_name=level_name, reason=reason, by=by, at=now
        )
    )


def tickets_escalation_check_set(*, checks: Iterable[tuple[Ticket, datetime | None]]) -> int:
    """Store each ticket's next escalation check (when any rule can next fire); only the
    ones that move are written, in one batch. Returns how many moved."""
    changed = []
    for ticket, check_at in checks:
        if ticket.escalation_check_at != check_at:
            ticket.escalation_check_at = check_at
            changed.append(ticket)
    update_rows(changed, ["escalation_check_at"])
    return len(changed)


class TicketBatch:
    """Changes made by the help desk itself (``actor`` None) to many tickets locked by the
    caller, written by :meth:`save` in a few statements: one UPDATE batch for every
    included ticket's columns, one INSERT for the timeline. Each ticket whose priority was
    raised then goes through :func:`ticket_changed` (its SLA targets moved)."""

    COLUMNS = ("escalation_check_at", "updated_at", "escalation_level", "assignee", "priority")

    def __init__(self, *, now: datetime):
        self.now = now
        self._tickets: dict[int, Ticket] = {}
        self._events: list[TicketEvent] = []
        self._raised: dict[int, Ticket] = {}

    def include(self, ticket: Ticket) -> None:
        """Write ``ticket``'s columns at :meth:`save`, changed or not."""
        self._tickets.setdefault(ticket.pk, ticket)

    def touch(self, ticket: Ticket) -> None:
        self.include(ticket)
        ticket.updated_at = self.now

    def escalation_check_set(self, ticket: Ticket, check_at: datetime | None) -> None:
        self.include(ticket)
        ticket.escalation_check_at = check_at

    def escalation_level_set(
        self, ticket: Ticket, level, *, reason: str, by: str = "rule", hand_over: bool = False
    ) -> None:
        self.include(ticket)
        self._events += escalation_level_apply(
            ticket=ticket,
            level=level,
            actor=None,
            reason=reason,
            by=by,
            hand_over=hand_over,
            now=self.now,
        )

    def priority_raise(self, ticket: Ticket, priority: str, *, reason: str) -> bool:
        """Raise the priority to ``priority`` if it is higher (never lowers it)."""
        self.include(ticket)
        event = priority_apply(
            ticket=ticket,
            actor=None,
            priority=priority,
            reason=reason,
            raise_only=True,
            now=self.now,
        )
        if event is None:
            return False
        self._events.append(event)
        self._raised[ticket.pk] = ticket
        return True

    def save(self) -> None:
        events.events_save(self._events)
        update_rows(list(self._tickets.values()), self.COLUMNS)
        by_tenant = {}
        for ticket in self._tickets.values():
            by_tenant.setdefault(ticket.tenant_id, []).append(ticket)
        for tickets in by_tenant.values():
            outcomes_follow(tenant=tickets[0].tenant, tickets=tickets, now=self.now)
        for ticket in self._raised.values():
            ticket_changed(ticket=ticket, now=self.now)
        self._tickets, self._events, self._raised = {}, [], {}
