from django.urls import path

from . import statement_views, views

app_name = "reports"

urlpatterns = [
    path("sla/", views.sla_report, name="sla"),
    path("sla/tickets/", views.sla_report_tickets, name="sla_tickets"),
    path("sla/export.csv", views.sla_report_csv, name="sla_csv"),
    path("sla/tickets.csv", views.sla_report_tickets_csv, name="sla_tickets_csv"),
    path("statement/", statement_views.sla_statement, name="statement"),
    path("statement/statement.csv", statement_views.sla_statement_csv, name="statement_csv"),
]
