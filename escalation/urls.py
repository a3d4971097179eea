from django.urls import path

from . import views

app_name = "escalation"

urlpatterns = [
    path("tickets/<str:reference>/escalate/", views.ticket_escalate_view, name="escalate"),
    path("tickets/<str:reference>/deescalate/", views.ticket_deescalate_view, name="deescalate"),
]
