"""The engineers' queues and the customers' lists, their counts, and the request catalogue
they name each ticket's type from."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from helpdesk.tenant_data import tenant_data

from ..models import OPEN_STATUSES, OpenTicketCount, Status, Ticket, TicketType
from .tickets import parse_reference, visible_tickets


@dataclass(frozen=True)
class Catalogue:
    """A tenant's ticket types, parents loaded: every one by id (list pages name a ticket's
    type from here), the selectable ones and the top-level ones, each in catalogue order."""

    by_id: Mapping[int, TicketType]
    selectable: list[TicketType]
    top_level: list[TicketType]


def catalogue(*, tenant) -> Catalogue:
    """The catalogue of ``tenant`` (a tenant or its id), one query, then none while it is
    unchanged (``helpdesk.tenant_data``): shared rows, never mutate them."""
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    return tenant_data(tenant_id, "catalogue", lambda: _catalogue_load(tenant_id))


def _catalogue_load(tenant_id: int) -> Catalogue:
    types = list(
        TicketType.objects.for_tenant(tenant_id)
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


# “My tickets” names each row's type (from the kept catalogue) and, for an organization's
# list, who opened it: the requester is the only table joined.
MY_LIST_COLUMNS = (
    *ROW_COLUMNS, "organization", "ticket_type", "assignee",
    "requester__id", "requester__tenant_id", "requester__full_name", "requester__email",
)  # fmt: skip


def customer_list(
    *, tenant, actor: User, status: str = "", query: str = "", scope: str = "mine"
) -> QuerySet[Ticket]:
    """The rows of the “My tickets” page (see :func:`customer_tickets`), ready for
    :func:`customer_list_rows`."""
    tickets = customer_tickets(tenant=tenant, actor=actor, status=status, query=query, scope=scope)
    return tickets.select_related(None).select_related("requester").only(*MY_LIST_COLUMNS)


def customer_list_rows(*, tenant, tickets) -> list[Ticket]:
    """A page of :func:`customer_list` with each ticket's tenant and type set (no query)."""
    tickets = list(tickets)
    types = catalogue(tenant=tenant).by_id
    for ticket in tickets:
        ticket.tenant = tenant
        ticket.ticket_type = types[ticket.ticket_type_id]
    return tickets
