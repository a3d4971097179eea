from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("organization/members/", views.members, name="members"),
    path(
        "organization/members/<int:member_id>/active/",
        views.member_active,
        name="member_active",
    ),
    path(
        "organization/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("brand.css", views.brand_css, name="brand_css"),
    path("healthz", views.healthz, name="healthz"),
]
