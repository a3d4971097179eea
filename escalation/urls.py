from django.urls import path

from tickets.urls import ticket_urlpatterns

from . import views
from .pages import STAFF_PARTS

app_name = "escalation"

urlpatterns = [
    path("tickets/<str:reference>/escalate/", views.ticket_escalate_view, name="escalate"),
    path("tickets/<str:reference>/deescalate/", views.ticket_deescalate_view, name="deescalate"),
]

# Tickets' URLs and names with escalation's parts on the staff pages (the panel, the level
# badges, the escalated queues): the root URLconf includes these in place of tickets.urls.
ticket_pages = (ticket_urlpatterns(parts=STAFF_PARTS), "tickets")
