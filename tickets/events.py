"""The ticket timeline's rows: one constructor per kind of event.

Every ``TicketEvent`` of the code base is built here, so the payload of each kind (what the
timeline, the SLA clock and the reports read) is written in one place. The constructors
return unsaved rows: a service saves one with :func:`event_save`, a batch many with
:func:`events_save` (one INSERT). ``actor`` None is the help desk itself (a rule, a
scheduled task).
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import EventKind, Ticket, TicketEvent


def _event(*, ticket: Ticket, actor, kind: str, data: dict, at, internal: bool = False):
    return TicketEvent(
        tenant_id=ticket.tenant_id,
        ticket=ticket,
        actor=actor,
        kind=kind,
        data=data,
        is_internal=internal,
        created_at=at,
    )


def created_event(
    *,
    ticket: Ticket,
    actor,
    priority: str,
    type_name: str,
    files,
    at,
    channel: str = "portal",
    on_behalf_of=None,
):
    """``on_behalf_of``: the customer an engineer opened the ticket for (a caller)."""
    data = {"priority": priority, "type": type_name, "files": list(files), "channel": channel}
    if on_behalf_of is not None:
        data["on_behalf_of"] = str(on_behalf_of)
    return _event(ticket=ticket, actor=actor, kind=EventKind.CREATED, data=data, at=at)


def status_changed_event(*, ticket: Ticket, actor, old: str, new: str, reason: str = "", at):
    """The SLA clock reads its pauses from these rows' ``from`` and ``to``."""
    return _event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.STATUS,
        data={"from": old, "to": new, "reason": reason},
        at=at,
    )


def priority_changed_event(*, ticket: Ticket, actor, old: str, new: str, reason: str, at):
    return _event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.PRIORITY,
        data={"from": old, "to": new, "reason": reason},
        at=at,
    )


def type_changed_event(*, ticket: Ticket, actor, old: str, new: str, at):
    return _event(
        ticket=ticket, actor=actor, kind=EventKind.TYPE, data={"from": old, "to": new}, at=at
    )


def assigned_event(*, ticket: Ticket, actor, previous, assignee, reason: str = "", at):
    """``previous`` and ``assignee`` are people (or None); the timeline keeps their names."""
    data = {
        "from": str(previous) if previous else None,
        "to": str(assignee) if assignee else None,
    }
    if reason:
        data["reason"] = reason
    return _event(ticket=ticket, actor=actor, kind=EventKind.ASSIGNED, data=data, at=at)


def message_event(
    *,
    ticket: Ticket,
    actor,
    message_id: int,
    files,
    internal: bool,
    at,
    channel: str = "portal",
):
    """A public reply, or an internal note (staff only); ``channel``: how it came in."""
    return _event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.NOTE if internal else EventKind.REPLY,
        data={"message": message_id, "files": list(files), "channel": channel},
        at=at,
        internal=internal,
    )


def cc_added_event(*, ticket: Ticket, actor, email: str, name: str = "", at):
    return _event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.CC_ADDED,
        data={"email": email, "name": name},
        at=at,
    )


def cc_removed_event(*, ticket: Ticket, actor, email: str, name: str = "", at):
    return _event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.CC_REMOVED,
        data={"email": email, "name": name},
        at=at,
    )


def attachment_event(*, ticket: Ticket, actor, files, at):
    return _event(
        ticket=ticket, actor=actor, kind=EventKind.ATTACHMENT, data={"files": list(files)}, at=at
    )


def escalated_event(*, ticket: Ticket, actor, level_name: str, reason: str, by: str, at):
    """Staff only. ``by`` says what escalated: "person", "rule" or "on_call"."""
    return _event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.ESCALATED,
        data={"level": level_name, "reason": reason, "by": by},
        at=at,
        internal=True,
    )


def deescalated_event(
    *, ticket: Ticket, actor, from_name: str, level_name: str | None, reason: str, at
):
    """Staff only. ``level_name`` None: the ticket left the ladder."""
    return _event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.DEESCALATED,
        data={"from": from_name, "level": level_name, "reason": reason},
        at=at,
        internal=True,
    )


def incident_event(*, ticket: Ticket, actor, incident, linked: bool, at):
    """The ticket was linked to (or unlinked from) an incident or a maintenance window."""
    return _event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.INCIDENT,
        data={
            "incident": incident.pk,
            "title": incident.title,
            "kind": incident.kind,
            "linked": linked,
        },
        at=at,
    )


def event_save(event: TicketEvent) -> TicketEvent:
    event.save(force_insert=True)
    return event


def events_save(events: Iterable[TicketEvent]) -> list[TicketEvent]:
    return TicketEvent.objects.bulk_create(list(events))
