"""Account security around sign-in: sessions ending on password reset, new-browser notices,
password rules and the checks that keep two-factor enforced in production."""

import re

import pytest
from django.contrib.auth import password_validation
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from accounts.security import DEVICE_COOKIE
from helpdesk.models import OutboxEmail
from tests.factories import PASSWORD, login_with_verified_device, totp_device_for

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def emails_to(user, subject_part: str) -> list[OutboxEmail]:
    return [
        email
        for email in OutboxEmail.objects.order_by("pk")
        if user.email in email.to and subject_part in email.subject
    ]


def test_password_reset_ends_every_other_session(acme, totp_clock):
    device = totp_device_for(acme.customer)
    laptop = Client(HTTP_HOST=acme.host)
    login_with_verified_device(laptop, acme.customer, device=device)
    halfway = Client(HTTP_HOST=acme.host)  # password typed, code not yet
    halfway.post(LOGIN, {"login": acme.customer.email, "password": PASSWORD})
    assert laptop.get("/").status_code == 200

    stranger = Client(HTTP_HOST=acme.host)
    stranger.post("/accounts/password/reset/", {"email": acme.customer.email})
    email = OutboxEmail.objects.filter(to=[acme.customer.email]).latest("pk")
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", email.body_text).group(0)
    form = stranger.get(link, follow=True)
    stranger.post(
        form.redirect_chain[-1][0],
        {"password1": "a-brand-new-secret-42", "password2": "a-brand-new-secret-42"},
    )

    assert laptop.get("/").url == "/accounts/login/"
    assert halfway.get("/").url == "/accounts/login/"
    # Resetting the password does not sign anyone in, nor skip the code.
    assert stranger.get("/").url == "/accounts/login/"
    again = Client(HTTP_HOST=acme.host)
    again.post(LOGIN, {"login": acme.customer.email, "password": "a-brand-new-secret-42"})
    assert again.get("/").url.startswith("/accounts/2fa/verify/")


def test_new_browser_gets_a_notice_but_the_usual_one_does_not(acme):
    home = Client(HTTP_HOST=acme.host, REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT="Firefox/130")
    first = home.post(LOGIN, {"login": acme.customer.email, "password": PASSWORD})
    cookie = first.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not emails_to(acme.customer, "New sign-in")  # the very first sign-in

    home.post("/accounts/logout/")
    home.post(LOGIN, {"login": acme.customer.email, "password": PASSWORD})
    assert not emails_to(acme.customer, "New sign-in")

    # Same network and browser, cookie lost (private window): still recognised.
    private = Client(HTTP_HOST=acme.host, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="Firefox/130")
    private.post(LOGIN, {"login": acme.customer.email, "password": PASSWORD})
    assert not emails_to(acme.customer, "New sign-in")

    abroad = Client(HTTP_HOST=acme.host, REMOTE_ADDR="198.51.100.20", HTTP_USER_AGENT="Edge/129")
    abroad.post(LOGIN, {"login": acme.customer.email, "password": PASSWORD})
    [notice] = emails_to(acme.customer, "New sign-in")
    assert "198.51.100.20" in notice.body_text and "Edge/129" in notice.body_text
    assert "change your password now" in notice.body_text


def test_new_sign_in_notice_says_the_code_was_still_asked(acme):
    totp_device_for(acme.customer)
    Client(HTTP_HOST=acme.host, REMOTE_ADDR="203.0.113.5").post(
        LOGIN, {"login": acme.customer.email, "password": PASSWORD}
    )
    Client(HTTP_HOST=acme.host, REMOTE_ADDR="198.51.100.20", HTTP_USER_AGENT="Edge").post(
        LOGIN, {"login": acme.customer.email, "password": PASSWORD}
    )
    [notice] = emails_to(acme.customer, "New sign-in")
    assert "Your two-factor code was asked next." in notice.body_text


def test_security_emails_show_the_time_in_the_recipients_zone(acme):
    acme.engineer.time_zone = "Asia/Tokyo"
    acme.engineer.save()
    totp_device_for(acme.engineer)
    admin = Client(HTTP_HOST=acme.host)
    admin.force_login(acme.tenant_admin)
    admin.post(f"/security/people/{acme.engineer.pk}/reset-two-factor/")
    [notice] = emails_to(acme.engineer, "reset")
    assert " JST" in notice.body_text
    assert notice.from_email == acme.tenant.from_email


@pytest.mark.parametrize(
    "password,problem",
    [
        ("short-1", "too short"),
        ("password123", "too common"),
        ("4815162342108", "entirely numeric"),
        ("ada.lovelace.x", "too similar"),
    ],
)
def test_weak_passwords_are_refused(password, problem):
    person = User(email="ada.lovelace.x@example.com", full_name="Ada Lovelace")
    with pytest.raises(ValidationError) as error:
        password_validation.validate_password(password, person)
    assert problem in " ".join(error.value.messages)


def test_production_checks_refuse_to_run_without_two_factor_enforcement(settings):
    settings.PLATFORM_2FA_REQUIRED = True
    assert not [
        m for m in run_checks(include_deployment_checks=True) if m.id.startswith("accounts")
    ]

    settings.PLATFORM_2FA_REQUIRED = False
    assert "accounts.W001" in [m.id for m in run_checks(include_deployment_checks=True)]

    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "accounts.middleware.TwoFactorMiddleware"
    ]
    assert "accounts.E001" in [m.id for m in run_checks()]
