"""Reads about tickets. Every query starts from the tenant and the actor's scope."""

import re
from dataclasses import dataclass

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.http import Http404

from accounts.models import STAFF_ROLES, Organization, User
from helpdesk.db import CompiledQuery
from helpdesk.tenant_data import tenant_data

from ..models import (
    Attachment,
    EventKind,
    IncidentComponent,
    Message,
    PriorityDefinition,
    Ticket,
    TicketEvent,
    TicketParticipant,
)

NOT_FOUND = "No ticket with that number."


def visible_tickets(*, tenant, actor: User) -> QuerySet[Ticket]:
    """The tickets ``actor`` may see: all of the tenant's for staff, the organization's
    for an organization admin, otherwise the customer's own and those they are in copy of."""
    tickets = Ticket.objects.for_tenant(tenant)
    if not actor.is_authenticated or actor.tenant_id != tenant.pk or not actor.is_active:
        return tickets.none()
    if actor.is_agent:
        return tickets
    if actor.organization_id is None:
        return tickets.none()
    tickets = tickets.filter(organization_id=actor.organization_id)
    if actor.is_org_admin:
        return tickets
    in_copy = TicketParticipant.objects.filter(
        ticket=OuterRef("pk"), user=actor, removed_at__isnull=True
    )
    return tickets.filter(Q(requester=actor) | Exists(in_copy))


def parse_reference(*, tenant, reference: str) -> int | None:
    match = re.fullmatch(rf"(?i){re.escape(tenant.ticket_prefix)}-0*(\d{{1,9}})", reference.strip())
    return int(match.group(1)) if match else None


def ticket_for_actor(
    *, tenant, actor: User, reference: str, related: tuple[str, ...] = ()
) -> Ticket:
    """The ticket ``reference`` (e.g. IVC-1042) if ``actor`` may see it; 404 otherwise,
    the same for a ticket that does not exist and for one that is not theirs.

    ``related``: more relations to load with it, for what other apps show on the page."""
    number = parse_reference(tenant=tenant, reference=reference)
    if number is None:
        raise Http404(NOT_FOUND)
    found = list(
        visible_tickets(tenant=tenant, actor=actor)
        .select_related("requester", "assignee", *related)
        .filter(number=number)
        .order_by()[:1]
    )
    if not found:
        raise Http404(NOT_FOUND)
    return with_reference_rows(found[0], tenant=tenant)


def with_reference_rows(ticket: Ticket, *, tenant) -> Ticket:
    """``ticket`` with its tenant, type (parent loaded) and organization (plan loaded) set
    from the rows every process keeps (``helpdesk.tenant_data``) rather than joined into
    its query: a join of eight tables cost PostgreSQL more to plan than to run. A row
    missing there (created since) is read."""
    from .lists import catalogue

    ticket.tenant = tenant
    ticket_type = catalogue(tenant=tenant).by_id.get(ticket.ticket_type_id)
    if ticket_type is not None:
        ticket.ticket_type = ticket_type
    organization = organization_rows(tenant=tenant).get(ticket.organization_id)
    if organization is not None:
        ticket.organization = organization
    return ticket


def attachment_for_actor(*, tenant, actor: User, reference: str, public_id) -> Attachment:
    """A file of a ticket the actor may see; internal files only for staff. Same 404."""
    ticket = ticket_for_actor(tenant=tenant, actor=actor, reference=reference)
    files = Attachment.objects.for_tenant(tenant).filter(ticket=ticket, public_id=public_id)
    if not actor.is_agent:
        files = files.filter(is_internal=False)
    attachment = files.first()
    if attachment is None:
        raise Http404("No such file.")
    return attachment


def pending_attachment_for_actor(*, tenant, actor: User, public_id) -> Attachment:
    attachment = (
        Attachment.objects.for_tenant(tenant)
        .filter(uploaded_by=actor, ticket__isnull=True, public_id=public_id)
        .first()
    )
    if attachment is None:
        raise Http404("No such file.")
    return attachment


@dataclass(frozen=True)
class TimelineItem:
    at: object
    message: Message | None = None
    event: TicketEvent | None = None
    files: tuple[Attachment, ...] = ()


def _customer_events(ticket):
    """A customer's events of ``ticket``: nothing internal, no replies (the messages are
    there), and no link to an incident on private components only (the staff's business)."""
    incident_ref = Cast(KeyTextTransform("incident", OuterRef("data")), IntegerField())
    any_component = IncidentComponent.objects.filter(incident_id=incident_ref)
    public_component = any_component.filter(component__is_public=True)
    return (
        TicketEvent.objects.filter(ticket_id=ticket, is_internal=False)
        .exclude(kind=EventKind.REPLY)
        .exclude(Q(kind=EventKind.INCIDENT) & Exists(any_component) & ~Exists(public_component))
    )


# The conversation's reads, compiled once per process (``helpdesk.db.CompiledQuery``).
_MESSAGES = {
    True: CompiledQuery(lambda ticket: Message.objects.filter(ticket_id=ticket), "ticket"),
    False: CompiledQuery(
        lambda ticket: Message.objects.filter(ticket_id=ticket, is_internal=False), "ticket"
    ),
}
_EVENTS = {
    # Staff see every event but replies and notes, which are the messages.
    True: CompiledQuery(
        lambda ticket: TicketEvent.objects.filter(ticket_id=ticket).exclude(
            kind__in=[EventKind.REPLY, EventKind.NOTE]
        ),
        "ticket",
    ),
    False: CompiledQuery(_customer_events, "ticket"),
}
_FILES = {
    True: CompiledQuery(
        lambda ticket: Attachment.objects.filter(ticket_id=ticket).order_by("created_at", "pk"),
        "ticket",
    ),
    False: CompiledQuery(
        lambda ticket: Attachment.objects.filter(ticket_id=ticket, is_internal=False).order_by(
            "created_at", "pk"
        ),
        "ticket",
    ),
}


def ticket_timeline(
    *, ticket: Ticket, actor: User, files: list[Attachment] | None = None
) -> list[TimelineItem]:
    """Messages and events in time order, without anything internal for customers; each
    message with its files (``files``: the ticket's files as ``ticket_files`` lists them for
    the actor, when the caller has them already; otherwise they are read here).

    Three queries whatever the length of the conversation (two when ``files`` is given).
    """
    staff = actor.is_agent
    if files is None:
        files = ticket_files(ticket=ticket, actor=actor)
    by_message: dict[int, list[Attachment]] = {}
    for attachment in files:
        if attachment.message_id is not None:
            by_message.setdefault(attachment.message_id, []).append(attachment)
    items = [
        TimelineItem(at=m.created_at, message=m, files=tuple(by_message.get(m.pk, ())))
        for m in _MESSAGES[staff](ticket=ticket.pk)
    ]
    events = _EVENTS[staff](ticket=ticket.pk)
    people = people_by_id(
        ticket=ticket,
        ids=[item.message.author_id for item in items] + [e.actor_id for e in events],
        known=(actor,),
    )
    for item in items:
        item.message.author = people[item.message.author_id]
    for event in events:
        event.actor = people.get(event.actor_id)
    items += [TimelineItem(at=e.created_at, event=e) for e in events]
    items.sort(key=lambda item: (item.at, 0 if item.event else 1))
    return items


def people_by_id(*, ticket: Ticket, ids, known=()) -> dict[int, User]:
    """The people ``ids`` name on ``ticket`` (authors, actors) by id: the requester and
    assignee its row holds, ``known`` people, the staff from the rows the process keeps
    (shared: never mutate them), each customer with their organization from the kept rows;
    anyone else (a former engineer, a colleague in copy) read in one query."""
    wanted = {pk for pk in ids if pk is not None}
    people: dict[int, User] = {}
    for field in (Ticket.requester, Ticket.assignee):
        if field.is_cached(ticket):
            person = field.__get__(ticket)
            if person is not None:
                people[person.pk] = person
    for person in known:
        people.setdefault(person.pk, person)
    if wanted - people.keys():
        for person in staff_rows(tenant=ticket.tenant):
            people.setdefault(person.pk, person)
    missing = wanted - people.keys()
    if missing:
        people.update(User.objects.in_bulk(missing))
    organizations = organization_rows(tenant=ticket.tenant_id)
    for pk in wanted:
        person = people.get(pk)
        if person is not None and person.organization_id in organizations:
            User.organization.field.set_cached_value(person, organizations[person.organization_id])
    return people


def timeline_shows(items: list[TimelineItem], kind: str) -> bool:
    """Whether the timeline holds an event of ``kind`` (e.g. someone ever put in copy)."""
    return any(item.event is not None and item.event.kind == kind for item in items)


def timeline_status_history(items: list[TimelineItem]) -> list[tuple]:
    """(at, from, to) of the status changes of a staff timeline (which holds every event
    but replies and notes), oldest first: what ``status_histories`` reads from the
    database, for a page that has read the events already."""
    changes = sorted(
        (item.event for item in items if item.event and item.event.kind == EventKind.STATUS),
        key=lambda event: (event.created_at, event.pk),
    )
    return [(e.created_at, e.data.get("from"), e.data.get("to")) for e in changes]


def ticket_files(*, ticket: Ticket, actor: User) -> list[Attachment]:
    """The ticket's files, oldest first; customers' without the internal ones."""
    return _FILES[actor.is_agent](ticket=ticket.pk)


def priority_definitions(*, tenant) -> dict[str, PriorityDefinition]:
    """The tenant's words for each priority, kept in memory while unchanged."""
    return tenant_data(
        tenant.pk,
        "priority-definitions",
        lambda: {d.priority: d for d in PriorityDefinition.objects.for_tenant(tenant)},
    )


def assignable_staff(*, tenant) -> QuerySet[User]:
    return User.objects.filter(tenant=tenant, is_active=True, role__in=STAFF_ROLES).order_by(
        "full_name", "email"
    )


def staff_rows(*, tenant) -> tuple[User, ...]:
    """``assignable_staff``, kept per process while the tenant's people are unchanged (a
    person's save forgets them, ``helpdesk.tenant_data``): shared rows, never mutate them."""
    return tenant_data(
        tenant.pk, "assignable-staff", lambda: tuple(assignable_staff(tenant=tenant))
    )


def tenant_organizations(*, tenant) -> QuerySet[Organization]:
    return Organization.objects.for_tenant(tenant).order_by("name")


def organization_rows(*, tenant) -> dict[int, Organization]:
    """The tenant's organizations by id, in name order, each with its plan: one query, then
    none while they are unchanged (``helpdesk.tenant_data``): shared rows, never mutate
    them."""
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    return tenant_data(
        tenant_id,
        "organizations",
        lambda: {
            org.pk: org for org in tenant_organizations(tenant=tenant_id).select_related("plan")
        },
    )
