"""The allauth pages the product uses, and nothing else of allauth's.

Signing in and out, the password reset by emailed link and the password change on the
profile. allauth's own account management (email addresses, sign-up, email confirmation,
setting a password, re-authentication, the inactive page, login by code) is not routed: the
sign-in address changes only through the profile's verified flow (``profile_email``).
"""

from allauth.account import views
from django.urls import path, re_path

from . import views as account_views

urlpatterns = [
    path("login/", views.login, name="account_login"),
    path("logout/", views.logout, name="account_logout"),
    path("password/change/", account_views.password_change, name="account_change_password"),
    path("password/reset/", views.password_reset, name="account_reset_password"),
    path("password/reset/done/", views.password_reset_done, name="account_reset_password_done"),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
]
