"""A site without the tickets app, to show knowledge base pages never depend on it."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("kb/", include("knowledge_base.urls")),
    path("", RedirectView.as_view(pattern_name="kb:home"), name="home"),
    path("", include("accounts.urls")),
]
