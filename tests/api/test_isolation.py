"""Every ticket endpoint of the API answers people who may not see the ticket exactly as
the pages do: 404, the same for missing and forbidden; tokens never cross tenants."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import api_token_revoke
from tickets.models import Attachment, Message
from tickets.services import attachment_check, attachment_stage, ticket_reply

from ..tickets.conftest import open_ticket
from ..tickets.factories import TicketTypeFactory, png, text_file
from .conftest import TokenClient, token_for

pytestmark = pytest.mark.django_db

# (method, path, body); {ref} and {file} are filled in per ticket.
ENDPOINTS = [
    ("get", "/api/v1/tickets/{ref}/", None),
    ("patch", "/api/v1/tickets/{ref}/", {"status": "closed"}),
    ("get", "/api/v1/tickets/{ref}/messages/", None),
    ("post", "/api/v1/tickets/{ref}/replies/", {"body": "hello"}),
    ("post", "/api/v1/tickets/{ref}/notes/", {"body": "psst"}),
    ("get", "/api/v1/tickets/{ref}/attachments/", None),
    ("post", "/api/v1/tickets/{ref}/attachments/", {"attachments": ["{upload}"]}),
    ("get", "/api/v1/tickets/{ref}/attachments/{file}/download/", None),
    ("get", "/api/v1/tickets/{ref}/sla/", None),
    ("get", "/api/v1/tickets/{ref}/escalations/", None),
]
STAFF_ONLY = {"/api/v1/tickets/{ref}/notes/", "/api/v1/tickets/{ref}/escalations/"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATTACHMENT_DOWNLOADS = "stream"


@pytest.fixture
def world(two_tenants):
    acme, globex = two_tenants
    ticket = open_ticket(
        acme, TicketTypeFactory(tenant=acme.tenant), files=[png("customer-shot.png")]
    )
    note_file = attachment_stage(
        actor=acme.engineer, tenant=acme.tenant, checked=attachment_check(text_file("secret.log"))
    )
    ticket_reply(
        ticket=ticket,
        actor=acme.engineer,
        body="internal only",
        internal=True,
        attachment_ids=[note_file.public_id],
        base_url="http://acme.localhost/",
    )
    # Globex has a ticket with the same number: references never cross tenants.
    globex_ticket = open_ticket(globex, TicketTypeFactory(tenant=globex.tenant))
    assert globex_ticket.number == ticket.number
    return acme, globex, ticket


def _calls(ticket, actor):
    """Every endpoint for ``ticket``, each file URL once per file."""
    upload = attachment_stage(
        actor=actor, tenant=actor.tenant, checked=attachment_check(png("evidence.png"))
    )
    files = Attachment.objects.filter(ticket=ticket)
    for method, path, body in ENDPOINTS:
        if body and body.get("attachments"):
            body = {"attachments": [str(upload.public_id)]}
        if "{file}" in path:
            for attachment in files:
                yield (
                    method,
                    path,
                    path.format(ref=ticket.reference, file=attachment.public_id),
                    body,
                )
        else:
            yield method, path, path.format(ref=ticket.reference), body


def _state(ticket):
    ticket.refresh_from_db()
    return (ticket.status, ticket.priority, Message.objects.filter(ticket=ticket).count())


def _assert_all(client, ticket, actor, expected: int):
    before = _state(ticket)
    for method, _, url, body in _calls(ticket, actor):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == expected, (actor.email, method, url, response.content)
        assert response["Content-Type"].startswith("application/json"), url
    assert _state(ticket) == before


def test_another_organizations_customer_gets_404_everywhere(world, api_as):
    acme, _, ticket = world
    _assert_all(
        api_as(acme.other_org_customer, host=acme.host), ticket, acme.other_org_customer, 404
    )


def test_a_token_of_another_tenant_is_refused_on_this_host(world):
    acme, globex, ticket = world
    for person in (globex.customer, globex.engineer, globex.tenant_admin):
        client = TokenClient(host=acme.host, token=token_for(person))
        _assert_all(client, ticket, person, 401)
        assert client.get("/api/v1/tickets/").status_code == 401


def test_another_tenants_staff_on_their_own_host_never_reach_this_ticket(world, api_as):
    acme, globex, ticket = world
    client = api_as(globex.tenant_admin, host=globex.host)
    _assert_all(client, ticket, globex.tenant_admin, 404)
    listed = client.get("/api/v1/tickets/").json()["results"]
    assert ticket.reference not in {row["reference"] for row in listed}


def test_customers_get_404_on_the_staff_endpoints(world, api_as):
    acme, _, ticket = world
    client = api_as(acme.customer, host=acme.host)
    for path in STAFF_ONLY:
        url = path.format(ref=ticket.reference)
        method = "post" if path.endswith("notes/") else "get"
        response = getattr(client, method)(url, {"body": "x"}, format="json")
        assert response.status_code == 404, url
    # …and never see internal files, even by their address.
    internal = Attachment.objects.get(ticket=ticket, is_internal=True)
    response = client.get(
        f"/api/v1/tickets/{ticket.reference}/attachments/{internal.public_id}/download/"
    )
    assert response.status_code == 404


def test_the_rightful_people_reach_every_endpoint(world, api_as):
    acme, _, ticket = world
    engineer = api_as(acme.engineer, host=acme.host)
    for method, path, url, body in _calls(ticket, acme.engineer):
        if method == "patch":
            continue  # closing is tried last, below
        response = getattr(engineer, method)(url, body, format="json")
        assert response.status_code in (200, 201), (url, response.content)
    customer = api_as(acme.customer, host=acme.host)
    for method, path, url, body in _calls(ticket, acme.customer):
        if path in STAFF_ONLY or method == "patch":
            continue
        if "{file}" in path and Attachment.objects.get(public_id=url.split("/")[-3]).is_internal:
            continue
        response = getattr(customer, method)(url, body, format="json")
        assert response.status_code in (200, 201), (url, response.content)
    closing = customer.patch(
        f"/api/v1/tickets/{ticket.reference}/", {"status": "closed"}, format="json"
    )
    assert closing.status_code == 200


def test_a_read_only_token_reads_and_cannot_write(world, api_as):
    acme, _, ticket = world
    client = api_as(acme.engineer, host=acme.host, write=False)
    before = _state(ticket)
    for method, path, url, body in _calls(ticket, acme.engineer):
        response = getattr(client, method)(url, body, format="json")
        if method == "get":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url
            assert "only read" in response.json()["detail"]
    assert client.post("/api/v1/uploads/", {"file": png()}, format="multipart").status_code == 403
    assert _state(ticket) == before


def test_revoked_and_expired_tokens_are_refused(world):
    acme, _, ticket = world
    raw = token_for(acme.customer)
    client = TokenClient(host=acme.host, token=raw)
    assert client.get(f"/api/v1/tickets/{ticket.reference}/").status_code == 200
    token = ApiToken.objects.get(user=acme.customer)
    api_token_revoke(user=acme.customer, token_id=token.pk)
    refused = client.get(f"/api/v1/tickets/{ticket.reference}/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    raw = token_for(acme.customer)
    ApiToken.objects.filter(user=acme.customer, revoked_at__isnull=True).update(
        created_at=timezone.now() - timedelta(days=2),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert TokenClient(host=acme.host, token=raw).get("/api/v1/tickets/").status_code == 401
    assert (
        TokenClient(host=acme.host, token="hd_" + "x" * 40).get("/api/v1/tickets/").status_code
        == 401
    )
    assert APIClient(HTTP_HOST=acme.host).get("/api/v1/tickets/").status_code == 401


def test_the_browser_session_works_same_origin_and_needs_the_csrf_token_to_write(world):
    acme, _, ticket = world
    browser = Client(HTTP_HOST=acme.host, enforce_csrf_checks=True)
    browser.force_login(acme.customer)
    assert browser.get(f"/api/v1/tickets/{ticket.reference}/").status_code == 200
    refused = browser.post(
        f"/api/v1/tickets/{ticket.reference}/replies/",
        {"body": "from a script"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    browser.get("/")  # a page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    sent = browser.post(
        f"/api/v1/tickets/{ticket.reference}/replies/",
        {"body": "from a script"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert sent.status_code == 201, sent.content


def test_the_platform_host_has_no_api(world):
    acme, _, ticket = world
    client = TokenClient(host="localhost", token=token_for(acme.customer))
    assert client.get("/api/v1/tickets/").status_code in (401, 404)
