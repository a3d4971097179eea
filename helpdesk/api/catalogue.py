"""Request types, organizations and customers, knowledge base articles and incidents.

The request catalogue is here; the directory (organizations, customers), the knowledge
base and the incidents have their own modules. ``urls`` is what the v1 URLconf includes.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.priorities import Priority
from tickets.selectors import selectable_types

from . import articles, directory, incidents


class RequestTypeSerializer(drf.Serializer):
    id = drf.IntegerField(read_only=True)
    slug = drf.CharField(read_only=True)
    name = drf.CharField(
        source="full_name",
        read_only=True,
        help_text=_("With its reason, e.g. Access › VPN."),
    )
    description = drf.CharField(read_only=True)
    default_priority = drf.ChoiceField(choices=Priority.choices, read_only=True)
    parent = drf.IntegerField(source="parent_id", read_only=True, allow_null=True)


class RequestTypeListView(APIView):
    @extend_schema(
        operation_id="request_types_list",
        responses=RequestTypeSerializer(many=True),
        summary="List request types",
        description="The catalogue a ticket's type is chosen from, in catalogue order: the "
        "active entries without active sub-categories, as on the new-ticket form.",
    )
    def get(self, request):
        types = selectable_types(tenant=request.tenant)
        return Response(RequestTypeSerializer(types, many=True).data)


urls = [
    path("request-types/", RequestTypeListView.as_view(), name="request-types"),
    path("organizations/", directory.OrganizationListView.as_view(), name="organizations"),
    path(
        "organizations/<int:pk>/",
        directory.OrganizationDetailView.as_view(),
        name="organization",
    ),
    path("customers/", directory.CustomerListView.as_view(), name="customers"),
    path("customers/<int:pk>/", directory.CustomerDetailView.as_view(), name="customer"),
    path("articles/", articles.ArticleListView.as_view(), name="articles"),
    path("articles/<slug:slug>/", articles.ArticleDetailView.as_view(), name="article"),
    path("incidents/", incidents.IncidentListView.as_view(), name="incidents"),
    path("incidents/<int:pk>/", incidents.IncidentDetailView.as_view(), name="incident"),
]
