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


# ---- people in copy, the original of an emailed message --------------------------------


@pytest.fixture
def copied(world, ticket_type):
    """The world's ticket with a colleague in copy and a reply that came by email."""
    from email.message import EmailMessage

    from tests.factories import CustomerFactory
    from tickets.intake.store import inbound_store
    from tickets.models import Channel, Mailbox
    from tickets.services import ticket_cc_add

    acme, globex, ticket = world
    colleague = CustomerFactory(tenant=acme.tenant, organization=acme.org, email="col@acme.test")
    participant = ticket_cc_add(ticket=ticket, actor=acme.customer, user=colleague)
    mailbox = Mailbox.objects.create(
        tenant=acme.tenant, address="support@acme.example", default_ticket_type=ticket_type
    )
    raw = EmailMessage()
    raw["From"], raw["To"], raw["Message-ID"] = acme.customer.email, mailbox.address, "<m@c.test>"
    raw.set_content("VPN down still")
    stored = inbound_store(mailbox=mailbox, raw=raw.as_bytes(), source="pipe").email
    message = ticket_reply(
        ticket=ticket,
        actor=acme.customer,
        body="VPN down still",
        channel=Channel.EMAIL,
        inbound_email=stored,
        base_url=BASE,
    )
    urls = [
        ("post", f"/tickets/{ticket.reference}/copies/"),
        ("post", f"/tickets/{ticket.reference}/copies/{participant.pk}/remove/"),
        ("get", f"/tickets/{ticket.reference}/messages/{message.pk}/original/"),
    ]
    return acme, globex, ticket, participant, urls


@pytest.mark.parametrize(
    "who", ["other_org_customer", "customer_of_other_tenant", "staff_of_other_tenant", "colleague"]
)
def test_outsiders_get_404_on_copies_and_original_emails(copied, who):
    from tests.factories import CustomerFactory

    acme, globex, ticket, participant, urls = copied
    client = {
        "other_org_customer": lambda: _client(acme.other_org_customer, acme.host),
        "customer_of_other_tenant": lambda: _client(globex.customer, globex.host),
        "staff_of_other_tenant": lambda: _client(globex.engineer, globex.host),
        # Same organization, neither requester nor in copy.
        "colleague": lambda: _client(
            CustomerFactory(tenant=acme.tenant, organization=acme.org), acme.host
        ),
    }[who]()
    for method, url in urls:
        response = getattr(client, method)(url, {"copy-email": "spy@evil.example"})
        assert response.status_code == 404, (who, url)
        assert b"VPN down" not in response.content
    assert participant.ticket.participants.filter(removed_at__isnull=True).count() == 1
    assert not participant.ticket.participants.filter(email="spy@evil.example").exists()


def test_a_participant_of_another_ticket_cannot_be_removed_through_this_one(copied, ticket_type):
    acme, _globex, _ticket, participant, _urls = copied
    other = open_ticket(acme, ticket_type, title="Another")
    url = f"/tickets/{other.reference}/copies/{participant.pk}/remove/"
    assert _client(acme.engineer, acme.host).post(url).status_code == 404
    participant.refresh_from_db()
    assert participant.removed_at is None


def test_customers_get_404_for_the_original_email_of_their_own_ticket(copied):
    acme, _globex, _ticket, _participant, urls = copied
    original = urls[-1][1]
    for user in (acme.customer, acme.org_admin):
        assert _client(user, acme.host).get(original).status_code == 404
    assert _client(acme.engineer, acme.host).get(original).status_code == 200
