"""The admin sign-in page follows ``next`` only when it stays on this site."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

OFFSITE = ["https://evil.example/", "//evil.example/", "https:evil.example"]


@pytest.mark.parametrize("target", OFFSITE)
def test_a_signed_in_admin_is_not_sent_off_site(acme, target):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    response = client.get("/admin/login/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize("target", OFFSITE)
def test_a_visitor_is_sent_to_sign_in_and_then_to_admin(acme, target):
    response = Client(HTTP_HOST=acme.host).get("/admin/login/", {"next": target})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    assert parse_qs(location.query)["next"] == ["/admin/"]
    assert "evil" not in response["Location"]


def test_next_on_this_site_is_kept(acme):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    response = client.get("/admin/login/", {"next": "/admin/accounts/user/"})
    assert response["Location"] == "/admin/accounts/user/"


def test_http_next_is_refused_on_a_secure_request(acme):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    response = client.get(
        "/admin/login/", {"next": f"http://{acme.host}/admin/accounts/user/"}, secure=True
    )
    assert response["Location"] == "/admin/"
