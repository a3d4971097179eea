"""A site without the tickets app, to show knowledge base pages never depend on it."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("kb/", include("knowledge_base.urls")),
    path("", include("accounts.urls")),
]
