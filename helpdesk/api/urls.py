"""``/api/`` on a tenant's host: version 1 of the API, its schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from . import catalogue, schema, ticket_parts, tickets  # noqa: F401 (schema: the auth schemes)

ticket_urls = [
    path("", tickets.TicketListView.as_view(), name="tickets"),
    path("<str:reference>/", tickets.TicketDetailView.as_view(), name="ticket"),
    path(
        "<str:reference>/messages/",
        ticket_parts.MessagesView.as_view(),
        name="ticket-messages",
    ),
    path("<str:reference>/replies/", ticket_parts.ReplyView.as_view(), name="ticket-reply"),
    path("<str:reference>/notes/", ticket_parts.NoteView.as_view(), name="ticket-note"),
    path(
        "<str:reference>/attachments/",
        ticket_parts.AttachmentsView.as_view(),
        name="ticket-attachments",
    ),
    path(
        "<str:reference>/attachments/<uuid:public_id>/download/",
        ticket_parts.AttachmentDownloadView.as_view(),
        name="ticket-attachment-download",
    ),
    path("<str:reference>/sla/", ticket_parts.SlaView.as_view(), name="ticket-sla"),
    path(
        "<str:reference>/escalations/",
        ticket_parts.EscalationsView.as_view(),
        name="ticket-escalations",
    ),
]

v1 = [
    path("tickets/", include(ticket_urls)),
    path("uploads/", ticket_parts.UploadView.as_view(), name="uploads"),
    *catalogue.urls,
    # What the API offers is no secret: the schema and docs open without signing in.
    path(
        "schema/",
        SpectacularAPIView.as_view(api_version="1", permission_classes=[AllowAny]),
        name="schema",
    ),
]

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[AllowAny]),
        name="docs",
    ),
]
