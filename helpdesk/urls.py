from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from escalation.pages import STAFF_PARTS
from escalation.urls import ticket_pages
from tickets.intake.webhooks import inbound_webhook_urls
from tickets.views import home

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    # Browsers ask every host for /favicon.ico, the admin's pages included.
    path(
        "favicon.ico",
        serve,
        {"path": "favicon.ico", "document_root": settings.BASE_DIR / "static"},
        name="favicon",
    ),
    # Answered by ProbeMiddleware before tenants and sessions; routed for reverse().
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/", include("accounts.allauth_urls")),
    # Mail providers' inbound webhooks (stored by tickets.intake.webhooks), and only those:
    # anymail's tracking webhooks are not served. Each checks the provider's signature or
    # the basic-auth secret (settings.ANYMAIL).
    path("anymail/", include((inbound_webhook_urls(), "anymail"))),
    # The JSON API, its schema and docs (helpdesk/api).
    path("api/", include("helpdesk.api.urls")),
    path("kb/", include("knowledge_base.urls")),
    path("reports/", include("tickets.reports.urls")),
    # The tenant's public status page (no sign-in) and the staff's incident pages.
    path("status/", include("tickets.status.public_urls")),
    path("incidents/", include("tickets.status.staff_urls")),
    # Each role's home page, with escalation's parts for staff (tickets import nothing of it).
    path("", home.home, {"parts": STAFF_PARTS}, name="home"),
    path("", include("accounts.urls")),
    # Tickets' pages with escalation's parts (tickets import nothing of escalation).
    path("", include(ticket_pages)),
    path("", include("escalation.urls")),
]

handler400 = "helpdesk.views.bad_request"
handler403 = "helpdesk.views.permission_denied"
handler404 = "helpdesk.views.not_found"
handler500 = "helpdesk.views.server_error"
