"""Every host answers /favicon.ico with the product's icon, and pages link it."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["acme.localhost", "localhost"])
def test_favicon_is_served_on_portals_and_the_platform_host(acme, host):
    response = Client(HTTP_HOST=host).get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")


def test_pages_link_the_icon(acme):
    page = Client(HTTP_HOST="acme.localhost").get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.ico"' in page


def test_a_session_owing_a_two_factor_code_still_gets_the_icon(acme):
    from tests.factories import PASSWORD

    acme.tenant.require_2fa_for_staff = True
    acme.tenant.save()
    client = Client(HTTP_HOST="acme.localhost")
    client.post("/accounts/login/", {"login": acme.engineer.email, "password": PASSWORD})
    assert client.get("/").status_code == 302  # sent to set up two-factor
    assert client.get("/favicon.ico").status_code == 200
