from django.urls import path

from . import email_change_views, security_views, token_views, views
from .two_factor import views as two_factor_views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("language/", views.language_switch, name="language_switch"),
    path("profile/email/", email_change_views.email_change, name="profile_email"),
    path(
        "profile/email/confirm/<str:token>/",
        email_change_views.email_change_confirm,
        name="profile_email_confirm",
    ),
    path("profile/tokens/", token_views.api_tokens, name="api_tokens"),
    path(
        "profile/tokens/<int:token_id>/revoke/",
        token_views.api_token_revoke,
        name="api_token_revoke",
    ),
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
    path("accounts/2fa/verify/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/2fa/setup/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path(
        "accounts/2fa/backup-codes/",
        two_factor_views.two_factor_backup_codes,
        name="two_factor_backup_codes",
    ),
    path("accounts/2fa/disable/", two_factor_views.two_factor_disable, name="two_factor_disable"),
    path("security/people/", security_views.people_security, name="security_people"),
    path(
        "security/people/<int:person_id>/reset-two-factor/",
        security_views.person_two_factor_reset,
        name="security_two_factor_reset",
    ),
    path("security/audit/", security_views.audit_log, name="security_audit_log"),
    path("brand.css", views.brand_css, name="brand_css"),
]
