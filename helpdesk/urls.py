from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.allauth_urls")),
    path("kb/", include("knowledge_base.urls")),
    path("", include("accounts.urls")),
    path("", include("tickets.urls")),
    path("", include("escalation.urls")),
]

handler400 = "helpdesk.views.bad_request"
handler403 = "helpdesk.views.permission_denied"
handler404 = "helpdesk.views.not_found"
handler500 = "helpdesk.views.server_error"
