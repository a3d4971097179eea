"""Engineers open tickets for customers who called or wrote: finding the customer, the
channel and the time it came in, the customer's confirmation; and the original of an
emailed message, for staff only."""

import re
from datetime import timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from helpdesk.models import OutboxEmail
from helpdesk.priorities import Priority
from tests.factories import CustomerFactory, OrganizationFactory
from tickets.intake.store import inbound_store
from tickets.models import Channel, EventKind, InboundEmail, Mailbox, Ticket, TicketParticipant
from tickets.services import ticket_reply

from .factories import TicketTypeFactory, text_file

pytestmark = pytest.mark.django_db
PAGE = "/staff/tickets/new/"
SEARCH = "/staff/customers/search/"
ZONE = "Europe/Berlin"


@pytest.fixture
def engineer(acme):
    acme.engineer.time_zone = ZONE
    acme.engineer.save(update_fields=["time_zone"])
    return acme.engineer


@pytest.fixture
def caller(acme):
    return CustomerFactory(
        tenant=acme.tenant, organization=acme.org, full_name="Paula Caller", email="paula@a.test"
    )


def local(moment) -> str:
    return timezone.localtime(moment, ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


def form_data(customer, ticket_type, **more) -> dict:
    return {
        "customer": customer.pk,
        "channel": Channel.PHONE,
        "received_at": local(timezone.now() - timedelta(minutes=30)),
        "title": "Printer queue stuck",
        "ticket_type": ticket_type.pk,
        "priority": Priority.P2,
        "affected_service": "Print server",
        "text": "Called at 9: nothing prints since the update.",
        **more,
    }


def test_search_finds_active_customers_of_active_organizations_of_this_tenant_only(
    two_tenants, login, engineer, caller
):
    acme, globex = two_tenants
    CustomerFactory(tenant=globex.tenant, organization=globex.org, full_name="Paula Elsewhere")
    CustomerFactory(
        tenant=acme.tenant, organization=acme.org, full_name="Paula Gone", is_active=False
    )
    closed = OrganizationFactory(tenant=acme.tenant, name="Closed Corp", is_active=False)
    CustomerFactory(tenant=acme.tenant, organization=closed, full_name="Paula Closed")
    client = login(engineer)

    # Without JavaScript: the page itself searches.
    page = client.get(PAGE, {"q": "paula"}).content.decode()
    assert "Paula Caller" in page and f"?customer={caller.pk}" in page
    for hidden in ("Paula Elsewhere", "Paula Gone", "Paula Closed"):
        assert hidden not in page
    # As one types: the fragment alone, by name or by address.
    fragment = client.get(SEARCH, {"q": "paula@a"}).content.decode()
    assert "Paula Caller" in fragment and "<html" not in fragment
    assert "No active customer matches" in client.get(SEARCH, {"q": "zzz"}).content.decode()


def test_search_shows_at_most_twenty_customers(acme, login, engineer):
    for n in range(25):
        CustomerFactory(tenant=acme.tenant, organization=acme.org, full_name=f"Sam {n:02d}")
    fragment = login(engineer).get(SEARCH, {"q": "sam"}).content.decode()
    assert fragment.count("?customer=") == 20
    assert "Only the first 20 matches" in fragment


def test_customers_cannot_use_the_page_or_the_search(acme, login, caller):
    client = login(acme.customer)
    assert client.get(PAGE).status_code == 404
    assert client.get(SEARCH, {"q": "paula"}).status_code == 404
    assert client.post(PAGE, {"customer": caller.pk}).status_code == 404


def test_an_engineer_opens_a_ticket_for_a_caller(acme, login, engineer, caller, ticket_type):
    received = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=45)
    client = login(engineer)
    page = client.get(PAGE, {"customer": caller.pk}).content.decode()
    assert "Paula Caller" in page
    assert re.search(r'value="phone"[^>]* checked', page)  # phone by default
    assert acme.customer.email in page  # a colleague to put in copy

    response = client.post(
        PAGE,
        form_data(
            caller,
            ticket_type,
            received_at=local(received),
            copies=[acme.customer.pk],
            files=[text_file("spooler.log")],
        ),
    )
    ticket = Ticket.objects.get(tenant=acme.tenant)
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    assert ticket.requester == caller and ticket.organization == acme.org
    assert ticket.channel == Channel.PHONE
    assert ticket.created_at == received  # the SLA clocks start when the call came in
    assert [a.original_name for a in ticket.attachments.all()] == ["spooler.log"]
    assert set(TicketParticipant.objects.filter(ticket=ticket).values_list("email", flat=True)) == {
        acme.customer.email
    }
    event = ticket.events.get(kind=EventKind.CREATED)
    assert event.actor == engineer and event.data["on_behalf_of"] == str(caller)
    [confirmation] = OutboxEmail.objects.filter(dedupe_key=f"ticket-created:{ticket.pk}:requester")
    assert confirmation.to == [caller.email] and ticket.reference in confirmation.subject

    staff_page = client.get(ticket.get_absolute_url()).content.decode()
    assert "via phone" in staff_page
    assert f"opened the ticket for <strong>{caller}</strong> (phone)" in staff_page
    assert "is open for Paula Caller, who was emailed its number." in staff_page
    customer_page = login(caller).get(ticket.get_absolute_url()).content.decode()
    assert "via phone" in customer_page
    queue = client.get("/queue/open/").content.decode()
    assert 'class="badge channel channel-phone"' in queue


def test_a_refused_form_keeps_what_was_typed_and_uploaded(
    acme, login, engineer, caller, ticket_type
):
    client = login(engineer)
    future = local(timezone.now() + timedelta(hours=2))
    response = client.post(
        PAGE,
        form_data(caller, ticket_type, received_at=future, files=[text_file("trace.log")]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be in the future" in page
    assert 'value="Printer queue stuck"' in page and "Called at 9: nothing prints" in page
    assert "trace.log" in page  # kept, not asked for again
    assert not Ticket.objects.filter(tenant=acme.tenant).exists()


def test_the_type_gives_the_priority_when_none_is_chosen(acme, login, engineer, caller):
    urgent = TicketTypeFactory(tenant=acme.tenant, name="Outage", default_priority=Priority.P1)
    data = form_data(caller, urgent, channel=Channel.EMAIL)
    del data["priority"]
    assert login(engineer).post(PAGE, data).status_code == 302
    ticket = Ticket.objects.get(tenant=acme.tenant)
    assert (ticket.priority, ticket.channel) == (Priority.P1, Channel.EMAIL)


def test_a_customer_who_cannot_have_tickets_is_not_offered(two_tenants, login, ticket_type):
    acme, globex = two_tenants
    gone = CustomerFactory(tenant=acme.tenant, organization=acme.org, is_active=False)
    client = login(acme.engineer)
    for person in (gone, globex.customer, acme.manager):
        page = client.get(PAGE, {"customer": person.pk}).content.decode()
        assert "Choose an active customer of an organization." in page
        assert client.post(PAGE, form_data(person, ticket_type)).status_code == 200
    assert not Ticket.objects.exists()


# ---- the original of an emailed message -----------------------------------------------


def _emailed_reply(acme, ticket, ticket_type):
    mailbox = Mailbox.objects.create(
        tenant=acme.tenant, address="support@acme.example", default_ticket_type=ticket_type
    )
    message = EmailMessage()
    message["From"] = acme.customer.email
    message["To"] = mailbox.address
    message["Subject"] = f"Re: {ticket.reference}"
    message["Message-ID"] = "<orig-1@customer.test>"
    message.set_content("Still down.\n\n> quoted history\n-- \nSignature")
    stored = inbound_store(mailbox=mailbox, raw=message.as_bytes(), source="pipe").email
    return ticket_reply(
        ticket=ticket,
        actor=acme.customer,
        body="Still down.",
        channel=Channel.EMAIL,
        inbound_email=stored,
        base_url="http://acme.localhost/",
    )


def test_staff_download_the_original_email_customers_and_other_tenants_get_404(
    two_tenants, make_ticket, login, ticket_type
):
    acme, globex = two_tenants
    ticket = make_ticket()
    message = _emailed_reply(acme, ticket, ticket_type)
    url = f"/tickets/{ticket.reference}/messages/{message.pk}/original/"

    page = login(acme.engineer).get(ticket.get_absolute_url()).content.decode()
    assert "via email" in page and url in page and "View original email" in page
    response = login(acme.engineer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"].startswith("attachment")
    raw = b"".join(response.streaming_content)
    assert b"quoted history" in raw and b"Message-ID: <orig-1@customer.test>" in raw

    customer_page = login(acme.customer).get(ticket.get_absolute_url()).content.decode()
    assert "via email" in customer_page and url not in customer_page
    assert login(acme.customer).get(url).status_code == 404
    assert login(globex.engineer).get(url).status_code == 404
    # A message that did not come by email has no original.
    portal = ticket_reply(
        ticket=ticket, actor=acme.engineer, body="Hi", base_url="http://acme.localhost/"
    )
    other = f"/tickets/{ticket.reference}/messages/{portal.pk}/original/"
    assert login(acme.engineer).get(other).status_code == 404
    assert InboundEmail.objects.count() == 1
