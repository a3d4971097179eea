"""Incidents and maintenance windows. Staff read every one of the tenant's, drafts
included, as on their incident pages (``incident_for_staff``); customers read what the
public status page shows them (``incidents_visible`` / ``incident_for_viewer``): published
ones touching a public component or none, with their public components only. Both answer
the same 404 for a missing incident and one the reader may not see."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.links import absolute_url, tenant_base_url
from tickets.models import (
    ENDED_STATUSES,
    ComponentStatus,
    Incident,
    IncidentComponent,
    IncidentImpact,
    IncidentKind,
    IncidentStatus,
    IncidentUpdate,
)
from tickets.status.selectors import incident_for_viewer, incidents_visible
from tickets.status.staff_selectors import incident_for_staff

from .directory import PAGE_PARAMETERS, PageQuery, page_body, page_serializer, query_of
from .pagination import Key, page_after

STAFF_ORDER = (
    Key("created_at", descending=True, kind=datetime),
    Key("id", descending=True, kind=int),
)
# Published incidents only reach customers: newest announcement first, as on the page.
PUBLIC_ORDER = (
    Key("published_at", descending=True, kind=datetime),
    Key("id", descending=True, kind=int),
)
STATUS_GROUPS = ("open", "ended")


def _staff_prefetch() -> list[Prefetch]:
    """Every update and every affected component, for the tenant's staff (two queries)."""
    return [
        Prefetch("updates", queryset=IncidentUpdate.objects.order_by("-created_at", "-pk")),
        Prefetch(
            "affected",
            queryset=IncidentComponent.objects.select_related("component").order_by(
                "component__position", "component__name"
            ),
        ),
    ]


def staff_incidents(*, tenant):
    """All of the tenant's incidents and maintenance windows, drafts included."""
    return Incident.objects.for_tenant(tenant).prefetch_related(*_staff_prefetch())


class ComponentStateSerializer(drf.Serializer):
    name = drf.CharField(source="component.name", read_only=True)
    slug = drf.CharField(source="component.slug", read_only=True)
    state = drf.ChoiceField(
        source="status",
        choices=ComponentStatus.choices,
        read_only=True,
        help_text=gettext_lazy("The state the incident puts the component in."),
    )


class IncidentUpdateSerializer(drf.Serializer):
    status = drf.ChoiceField(choices=IncidentStatus.choices, read_only=True)
    body = drf.CharField(read_only=True, help_text=gettext_lazy("Markdown, as written."))
    body_html = drf.CharField(
        read_only=True, help_text=gettext_lazy("The message rendered, sanitized.")
    )
    created_at = drf.DateTimeField(read_only=True)


class IncidentSerializer(drf.Serializer):
    id = drf.IntegerField(read_only=True)
    title = drf.CharField(read_only=True)
    kind = drf.ChoiceField(choices=IncidentKind.choices, read_only=True)
    status = drf.ChoiceField(choices=IncidentStatus.choices, read_only=True)
    impact = drf.ChoiceField(choices=IncidentImpact.choices, read_only=True)
    components = ComponentStateSerializer(source="affected.all", many=True, read_only=True)
    updates = IncidentUpdateSerializer(
        source="updates.all",
        many=True,
        read_only=True,
        help_text=gettext_lazy("Newest first."),
    )
    starts_at = drf.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("Maintenance: the announced window; incidents: when it began."),
    )
    ends_at = drf.DateTimeField(read_only=True, allow_null=True)
    created_at = drf.DateTimeField(read_only=True)
    published_at = drf.DateTimeField(
        read_only=True, allow_null=True, help_text=gettext_lazy("Staff: empty for a draft.")
    )
    updated_at = drf.DateTimeField(read_only=True)
    resolved_at = drf.DateTimeField(source="ended_at", read_only=True, allow_null=True)
    url = drf.SerializerMethodField(
        help_text=gettext_lazy("Its page on the status page (none for a draft).")
    )

    def get_url(self, incident) -> str | None:
        if incident.published_at is None:
            return None
        path = reverse("status:incident", args=[incident.pk])
        return absolute_url(self.context["base_url"], path)


IncidentPageSerializer = page_serializer("IncidentPage", IncidentSerializer)


class IncidentQuery(PageQuery):
    status = drf.CharField(required=False, default="")
    kind = drf.ChoiceField(choices=IncidentKind.choices, required=False, default="")

    def validate_status(self, value):
        if value and value not in IncidentStatus.values and value not in STATUS_GROUPS:
            values = ", ".join([*STATUS_GROUPS, *IncidentStatus.values])
            raise drf.ValidationError(_("Choose one of: %(values)s.") % {"values": values})
        return value


def _filtered(incidents, query):
    status = query["status"]
    if status == "open":
        incidents = incidents.exclude(status__in=ENDED_STATUSES)
    elif status == "ended":
        incidents = incidents.filter(status__in=ENDED_STATUSES)
    elif status:
        incidents = incidents.filter(status=status)
    if query["kind"]:
        incidents = incidents.filter(kind=query["kind"])
    return incidents


def _context(request) -> dict:
    return {"base_url": tenant_base_url(tenant=request.tenant)}


class IncidentListView(APIView):
    @extend_schema(
        operation_id="incidents_list",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                description="A status, open (not ended) or ended.",
            ),
            OpenApiParameter("kind", str, enum=IncidentKind.values),
            *PAGE_PARAMETERS,
        ],
        responses=IncidentPageSerializer,
        summary="List incidents and maintenance",
        description="Staff: all of the help desk's, drafts included, newest first. "
        "Customers: those the public status page shows, newest announcement first.",
    )
    def get(self, request):
        query = query_of(request, IncidentQuery)
        if request.user.is_agent:
            incidents, order = staff_incidents(tenant=request.tenant), STAFF_ORDER
        else:
            incidents, order = incidents_visible(request.tenant, staff=False), PUBLIC_ORDER
        page = page_after(
            _filtered(incidents, query),
            order=order,
            cursor=query["cursor"],
            size=query["page_size"],
        )
        rows = IncidentSerializer(page.rows, many=True, context=_context(request)).data
        return Response(page_body(request, rows=rows, next_cursor=page.next_cursor))


class IncidentDetailView(APIView):
    @extend_schema(
        operation_id="incidents_read",
        responses=IncidentSerializer,
        summary="Read an incident or maintenance window",
    )
    def get(self, request, pk):
        tenant, actor = request.tenant, request.user
        if actor.is_agent:
            incident = incident_for_staff(tenant=tenant, actor=actor, pk=pk)
            prefetch_related_objects([incident], *_staff_prefetch())
        else:
            incident = incident_for_viewer(tenant, pk, staff=False)
        return Response(IncidentSerializer(incident, context=_context(request)).data)
