"""Tickets in the API: the queue's list and filters for staff, "my tickets" for customers,
one ticket, its changes, replies, notes, files, SLA and escalations.

Every ticket is reached through ``ticket_for_actor`` (the pages' access function: one 404
for missing and forbidden) and changed through the tickets services, as on the pages.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization, User
from escalation.pages import STAFF_PARTS
from helpdesk.links import tenant_base_url
from helpdesk.priorities import Priority
from tickets.models import Status, Ticket
from tickets.selectors import (
    QUEUES,
    QueueFilters,
    assignable_staff,
    customer_for_intake,
    customer_tickets,
    queue_tickets,
    selectable_types,
    ticket_for_actor,
)
from tickets.selectors.lists import catalogue
from tickets.services import (
    ticket_assign,
    ticket_change_type,
    ticket_create,
    ticket_priority_change,
    ticket_transition,
)
from tickets.views.ticket import may_set_status

from . import serializers as s
from .pagination import Key, page_after

# The queue's sorts (tickets.selectors.SORTS), each ending in the primary key so a cursor
# names one row.
ORDERS = {
    "sla": (
        Key("sla_due_at", nullable=True, kind=datetime),
        Key("priority"),
        Key("created_at", kind=datetime),
        Key("id", kind=int),
    ),
    "priority": (
        Key("priority"),
        Key("sla_due_at", nullable=True, kind=datetime),
        Key("created_at", kind=datetime),
        Key("id", kind=int),
    ),
    "oldest": (Key("created_at", kind=datetime), Key("id", kind=int)),
    "newest": (
        Key("created_at", descending=True, kind=datetime),
        Key("id", descending=True, kind=int),
    ),
    "customer_reply": (
        Key("last_customer_reply_at", descending=True, nullable=True, kind=datetime),
        Key("id", descending=True, kind=int),
    ),
    "updated": (
        Key("updated_at", descending=True, kind=datetime),
        Key("id", descending=True, kind=int),
    ),
}
# A row of the list: the ticket's own columns in one single-table query (cheap to plan);
# organization and people in one narrow query each, the type from the kept catalogue.
LIST_ONLY = (
    "id", "tenant", "number", "title", "status", "priority", "channel",
    "created_at", "updated_at", "last_customer_reply_at", "sla_due_at",
    "first_response_due_at", "first_response_state", "resolution_due_at", "resolution_state",
    "organization", "requester", "assignee", "ticket_type",
)  # fmt: skip


def list_rows(*, tenant, tickets: list[Ticket]) -> list[Ticket]:
    """A page of tickets with what their rows name: two queries whatever the page size."""
    org_ids = {t.organization_id for t in tickets}
    people_ids = {t.requester_id for t in tickets} | {t.assignee_id for t in tickets}
    people_ids.discard(None)
    orgs = {}
    if org_ids:
        orgs = {
            org.pk: org
            for org in Organization.objects.for_tenant(tenant)
            .filter(pk__in=org_ids)
            .only("id", "tenant_id", "name")
        }
    people = {}
    if people_ids:
        people = {
            person.pk: person
            for person in User.objects.filter(tenant=tenant, pk__in=people_ids).only(
                "id", "tenant_id", "full_name", "email"
            )
        }
    types = catalogue(tenant=tenant).by_id
    for ticket in tickets:
        ticket.tenant = tenant
        ticket.organization = orgs[ticket.organization_id]
        ticket.requester = people[ticket.requester_id]
        ticket.assignee = people[ticket.assignee_id] if ticket.assignee_id else None
        ticket.ticket_type = types[ticket.ticket_type_id]
    return tickets


def api_context(request, **more) -> dict:
    return {"base_url": tenant_base_url(tenant=request.tenant), "request": request, **more}


def ticket_in_scope(request, reference):
    return ticket_for_actor(tenant=request.tenant, actor=request.user, reference=reference)


def _int_or_none(value, field):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise drf.ValidationError({field: [_("Give a number.")]}) from None


class TicketFilters(drf.Serializer):
    queue = drf.CharField(required=False, default="open")
    status = drf.CharField(required=False, default="")
    priority = drf.ChoiceField(choices=Priority.choices, required=False, default="")
    type = drf.IntegerField(required=False, default=None)
    organization = drf.IntegerField(required=False, default=None)
    assignee = drf.CharField(required=False, default="")
    q = drf.CharField(required=False, default="", max_length=100)
    sort = drf.ChoiceField(choices=sorted(ORDERS), required=False, default=None)
    scope = drf.ChoiceField(choices=["mine", "organization"], required=False, default="mine")
    cursor = drf.CharField(required=False, default="")
    page_size = drf.IntegerField(required=False, min_value=1, max_value=100, default=25)

    def validate_status(self, value):
        if value and value not in Status.values and value != "open":
            raise drf.ValidationError(
                _("Choose one of: %(values)s.") % {"values": ", ".join(["open", *Status.values])}
            )
        return value


LIST_PARAMETERS = [
    OpenApiParameter(
        "queue", str, description="Staff: open (default), mine, unassigned, or an escalation queue."
    ),
    OpenApiParameter("status", str, description="A status, or open (every open status)."),
    OpenApiParameter("priority", str, enum=Priority.values),
    OpenApiParameter(
        "type", int, description="Staff: a request type's id (its subtypes included)."
    ),
    OpenApiParameter("organization", int, description="Staff: an organization's id."),
    OpenApiParameter("assignee", str, description="Staff: an engineer's id, or none."),
    OpenApiParameter("q", str, description="A ticket number or words of the title."),
    OpenApiParameter(
        "sort",
        str,
        enum=sorted(ORDERS),
        description="Staff default sla (SLA due first); customers' default updated.",
    ),
    OpenApiParameter(
        "scope",
        str,
        enum=["mine", "organization"],
        description="Organization admins: their own or the organization's tickets.",
    ),
    OpenApiParameter("cursor", str, description="The next page's cursor, from the previous page."),
    OpenApiParameter("page_size", int, description="1 to 100; 25 by default."),
]


class TicketListView(APIView):
    @extend_schema(
        operation_id="tickets_list",
        parameters=LIST_PARAMETERS,
        responses=s.TicketPageSerializer,
        summary="List tickets",
        description="Staff: a queue, filtered and sorted as on the queue page. Customers: "
        "their tickets (and those they are in copy of), newest change first.",
    )
    def get(self, request):
        filters = TicketFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        tenant, actor = request.tenant, request.user
        if actor.is_agent:
            tickets = self._queue(request, data)
            order = ORDERS[data["sort"] or "sla"]
        else:
            tickets = customer_tickets(
                tenant=tenant,
                actor=actor,
                status=data["status"],
                query=data["q"],
                scope=data["scope"],
            )
            order = ORDERS[data["sort"] or "updated"]
        tickets = tickets.select_related(None).only(*LIST_ONLY)
        page = page_after(tickets, order=order, cursor=data["cursor"], size=data["page_size"])
        page.rows = list_rows(tenant=tenant, tickets=page.rows)
        next_url = None
        if page.next_cursor:
            query = request.query_params.copy()
            query["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(request.path) + "?" + query.urlencode()
        rows = s.TicketSerializer(page.rows, many=True, context=api_context(request)).data
        return Response({"next": next_url, "results": rows})

    def _queue(self, request, data):
        tenant, actor = request.tenant, request.user
        queue = data["queue"]
        extra = STAFF_PARTS.queues.get(queue)
        if queue not in QUEUES and extra is None:
            raise drf.ValidationError(
                {
                    "queue": [
                        _("Choose one of: %(values)s.")
                        % {"values": ", ".join([*QUEUES, *STAFF_PARTS.queues])}
                    ]
                }
            )
        assignee = data["assignee"]
        filters = QueueFilters(
            status=data["status"] if data["status"] != "open" else "",
            priority=data["priority"],
            ticket_type=data["type"],
            organization=data["organization"],
            assignee=0 if assignee == "none" else _int_or_none(assignee, "assignee"),
            query=data["q"],
        )
        return queue_tickets(
            tenant=tenant,
            actor=actor,
            queue=queue,
            filters=filters,
            queue_filter=extra.tickets(tenant=tenant, actor=actor) if extra else None,
        )

    @extend_schema(
        operation_id="tickets_create",
        request=s.TicketCreateSerializer,
        responses={201: s.TicketDetailSerializer},
        summary="Open a ticket",
        description="A customer opens their own; staff open one for a customer (requester), "
        "saying how it came in (channel).",
    )
    def post(self, request):
        payload = s.TicketCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        tenant, actor = request.tenant, request.user
        types = {t.pk: t for t in selectable_types(tenant=tenant)}
        ticket_type = types.get(data["type"])
        if ticket_type is None:
            raise drf.ValidationError({"type": [_("Choose a request type from the list.")]})
        requester = None
        if "requester" in data:
            if not actor.is_agent:
                raise drf.ValidationError(
                    {"requester": [_("Only staff open tickets for someone else.")]}
                )
            requester = customer_for_intake(tenant=tenant, customer_id=data["requester"])
            if requester is None:
                raise drf.ValidationError(
                    {"requester": [_("Choose an active customer of an organization.")]}
                )
        elif actor.is_agent:
            raise drf.ValidationError({"requester": [_("Say which customer the ticket is for.")]})
        extra = {}
        if actor.is_agent:
            extra = {"channel": data.get("channel", "phone"), "opened_at": data.get("opened_at")}
        ticket = ticket_create(
            actor=actor,
            tenant=tenant,
            title=data["title"],
            text=data["text"],
            ticket_type=ticket_type,
            priority=data.get("priority") or ticket_type.default_priority,
            affected_service=data.get("affected_service", ""),
            steps=data.get("steps", ""),
            attachment_ids=[str(i) for i in data.get("attachments", [])],
            base_url=tenant_base_url(tenant=tenant),
            requester=requester,
            **extra,
        )
        ticket = ticket_in_scope(request, ticket.reference)
        body = s.TicketDetailSerializer(ticket, context=api_context(request)).data
        return Response(body, status=status.HTTP_201_CREATED)


class TicketDetailView(APIView):
    @extend_schema(
        operation_id="tickets_read", responses=s.TicketDetailSerializer, summary="Read a ticket"
    )
    def get(self, request, reference):
        ticket = ticket_in_scope(request, reference)
        return Response(s.TicketDetailSerializer(ticket, context=api_context(request)).data)

    @extend_schema(
        operation_id="tickets_update",
        request=s.TicketUpdateSerializer,
        responses=s.TicketDetailSerializer,
        summary="Change status, priority, assignee or type",
        description="Each change goes through the same rules as on the ticket page: "
        "customers close and reopen; staff change everything; a priority change needs a "
        "reason. All or nothing.",
    )
    def patch(self, request, reference):
        payload = s.TicketUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        tenant, actor = request.tenant, request.user
        ticket = ticket_in_scope(request, reference)
        base_url = tenant_base_url(tenant=tenant)
        with transaction.atomic():
            if "type" in data:
                ticket_type = {t.pk: t for t in selectable_types(tenant=tenant)}.get(data["type"])
                if ticket_type is None or not actor.is_agent:
                    raise ValidationError(
                        {"type": [_("Choose a type from this help desk's catalogue.")]}
                    )
                ticket = ticket_change_type(ticket=ticket, actor=actor, ticket_type=ticket_type)
            if "priority" in data and data["priority"] != ticket.priority:
                if not data.get("reason", "").strip():
                    raise ValidationError({"reason": [_("Say why the priority changes.")]})
                ticket = ticket_priority_change(
                    ticket=ticket, actor=actor, priority=data["priority"], reason=data["reason"]
                )
            if "assignee" in data:
                assignee = None
                if data["assignee"] is not None:
                    assignee = assignable_staff(tenant=tenant).filter(pk=data["assignee"]).first()
                    if assignee is None:
                        raise ValidationError(
                            {"assignee": [_("Choose an engineer from the list.")]}
                        )
                ticket = ticket_assign(
                    ticket=ticket, actor=actor, assignee=assignee, base_url=base_url
                )
            if "status" in data and data["status"] != ticket.status:
                if not may_set_status(actor, ticket, data["status"], timezone.now()):
                    raise ValidationError(
                        {
                            "status": [
                                _("This ticket cannot be moved to %(status)s.")
                                % {"status": Status(data["status"]).label}
                            ]
                        }
                    )
                ticket = ticket_transition(
                    ticket=ticket,
                    actor=actor,
                    to_status=data["status"],
                    reason=data.get("reason", ""),
                    base_url=base_url,
                )
        ticket = ticket_in_scope(request, reference)
        return Response(s.TicketDetailSerializer(ticket, context=api_context(request)).data)
