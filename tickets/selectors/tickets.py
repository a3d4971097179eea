"""Reads about tickets. Every query starts from the tenant and the actor's scope."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db.models import Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import STAFF_ROLES, Organization, User
from helpdesk.tenant_data import tenant_data

from ..models import (
    OPEN_STATUSES,
    Attachment,
    EventKind,
    IncidentComponent,
    Message,
    OpenTicketCount,
    PriorityDefinition,
    Status,
    Ticket,
    TicketEvent,
    TicketParticipant,
    TicketType,
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
    ticket = (
        visible_tickets(tenant=tenant, actor=actor)
        .select_related(
            "tenant",
            "organization__plan",
            "requester",
            "assignee",
            "ticket_type__parent",
            *related,
        )
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404(NOT_FOUND)
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


def ticket_timeline(*, ticket: Ticket, actor: User) -> list[TimelineItem]:
    """Messages and events in time order, without anything internal for customers.

    Three queries whatever the length of the conversation.
    """
    staff = actor.is_agent
    files = Attachment.objects.filter(ticket=ticket).order_by("created_at", "pk")
    messages = Message.objects.filter(ticket=ticket).select_related("author__organization")
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor")
    if not staff:
        files = files.filter(is_internal=False)
        messages = messages.filter(is_internal=False)
        events = events.filter(is_internal=False).exclude(kind=EventKind.REPLY)
        # A link to an incident on private components only is the staff's business.
        incident_ref = Cast(KeyTextTransform("incident", OuterRef("data")), IntegerField())
        any_component = IncidentComponent.objects.filter(incident_id=incident_ref)
        public_component = any_component.filter(component__is_public=True)
        events = events.exclude(
            Q(kind=EventKind.INCIDENT) & Exists(any_component) & ~Exists(public_component)
        )
    else:
        events = events.exclude(kind__in=[EventKind.REPLY, EventKind.NOTE])
    messages = messages.prefetch_related(Prefetch("attachments", queryset=files))
    items = [TimelineItem(at=m.created_at, message=m) for m in messages]
    items += [TimelineItem(at=e.created_at, event=e) for e in events]
    items.sort(key=lambda item: (item.at, 0 if item.event else 1))
    return items


def ticket_files(*, ticket: Ticket, actor: User) -> list[Attachment]:
    files = Attachment.objects.filter(ticket=ticket).select_related("uploaded_by")
    if not actor.is_agent:
        files = files.filter(is_internal=False)
    return list(files.order_by("created_at", "pk"))


@dataclass(frozen=True)
class Catalogue:
    """A tenant's ticket types, parents loaded: every one by id (list pages name a ticket's
    type from here), the selectable ones and the top-level ones, each in catalogue order."""

    by_id: Mapping[int, TicketType]
    selectable: list[TicketType]
    top_level: list[TicketType]


def catalogue(*, tenant) -> Catalogue:
    """The tenant's catalogue, one query, then none while it is unchanged
    (``helpdesk.tenant_data``): shared rows, never mutate them."""
    return tenant_data(tenant.pk, "catalogue", lambda: _catalogue_load(tenant))


def _catalogue_load(tenant) -> Catalogue:
    types = list(
        TicketType.objects.for_tenant(tenant)
        .select_related("parent")
        .order_by(F("parent__position").asc(nulls_first=True), "parent__name", "position", "name")
    )
    with_active_children = {t.parent_id for t in types if t.is_active and t.parent_id}
    return Catalogue(
        by_id={t.pk: t for t in types},
        # Active leaf entries: a reason with sub-categories is not itself selectable.
        selectable=[
            t
            for t in types
            if t.is_active
            and t.pk not in with_active_children
            and (t.parent is None or t.parent.is_active)
        ],
        # Reasons and flat types: the per-type queues.
        top_level=[t for t in types if t.parent_id is None and t.is_active],
    )


def selectable_types(*, tenant) -> list[TicketType]:
    """Active leaf entries of the catalogue, in catalogue order, parents loaded."""
    return catalogue(tenant=tenant).selectable


def top_level_types(*, tenant) -> list[TicketType]:
    """Reasons and flat types: the per-type queues."""
    return catalogue(tenant=tenant).top_level


def type_for_queue(*, tenant, slug: str) -> TicketType:
    queue_type = TicketType.objects.for_tenant(tenant).filter(slug=slug).first()
    if queue_type is None:
        raise Http404("No such type.")
    return queue_type


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


def tenant_organizations(*, tenant) -> QuerySet[Organization]:
    return Organization.objects.for_tenant(tenant).order_by("name")


# ---- lists -----------------------------------------------------------------------------

LIST_RELATED = ("tenant", "organization", "requester", "assignee", "ticket_type__parent")
# A list row's own columns.
ROW_COLUMNS = (
    "id", "tenant_id", "number", "title", "priority", "status", "channel", "created_at",
    "updated_at",
    "last_customer_reply_at", "first_response_at", "resolved_at", "closed_at",
    "first_response_due_at", "first_response_state", "first_response_ended_at",
    "resolution_due_at", "resolution_state", "resolution_ended_at", "sla_due_at",
)  # fmt: skip
# The columns list pages show (rows of related tables are wide: users carry password hashes,
# tenants their branding); loading only these halves the time to build a page of rows.
LIST_COLUMNS = (
    *ROW_COLUMNS,
    "tenant__id", "tenant__ticket_prefix",
    "organization__id", "organization__name", "organization__plan_id",
    "requester__id", "requester__full_name", "requester__email",
    "assignee__id", "assignee__full_name", "assignee__email",
    "ticket_type__id", "ticket_type__name", "ticket_type__parent_id",
    "ticket_type__parent__id", "ticket_type__parent__name",
)  # fmt: skip
# The queues' rows are read from tickets alone (joining five more tables cost PostgreSQL
# more to plan than to run); ``queue_rows`` sets their tenant, organization, assignee and
# type from rows the page holds anyway.
QUEUE_COLUMNS = (*ROW_COLUMNS, "organization", "assignee", "ticket_type")

SORTS = {
    "sla": (F("sla_due_at").asc(nulls_last=True), "priority", "created_at"),
    "priority": ("priority", F("sla_due_at").asc(nulls_last=True), "created_at"),
    "oldest": ("created_at",),
    "newest": ("-created_at",),
    "customer_reply": (F("last_customer_reply_at").desc(nulls_last=True), "-pk"),
    "updated": ("-updated_at", "-pk"),
}
SORT_LABELS = {
    "sla": _("SLA due"),
    "priority": _("Priority"),
    "oldest": _("Oldest first"),
    "newest": _("Newest first"),
    "customer_reply": _("Last customer reply"),
    "updated": _("Last update"),
}
QUEUES = {
    "unassigned": _("Unassigned"),
    "mine": _("Mine"),
    "open": _("All open"),
}


def _search(tickets: QuerySet[Ticket], *, tenant, query: str) -> QuerySet[Ticket]:
    query = query.strip()
    if not query:
        return tickets
    number = parse_reference(tenant=tenant, reference=query)
    if number is None and query.isdigit() and len(query) < 10:
        number = int(query)
    if number is not None:
        return tickets.filter(number=number)
    for word in query.split()[:6]:
        tickets = tickets.filter(Q(title__icontains=word) | Q(affected_service__icontains=word))
    return tickets


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    priority: str = ""
    ticket_type: int | None = None
    organization: int | None = None
    assignee: int | None = None  # 0 = unassigned
    query: str = ""
    sort: str = "sla"


def queue_tickets(
    *,
    tenant,
    actor: User,
    queue: str,
    filters: QueueFilters,
    queue_filter: Q | None = None,
    columns: tuple[str, ...] = (),
) -> QuerySet[Ticket]:
    """One of the engineers' queues, filtered and sorted; rows ready to render.

    ``queue`` is one of ``QUEUES`` or another app's, whose tickets ``queue_filter`` selects;
    ``columns`` are columns of related rows that app shows on each row (``"rel__name"``),
    joined into the same query.
    """
    if not actor.is_agent:
        raise Http404("Not found.")
    tickets = visible_tickets(tenant=tenant, actor=actor)
    if filters.status in Status.values:
        tickets = tickets.filter(status=filters.status)
    else:
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    if queue == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    elif queue == "mine":
        tickets = tickets.filter(assignee=actor)
    elif queue_filter is not None:
        tickets = tickets.filter(queue_filter)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    if filters.ticket_type:
        tickets = tickets.filter(
            Q(ticket_type_id=filters.ticket_type) | Q(ticket_type__parent_id=filters.ticket_type)
        )
    if filters.organization:
        tickets = tickets.filter(organization_id=filters.organization)
    if filters.assignee is not None:
        if filters.assignee == 0:
            tickets = tickets.filter(assignee__isnull=True)
        else:
            tickets = tickets.filter(assignee_id=filters.assignee)
    tickets = _search(tickets, tenant=tenant, query=filters.query)
    order = SORTS.get(filters.sort, SORTS["sla"])
    related = {column.rsplit("__", 1)[0] for column in columns}
    return tickets.select_related(*sorted(related)).only(*QUEUE_COLUMNS, *columns).order_by(*order)


def queue_rows(*, tenant, tickets, organizations, staff) -> list[Ticket]:
    """A page of ``queue_tickets`` ready to render: each ticket's tenant, organization,
    assignee and type set from ``organizations`` and ``staff`` (the filter menus' rows) and
    the cached catalogue. Only an organization or assignee missing from those (a former
    engineer) costs a query."""
    tickets = list(tickets)
    orgs = {org.pk: org for org in organizations}
    people = {person.pk: person for person in staff}
    if missing := {t.organization_id for t in tickets} - orgs.keys():
        orgs.update(
            (org.pk, org) for org in Organization.objects.for_tenant(tenant).filter(pk__in=missing)
        )
    if missing := {t.assignee_id for t in tickets if t.assignee_id} - people.keys():
        people.update(
            (person.pk, person)
            for person in User.objects.filter(tenant=tenant, pk__in=missing).only(
                "id", "tenant_id", "full_name", "email"
            )
        )
    types = catalogue(tenant=tenant).by_id
    for ticket in tickets:
        ticket.tenant = tenant
        ticket.organization = orgs[ticket.organization_id]
        ticket.assignee = people[ticket.assignee_id] if ticket.assignee_id else None
        ticket.ticket_type = types[ticket.ticket_type_id]
    return tickets


@dataclass(frozen=True)
class OpenCount:
    """Open tickets of one assignee (None: unassigned) at one escalation level (None: not
    escalated)."""

    assignee_id: int | None
    escalation_level_id: int | None
    tickets: int


def open_counts(*, tenant) -> list[OpenCount]:
    """The tenant's open tickets by assignee and escalation level, from the counts the
    database keeps (``OpenTicketCount``): a few rows per person and level, one query whose
    cost does not grow with the open tickets."""
    totals: dict[tuple, int] = {}
    for assignee_id, level_id, tickets in OpenTicketCount.objects.for_tenant(tenant).values_list(
        "assignee_id", "escalation_level_id", "tickets"
    ):
        key = (assignee_id, level_id)
        totals[key] = totals.get(key, 0) + tickets
    return [OpenCount(a, level, n) for (a, level), n in totals.items() if n]


def queue_counts(
    *, tenant, actor: User, more: Mapping[str, Callable[..., int]] | None = None
) -> dict[str, int]:
    """Open tickets per queue: ``QUEUES`` and the queues of ``more`` (another app's, each
    ``(tenant=, actor=, counts=) -> int`` over ``open_counts``)."""
    counts = open_counts(tenant=tenant)
    result = {
        "unassigned": sum(c.tickets for c in counts if c.assignee_id is None),
        "mine": sum(c.tickets for c in counts if c.assignee_id == actor.pk),
        "open": sum(c.tickets for c in counts),
    }
    for key, count in (more or {}).items():
        result[key] = count(tenant=tenant, actor=actor, counts=counts)
    return result


def customer_tickets(
    *, tenant, actor: User, status: str = "", query: str = "", scope: str = "mine"
) -> QuerySet[Ticket]:
    """“My tickets”; organization admins may widen to the organization's tickets."""
    tickets = visible_tickets(tenant=tenant, actor=actor)
    if actor.is_org_admin and scope != "organization":
        tickets = tickets.filter(requester=actor)
    if status == "open":
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        tickets = tickets.filter(status=status)
    tickets = _search(tickets, tenant=tenant, query=query)
    return tickets.select_related(*LIST_RELATED).only(*LIST_COLUMNS).order_by("-updated_at", "-pk")
