from django.urls import path

from .views import customer, files, staff, ticket

app_name = "tickets"

urlpatterns = [
    path("tickets/", customer.ticket_list, name="list"),
    path("tickets/new/", customer.ticket_new, name="new"),
    path("tickets/<str:reference>/", ticket.ticket_detail, name="detail"),
    path(
        "tickets/<str:reference>/conversation/",
        ticket.ticket_conversation,
        name="conversation",
    ),
    path("tickets/<str:reference>/reply/", ticket.ticket_reply_view, name="reply"),
    path("tickets/<str:reference>/evidence/", ticket.ticket_evidence, name="evidence"),
    path("tickets/<str:reference>/status/", ticket.ticket_status, name="status"),
    path("tickets/<str:reference>/assign/", ticket.ticket_assign_view, name="assign"),
    path("tickets/<str:reference>/priority/", ticket.ticket_priority, name="priority"),
    path("tickets/<str:reference>/type/", ticket.ticket_type_view, name="type"),
    path(
        "tickets/<str:reference>/files/<uuid:public_id>/",
        files.attachment_download,
        name="attachment",
    ),
    path("queue/", staff.queue, name="queue_default"),
    path("queue/type/<slug:type_slug>/", staff.queue, name="queue_type"),
    path("queue/<slug:queue>/", staff.queue, name="queue"),
]
