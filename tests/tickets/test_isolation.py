"""Every ticket and file URL answers 404 to people who may not see the ticket."""

import pytest
from django.test import Client

from tickets.models import Attachment, Message, Status, Ticket
from tickets.services import attachment_check, attachment_stage, ticket_reply

from .conftest import open_ticket
from .factories import TicketTypeFactory, png, text_file

pytestmark = pytest.mark.django_db
BASE = "http://acme.localhost/"

TICKET_URLS = [
    ("get", "/tickets/{ref}/"),
    ("get", "/tickets/{ref}/conversation/"),
    ("post", "/tickets/{ref}/reply/"),
    ("post", "/tickets/{ref}/evidence/"),
    ("post", "/tickets/{ref}/status/"),
    ("post", "/tickets/{ref}/assign/"),
    ("post", "/tickets/{ref}/priority/"),
    ("post", "/tickets/{ref}/type/"),
]


@pytest.fixture
def world(two_tenants, ticket_type):
    acme, globex = two_tenants
    ticket = open_ticket(acme, ticket_type, files=[png("customer-shot.png")])
    note_file = attachment_stage(
        actor=acme.engineer, tenant=acme.tenant, checked=attachment_check(text_file("secret.log"))
    )
    ticket_reply(
        ticket=ticket,
        actor=acme.engineer,
        body="internal only",
        internal=True,
        attachment_ids=[note_file.public_id],
        base_url=BASE,
    )
    # Globex has a ticket with the same number: references never cross tenants.
    globex_ticket = open_ticket(globex, TicketTypeFactory(tenant=globex.tenant))
    assert globex_ticket.number == ticket.number
    return acme, globex, ticket


def _client(user, host):
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def _urls(ticket):
    urls = [(m, u.format(ref=ticket.reference)) for m, u in TICKET_URLS]
    for attachment in Attachment.objects.filter(ticket=ticket):
        urls.append(("get", f"/tickets/{ticket.reference}/files/{attachment.public_id}/"))
    return urls


def _assert_untouched(ticket):
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == ticket.status
    assert fresh.assignee_id == ticket.assignee_id
    assert fresh.priority == ticket.priority
    assert Message.objects.filter(ticket=ticket).count() == 1


@pytest.mark.parametrize("who", ["other_org_customer", "customer_of_other_tenant"])
def test_outsiders_get_404_on_every_ticket_url(world, who):
    acme, globex, ticket = world
    if who == "other_org_customer":
        client = _client(acme.other_org_customer, acme.host)
    else:
        # On their own host the acme prefix names nothing of theirs.
        client = _client(globex.customer, globex.host)
    for method, url in _urls(ticket):
        response = getattr(client, method)(url, {"reply-body": "x", "status-status": "closed"})
        assert response.status_code == 404, (who, url)
        assert b"VPN down" not in response.content
    _assert_untouched(ticket)


def test_other_tenant_staff_get_404_on_their_host_and_are_signed_out_on_ours(world):
    acme, globex, ticket = world
    client = _client(globex.engineer, globex.host)
    for method, url in _urls(ticket):
        response = getattr(client, method)(url, {"assign_to_me": "1"})
        assert response.status_code == 404, url
    # The same person on acme's host is not signed in there at all.
    client = _client(globex.engineer, acme.host)
    for method, url in _urls(ticket):
        response = getattr(client, method)(url, {"assign_to_me": "1"})
        assert response.status_code in (302, 404), url
        assert b"VPN down" not in response.content
    _assert_untouched(ticket)


def test_customer_gets_404_for_internal_note_file_but_staff_can_download(world):
    acme, _globex, ticket = world
    secret = Attachment.objects.get(original_name="secret.log")
    url = f"/tickets/{ticket.reference}/files/{secret.public_id}/"
    assert _client(acme.customer, acme.host).get(url).status_code == 404
    assert _client(acme.org_admin, acme.host).get(url).status_code == 404
    response = _client(acme.engineer, acme.host).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"ERROR connection refused\n"


def test_org_admin_sees_colleagues_ticket_but_customer_only_own(world, ticket_type):
    acme, _globex, ticket = world
    colleague = open_ticket(acme, ticket_type, requester=acme.org_admin, title="Admin's ticket")
    assert _client(acme.org_admin, acme.host).get(ticket.get_absolute_url()).status_code == 200
    assert _client(acme.customer, acme.host).get(colleague.get_absolute_url()).status_code == 404


def test_customers_cannot_use_staff_actions_on_their_own_ticket(world):
    acme, _globex, ticket = world
    client = _client(acme.customer, acme.host)
    assert (
        client.post(ticket.get_absolute_url() + "assign/", {"assign_to_me": "1"}).status_code == 404
    )
    assert (
        client.post(
            ticket.get_absolute_url() + "priority/",
            {"priority-priority": "P1", "priority-reason": "x"},
        ).status_code
        == 404
    )
    response = client.post(ticket.get_absolute_url() + "status/", {"status-status": "on_hold"})
    assert response.status_code == 302
    _assert_untouched(ticket)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_unknown_and_malformed_references_are_404(world):
    acme, _globex, _ticket = world
    client = _client(acme.engineer, acme.host)
    for ref in ("TAA-99999", "nope", "1001", "TAA-1001-x", "../etc"):
        assert client.get(f"/tickets/{ref}/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world):
    acme, _globex, ticket = world
    response = Client(HTTP_HOST=acme.host).get(ticket.get_absolute_url())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
