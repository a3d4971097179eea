"""People in copy: who may add whom on the ticket page, what the people in copy see and
receive, and taking them out again (on the timeline)."""

import pytest

from helpdesk.models import OutboxEmail
from tests.factories import CustomerFactory
from tickets.models import EventKind, TicketEvent, TicketParticipant
from tickets.services import ticket_cc_add, ticket_reply

pytestmark = pytest.mark.django_db
BASE = "http://acme.localhost/"


@pytest.fixture
def colleague(acme):
    return CustomerFactory(
        tenant=acme.tenant, organization=acme.org, full_name="Carla Colleague", email="carla@a.test"
    )


def copies_url(ticket) -> str:
    return f"/tickets/{ticket.reference}/copies/"


def in_copy(ticket) -> set[str]:
    return set(
        TicketParticipant.objects.filter(ticket=ticket, removed_at__isnull=True).values_list(
            "email", flat=True
        )
    )


def emails_to(address: str) -> list[OutboxEmail]:
    return [e for e in OutboxEmail.objects.order_by("pk") if address in e.to]


def test_the_requester_puts_a_colleague_in_copy_who_then_sees_and_answers_the_ticket(
    acme, make_ticket, login, colleague
):
    ticket = make_ticket()
    requester = login(acme.customer)
    page = requester.get(ticket.get_absolute_url()).content.decode()
    assert "People in copy" in page and "Nobody is in copy." in page
    assert "Carla Colleague" in page  # offered in the select
    assert acme.other_org_customer.email not in page

    response = requester.post(copies_url(ticket), {"copy-user": colleague.pk})
    assert response.status_code == 302
    assert in_copy(ticket) == {colleague.email}
    page = requester.get(ticket.get_absolute_url()).content.decode()
    assert "Carla Colleague is now in copy." in page
    assert "put <strong>Carla Colleague</strong> in copy" in page
    [told] = emails_to(colleague.email)
    assert ticket.reference in told.subject and "in copy" in told.subject

    # The colleague finds it in their tickets, opens it and replies in the portal.
    client = login(colleague)
    assert ticket.reference in client.get("/tickets/").content.decode()
    assert client.get(ticket.get_absolute_url()).status_code == 200
    response = client.post(f"/tickets/{ticket.reference}/reply/", {"reply-body": "Same for us."})
    assert response.status_code == 302
    reply_to = {
        address for e in OutboxEmail.objects.filter(subject__contains="Re:") for address in e.to
    }
    assert reply_to == {acme.customer.email, acme.tenant.support_email}


def test_customers_add_only_colleagues_of_their_organization(acme, make_ticket, login, colleague):
    ticket = make_ticket()
    client = login(acme.customer)
    response = client.post(copies_url(ticket), {"copy-user": acme.other_org_customer.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    # A customer cannot type an outside address: the form has no such field.
    response = client.post(copies_url(ticket), {"copy-email": "friend@outside.example"})
    assert response.status_code == 400
    assert "Choose a colleague." in response.content.decode()
    assert in_copy(ticket) == set()


def test_someone_in_copy_cannot_add_people_but_an_org_admin_can(
    acme, make_ticket, login, colleague
):
    ticket = make_ticket()
    ticket_cc_add(ticket=ticket, actor=acme.customer, user=colleague)
    client = login(colleague)
    assert "Add to copy" not in client.get(ticket.get_absolute_url()).content.decode()
    assert client.post(copies_url(ticket), {"copy-user": acme.org_admin.pk}).status_code == 404
    admin = login(acme.org_admin)
    # Who is in copy already is not offered again.
    assert admin.post(copies_url(ticket), {"copy-user": colleague.pk}).status_code == 400
    third = CustomerFactory(tenant=acme.tenant, organization=acme.org, email="third@a.test")
    assert admin.post(copies_url(ticket), {"copy-user": third.pk}).status_code == 302
    assert in_copy(ticket) == {colleague.email, third.email}


def test_engineers_add_customers_of_the_organization_or_outside_addresses(
    acme, make_ticket, login, colleague
):
    ticket = make_ticket()
    client = login(acme.engineer)
    client.post(copies_url(ticket), {"copy-user": colleague.pk})
    client.post(copies_url(ticket), {"copy-email": "Partner@Outside.example"})
    assert in_copy(ticket) == {colleague.email, "partner@outside.example"}
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "partner@outside.example" in page and "by email only" in page

    # Another organization's customer, typed as an address: refused, what was typed kept.
    response = client.post(copies_url(ticket), {"copy-email": acme.other_org_customer.email})
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a member of" in page
    assert f'value="{acme.other_org_customer.email}"' in page
    response = client.post(copies_url(ticket), {"copy-email": "not an address"})
    assert response.status_code == 400
    assert 'value="not an address"' in response.content.decode()
    assert in_copy(ticket) == {colleague.email, "partner@outside.example"}


def test_removing_someone_is_on_the_timeline_and_ends_their_access(
    acme, make_ticket, login, colleague
):
    ticket = make_ticket()
    participant = ticket_cc_add(ticket=ticket, actor=acme.customer, user=colleague)
    response = login(acme.customer).post(
        f"/tickets/{ticket.reference}/copies/{participant.pk}/remove/"
    )
    assert response.status_code == 302
    assert in_copy(ticket) == set()
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CC_REMOVED)
    assert event.actor == acme.customer
    page = login(acme.engineer).get(ticket.get_absolute_url()).content.decode()
    assert "took <strong>Carla Colleague</strong> out of copy" in page
    assert login(colleague).get(ticket.get_absolute_url()).status_code == 404
    # Removing them again finds nobody.
    response = login(acme.customer).post(
        f"/tickets/{ticket.reference}/copies/{participant.pk}/remove/"
    )
    assert response.status_code == 404


def test_people_in_copy_take_only_themselves_out(acme, make_ticket, login, colleague):
    ticket = make_ticket()
    mine = ticket_cc_add(ticket=ticket, actor=acme.customer, user=colleague)
    other = ticket_cc_add(ticket=ticket, actor=acme.engineer, email="partner@outside.example")
    client = login(colleague)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert f"/copies/{mine.pk}/remove/" in page and f"/copies/{other.pk}/remove/" not in page
    assert client.post(f"/tickets/{ticket.reference}/copies/{other.pk}/remove/").status_code == 404
    assert client.post(f"/tickets/{ticket.reference}/copies/{mine.pk}/remove/").status_code == 302
    assert in_copy(ticket) == {"partner@outside.example"}
    page = login(acme.engineer).get(ticket.get_absolute_url()).content.decode()
    assert "<strong>Carla Colleague</strong> left the copy" in page


def test_people_in_copy_never_see_or_receive_internal_notes(acme, make_ticket, login, colleague):
    ticket = make_ticket()
    ticket_cc_add(ticket=ticket, actor=acme.customer, user=colleague)
    ticket_reply(
        ticket=ticket,
        actor=acme.engineer,
        body="Their NAS is a QNAP.",
        internal=True,
        base_url=BASE,
    )
    assert "QNAP" not in login(colleague).get(ticket.get_absolute_url()).content.decode()
    assert all("QNAP" not in e.body_text for e in emails_to(colleague.email))
    ticket_reply(ticket=ticket, actor=acme.engineer, body="Fixed the peer.", base_url=BASE)
    assert "Fixed the peer." in emails_to(colleague.email)[-1].body_text


def test_a_closed_ticket_offers_no_form_to_add_people(acme, make_ticket, login, colleague):
    from tickets.models import Status
    from tickets.services import ticket_transition

    ticket = make_ticket()
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.CLOSED, base_url=BASE)
    assert "Add to copy" not in login(acme.engineer).get(ticket.get_absolute_url()).content.decode()


def test_someone_in_copy_answers_but_does_not_close_the_ticket(acme, make_ticket, login, colleague):
    from tickets.models import Status
    from tickets.services import ticket_transition

    ticket = make_ticket()
    ticket_cc_add(ticket=ticket, actor=acme.customer, user=colleague)
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.ON_HOLD, base_url=BASE)
    client = login(colleague)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Close ticket" not in page and "Send reply" in page
    client.post(f"/tickets/{ticket.reference}/status/", {"status-status": "closed"})
    ticket.refresh_from_db()
    assert ticket.status == Status.ON_HOLD
    # Their answer puts the ticket back in progress, as the requester's would.
    client.post(f"/tickets/{ticket.reference}/reply/", {"reply-body": "Here is the log."})
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert "Close ticket" in login(acme.customer).get(ticket.get_absolute_url()).content.decode()


def test_the_colleagues_menu_follows_people_who_join_leave_or_are_put_in_copy(
    acme, make_ticket, login, colleague
):
    ticket = make_ticket()
    requester = login(acme.customer)
    menu = f'<option value="{colleague.pk}">Carla Colleague &lt;carla@a.test&gt;</option>'
    assert menu in requester.get(ticket.get_absolute_url()).content.decode()

    newcomer = CustomerFactory(
        tenant=acme.tenant, organization=acme.org, full_name="Nina New", email="nina@a.test"
    )
    page = requester.get(ticket.get_absolute_url()).content.decode()
    assert f'<option value="{newcomer.pk}">Nina New &lt;nina@a.test&gt;</option>' in page

    colleague.is_active = False
    colleague.save()
    page = requester.get(ticket.get_absolute_url()).content.decode()
    assert "Carla Colleague" not in page and "Nina New" in page

    ticket_cc_add(ticket=ticket, actor=acme.customer, user=newcomer)
    page = requester.get(ticket.get_absolute_url()).content.decode()
    assert f'<option value="{newcomer.pk}">' not in page  # in copy now, not in the menu
    assert "Nina New" in page
