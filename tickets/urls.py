from django.urls import path

from .status import ticket_views as status_ticket_views
from .views import copies, customer, files, on_behalf, staff, staff_actions, ticket
from .views.parts import NO_PARTS, StaffParts

app_name = "tickets"


def ticket_urlpatterns(*, parts: StaffParts = NO_PARTS) -> list:
    """Tickets' URLs, the views that render the ticket page or a queue given ``parts``
    (what an app built on tickets adds to them: see ``tickets.views.parts``)."""
    page = {"parts": parts}
    return [
        path("tickets/", customer.ticket_list, name="list"),
        path("tickets/new/", customer.ticket_new, name="new"),
        path(
            "tickets/new/known-incidents/",
            status_ticket_views.known_incidents_partial,
            name="known_incidents",
        ),
        path("tickets/<str:reference>/", ticket.ticket_detail, page, name="detail"),
        path(
            "tickets/<str:reference>/conversation/",
            ticket.ticket_conversation,
            name="conversation",
        ),
        path("tickets/<str:reference>/reply/", ticket.ticket_reply_view, page, name="reply"),
        path("tickets/<str:reference>/evidence/", ticket.ticket_evidence, page, name="evidence"),
        path("tickets/<str:reference>/status/", ticket.ticket_status, page, name="status"),
        path("tickets/<str:reference>/assign/", staff_actions.ticket_assign_view, name="assign"),
        path(
            "tickets/<str:reference>/priority/",
            staff_actions.ticket_priority,
            page,
            name="priority",
        ),
        path("tickets/<str:reference>/type/", staff_actions.ticket_type_view, page, name="type"),
        path(
            "tickets/<str:reference>/incidents/link/",
            staff_actions.ticket_incident_link_view,
            name="incident_link",
        ),
        path(
            "tickets/<str:reference>/incidents/<int:incident_id>/unlink/",
            staff_actions.ticket_incident_unlink_view,
            name="incident_unlink",
        ),
        path("tickets/<str:reference>/copies/", copies.copy_add, page, name="copy_add"),
        path(
            "tickets/<str:reference>/copies/<int:participant_id>/remove/",
            copies.copy_remove,
            name="copy_remove",
        ),
        path(
            "tickets/<str:reference>/messages/<int:message_id>/original/",
            files.message_original,
            name="message_original",
        ),
        path(
            "tickets/<str:reference>/files/<uuid:public_id>/",
            files.attachment_download,
            name="attachment",
        ),
        path("staff/tickets/new/", on_behalf.ticket_for_customer, name="new_for_customer"),
        path(
            "staff/customers/search/",
            on_behalf.customer_search_results,
            name="customer_search",
        ),
        path("queue/link-incident/", staff.queue_incident_link, name="queue_incident_link"),
        path("queue/", staff.queue, page, name="queue_default"),
        path("queue/type/<slug:type_slug>/", staff.queue, page, name="queue_type"),
        path("queue/<slug:queue>/", staff.queue, page, name="queue"),
    ]


# Tickets' pages alone; helpdesk/urls.py includes them with escalation's parts.
urlpatterns = ticket_urlpatterns()
