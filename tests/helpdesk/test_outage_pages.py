"""Branded 400 and 403 pages that say what happened to a form."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from helpdesk import urls as project_urls
from tests.tickets.factories import TicketTypeFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

TOO_LARGE = "The form was too large to send"
UNREADABLE = "The form could not be read"
EXPIRED = "This form has expired"


def _forbidden(request):
    raise PermissionDenied("Not yours.")


# The project's URLs and error handlers, plus a page that refuses everyone.
urlpatterns = [path("forbidden/", _forbidden), *project_urls.urlpatterns]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.fixture
def browser(acme):
    """A signed-in customer whose CSRF protection is on, as in a real browser."""
    client = Client(HTTP_HOST=acme.host, enforce_csrf_checks=True)
    client.force_login(acme.customer)
    assert client.get("/tickets/new/").status_code == 200
    return client


def token(client) -> str:
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def new_ticket_fields(acme, client, **overrides) -> dict:
    fields = {
        "csrfmiddlewaretoken": token(client),
        "title": "VPN down",
        "ticket_type": TicketTypeFactory(tenant=acme.tenant).pk,
        "priority": "P2",
        "affected_service": "VPN",
        "text": "The tunnel drops.",
        "steps": "",
    }
    fields.update(overrides)
    return fields


def test_a_form_over_the_request_limit_gets_a_branded_page_saying_it_was_too_large(acme, browser):
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    body = f"csrfmiddlewaretoken={token(browser)}&title=VPN+down&text={text}"

    response = browser.post("/tickets/new/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    page = response.content.decode()
    assert TOO_LARGE in page
    assert "attach" in page and "Back" in page  # what to do about it
    assert acme.tenant.portal_title in page  # the portal's own page, not "Bad Request (400)"
    assert not Ticket.objects.exists()


def test_a_multipart_form_over_the_limit_gets_the_same_page(acme, browser):
    fields = new_ticket_fields(acme, browser, text="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))

    response = browser.post("/tickets/new/", fields)

    assert response.status_code == 400
    assert TOO_LARGE in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"this is not multipart at all", "multipart/form-data; boundary=XYZ"),
        (b"--XYZ\r\nGarbage\r\n\r\nvalue\r\n--XYZ--\r\n", "multipart/form-data; boundary=XYZ"),
        (b'--XYZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n', "multipart/form-data"),
    ],
    ids=["garbage", "broken-part-header", "no-boundary"],
)
def test_a_malformed_multipart_body_says_the_form_could_not_be_read_not_expired(
    acme, browser, body, content_type
):
    response = browser.generic("POST", "/tickets/new/", body, content_type=content_type)

    assert response.status_code == 400
    page = response.content.decode()
    assert UNREADABLE in page
    assert EXPIRED not in page
    assert acme.tenant.portal_title in page
    assert not Ticket.objects.exists()


def test_a_readable_form_without_its_token_is_still_refused_as_expired(acme, browser):
    fields = new_ticket_fields(acme, browser)
    del fields["csrfmiddlewaretoken"]

    response = browser.post("/tickets/new/", fields)

    assert response.status_code == 403
    page = response.content.decode()
    assert EXPIRED in page
    assert UNREADABLE not in page
    assert not Ticket.objects.exists()


def test_a_form_sent_without_the_csrf_cookie_is_refused_as_expired(acme):
    client = Client(HTTP_HOST=acme.host, enforce_csrf_checks=True)
    client.force_login(acme.customer)

    response = client.generic(
        "POST", "/tickets/new/", b"garbage", content_type="multipart/form-data; boundary=XYZ"
    )

    assert response.status_code == 403
    assert EXPIRED in response.content.decode()


@pytest.mark.urls(__name__)
def test_a_refused_page_is_the_portals_branded_403(acme):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.customer)

    response = client.get("/forbidden/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "Not allowed" in page
    assert "You do not have permission to do that." in page
    assert acme.tenant.portal_title in page
