"""The tenant's organizations and customers, for staff (customers get the same 404 as a
missing page). Nothing security-related leaves here: no password, two-factor or token
state, only what the staff's pages show about a person.

Also the list pages every catalogue endpoint shares: ``PageQuery`` and ``page_body``.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from tickets.selectors import (
    CUSTOMER_SEARCH_LIMIT,
    active_customers,
    customer_for_intake,
    customer_search,
    tenant_organizations,
)

from .pagination import Key, page_after
from .permissions import StaffOnly
from .serializers import NamedSerializer

BY_NAME = (Key("name"), Key("id", kind=int))
CUSTOMERS_BY_NAME = (Key("full_name"), Key("id", kind=int))
PAGE_PARAMETERS = [
    OpenApiParameter("cursor", str, description="The next page's cursor, from the previous page."),
    OpenApiParameter("page_size", int, description="1 to 100; 25 by default."),
]


class PageQuery(drf.Serializer):
    cursor = drf.CharField(required=False, default="")
    page_size = drf.IntegerField(required=False, min_value=1, max_value=100, default=25)


def page_body(request, *, rows, next_cursor: str | None) -> dict:
    """A list page: its serialized rows and the link to the next one (None on the last)."""
    next_url = None
    if next_cursor:
        query = request.query_params.copy()
        query["cursor"] = next_cursor
        next_url = request.build_absolute_uri(request.path) + "?" + query.urlencode()
    return {"next": next_url, "results": rows}


def page_serializer(name: str, row: type[drf.Serializer]) -> type[drf.Serializer]:
    """The schema of a list page of ``row``s."""
    fields = {
        "next": drf.URLField(allow_null=True, read_only=True),
        "results": row(many=True, read_only=True),
    }
    return type(name, (drf.Serializer,), fields)


def query_of(request, serializer: type[drf.Serializer]) -> dict:
    query = serializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class OrganizationSerializer(drf.Serializer):
    id = drf.IntegerField(read_only=True)
    name = drf.CharField(read_only=True)
    slug = drf.CharField(read_only=True)
    plan = NamedSerializer(read_only=True, allow_null=True, help_text=_("The support plan."))
    active = drf.BooleanField(source="is_active", read_only=True)
    created_at = drf.DateTimeField(read_only=True)


OrganizationPageSerializer = page_serializer("OrganizationPage", OrganizationSerializer)


def _organizations(request):
    return tenant_organizations(tenant=request.tenant).select_related("plan")


class OrganizationListView(APIView):
    permission_classes = [*APIView.permission_classes, StaffOnly]

    @extend_schema(
        operation_id="organizations_list",
        parameters=PAGE_PARAMETERS,
        responses=OrganizationPageSerializer,
        summary="List organizations (staff)",
        description="The help desk's customer organizations by name, inactive ones included.",
    )
    def get(self, request):
        query = query_of(request, PageQuery)
        page = page_after(
            _organizations(request),
            order=BY_NAME,
            cursor=query["cursor"],
            size=query["page_size"],
        )
        rows = OrganizationSerializer(page.rows, many=True).data
        return Response(page_body(request, rows=rows, next_cursor=page.next_cursor))


class OrganizationDetailView(APIView):
    permission_classes = [*APIView.permission_classes, StaffOnly]

    @extend_schema(
        operation_id="organizations_read",
        responses=OrganizationSerializer,
        summary="Read an organization (staff)",
    )
    def get(self, request, pk):
        organization = _organizations(request).filter(pk=pk).first()
        if organization is None:
            raise Http404("No such organization.")
        return Response(OrganizationSerializer(organization).data)


class CustomerSerializer(drf.Serializer):
    id = drf.IntegerField(read_only=True)
    name = drf.CharField(source="full_name", read_only=True)
    email = drf.EmailField(read_only=True)
    organization = NamedSerializer(read_only=True)
    role = drf.ChoiceField(
        choices=[(r.value, r.label) for r in (Role.CUSTOMER, Role.ORG_ADMIN)], read_only=True
    )
    language = drf.CharField(read_only=True)
    time_zone = drf.CharField(read_only=True)
    active = drf.BooleanField(source="is_active", read_only=True)


CustomerPageSerializer = page_serializer("CustomerPage", CustomerSerializer)


class CustomerQuery(PageQuery):
    q = drf.CharField(required=False, default="", max_length=100)
    organization = drf.IntegerField(required=False, default=None)


class CustomerListView(APIView):
    permission_classes = [*APIView.permission_classes, StaffOnly]

    @extend_schema(
        operation_id="customers_list",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description=f"Words of the name or email: the best {CUSTOMER_SEARCH_LIMIT} "
                "matches by name, on one page.",
            ),
            OpenApiParameter("organization", int, description="An organization's id."),
            *PAGE_PARAMETERS,
        ],
        responses=CustomerPageSerializer,
        summary="List customers (staff)",
        description="The customers who can have tickets (active, of an active "
        "organization), by name.",
    )
    def get(self, request):
        query = query_of(request, CustomerQuery)
        tenant, organization = request.tenant, query["organization"]
        if query["q"].strip():
            rows = customer_search(tenant=tenant, query=query["q"], organization_id=organization)
            data = CustomerSerializer(rows, many=True).data
            return Response(page_body(request, rows=data, next_cursor=None))
        customers = active_customers(tenant=tenant).select_related("organization")
        if organization is not None:
            customers = customers.filter(organization_id=organization)
        page = page_after(
            customers, order=CUSTOMERS_BY_NAME, cursor=query["cursor"], size=query["page_size"]
        )
        data = CustomerSerializer(page.rows, many=True).data
        return Response(page_body(request, rows=data, next_cursor=page.next_cursor))


class CustomerDetailView(APIView):
    permission_classes = [*APIView.permission_classes, StaffOnly]

    @extend_schema(
        operation_id="customers_read",
        responses=CustomerSerializer,
        summary="Read a customer (staff)",
    )
    def get(self, request, pk):
        customer = customer_for_intake(tenant=request.tenant, customer_id=pk)
        if customer is None:
            raise Http404("No such customer.")
        return Response(CustomerSerializer(customer).data)
