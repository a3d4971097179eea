"""Only the allauth pages the product uses are routed; every other page of allauth's own
urlconf (for this configuration) is a 404, for visitors and signed-in people alike."""

import re

import pytest
from allauth import urls as allauth_urls
from django.test import Client
from django.urls import URLPattern, URLResolver

pytestmark = pytest.mark.django_db

ROUTED = {
    "account_login",
    "account_logout",
    "account_change_password",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
}


def _patterns(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + _path_of(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield entry.name, prefix + _path_of(entry.pattern)


def _path_of(pattern) -> str:
    """A concrete path matching a route or regex pattern (groups filled with samples)."""
    text = str(pattern)
    text = re.sub(r"\(\?P<\w+>[^)]*\)", "x1", text)
    text = re.sub(r"<(?:\w+:)?\w+>", "x1", text)
    return text.lstrip("^").rstrip("$").replace("\\", "")


ALLAUTH_PAGES = sorted(set(_patterns(allauth_urls.urlpatterns)))


def test_the_configuration_has_pages_to_hide():
    names = {name for name, _path in ALLAUTH_PAGES}
    assert names > ROUTED
    assert {"account_email", "account_signup", "account_confirm_email"} <= names


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in"])
@pytest.mark.parametrize(("name", "path"), ALLAUTH_PAGES, ids=[n for n, _ in ALLAUTH_PAGES])
def test_only_the_pages_the_product_uses_are_routed(acme, name, path, signed_in):
    client = Client(HTTP_HOST=acme.host)
    if signed_in:
        client.force_login(acme.customer)
    url = "/accounts/" + path
    answers = [client.get(url).status_code, client.post(url, {}).status_code]
    if name in ROUTED:
        assert 404 not in answers, url
    else:
        assert answers == [404, 404], url


def test_email_management_cannot_take_an_account_over(acme, globex):
    """The issue's takeover: from someone's session, add an address (here another tenant's
    person's), make it primary and reset the password to it."""
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.customer)
    attacker_address = globex.customer.email
    for data in (
        {"action_add": "", "email": attacker_address},
        {"action_primary": "", "email": attacker_address},
    ):
        assert client.post("/accounts/email/", data).status_code == 404
    acme.customer.refresh_from_db()
    assert acme.customer.email == "customer@acme.test"
    from allauth.account.models import EmailAddress

    assert not EmailAddress.objects.filter(email__iexact=attacker_address).exists()
    # A reset asked for with the added address reaches nobody on this portal.
    from helpdesk.models import OutboxEmail

    Client(HTTP_HOST=acme.host).post("/accounts/password/reset/", {"email": attacker_address})
    assert not [e for e in OutboxEmail.objects.all() if attacker_address in e.to]
    # The other tenant's person still signs in on their own portal.
    from tests.factories import PASSWORD

    signed_in = Client(HTTP_HOST=globex.host).post(
        "/accounts/login/", {"login": attacker_address, "password": PASSWORD}
    )
    assert signed_in.status_code == 302


def test_an_account_without_a_password_is_offered_the_reset(acme):
    acme.customer.set_unusable_password()
    acme.customer.save()
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.customer)
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/"
