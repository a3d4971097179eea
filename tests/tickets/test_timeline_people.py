"""The people of a ticket's conversation: every author and actor named, the engineers and
the requester from rows the page holds already, anyone else (a former engineer, a colleague
in copy) read in one query whatever their number."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CustomerFactory, EngineerFactory
from tickets.models import Status
from tickets.services import ticket_reply, ticket_transition
from tickets.services.participants import ticket_cc_add

pytestmark = pytest.mark.django_db
BASE = "http://acme.localhost/"


def _page(client, ticket) -> tuple[str, int]:
    url = f"/tickets/{ticket.reference}/"
    # What the process keeps of the tenant is read again after people change.
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _message(page: str, body: str) -> str:
    """The ``<li>`` of the message that says ``body``."""
    end = page.index(body)
    return page[page.rindex('<li class="message', 0, end) : end]


def test_engineers_the_requester_and_managers_are_named_without_a_query_each(
    acme, make_ticket, login
):
    ticket = make_ticket()
    client = login(acme.engineer)
    _, quiet = _page(client, ticket)

    second = EngineerFactory(tenant=acme.tenant, full_name="Sam Second")
    ticket_reply(ticket=ticket, actor=acme.engineer, body="Looking into it", base_url=BASE)
    ticket_reply(ticket=ticket, actor=second, body="Internal hunch", internal=True, base_url=BASE)
    ticket_reply(ticket=ticket, actor=acme.customer, body="Still broken", base_url=BASE)
    acme.manager.full_name = "Mia Manager"
    acme.manager.save()
    ticket_transition(
        ticket=ticket, actor=acme.manager, to_status=Status.ON_HOLD, reason="", base_url=BASE
    )

    page, busy = _page(client, ticket)
    assert busy == quiet
    assert "<strong>Sam Second</strong>" in _message(page, "Internal hunch")
    assert "support" in _message(page, "Looking into it")
    customer = _message(page, "Still broken")
    assert f"<strong>{acme.customer.full_name}</strong>" in customer
    assert acme.org.name in customer  # the requester's organization, not "customer"
    assert "<strong>Mia Manager</strong> changed the status" in page


def test_a_former_engineer_and_a_colleague_in_copy_are_named_in_one_query(acme, make_ticket, login):
    ticket = make_ticket()
    former = EngineerFactory(tenant=acme.tenant, full_name="Fay Former")
    first_colleague = CustomerFactory(
        tenant=acme.tenant, organization=acme.org, full_name="Cole League"
    )
    second_colleague = CustomerFactory(
        tenant=acme.tenant, organization=acme.org, full_name="Cara Colleague"
    )
    for colleague in (first_colleague, second_colleague):
        ticket_cc_add(ticket=ticket, actor=acme.customer, user=colleague)
    staff, customer = login(acme.engineer), login(acme.customer)
    _, staff_quiet = _page(staff, ticket)
    _, customer_quiet = _page(customer, ticket)

    ticket_reply(ticket=ticket, actor=former, body="Restarted the node", base_url=BASE)
    former.is_active = False
    former.save()
    ticket_reply(ticket=ticket, actor=first_colleague, body="Same here", base_url=BASE)
    ticket_reply(ticket=ticket, actor=second_colleague, body="And here", base_url=BASE)

    for client, quiet in ((staff, staff_quiet), (customer, customer_quiet)):
        page, busy = _page(client, ticket)
        assert busy == quiet + 1
        assert "<strong>Fay Former</strong>" in _message(page, "Restarted the node")
        for colleague, body in ((first_colleague, "Same here"), (second_colleague, "And here")):
            message = _message(page, body)
            assert f"<strong>{colleague.full_name}</strong>" in message
            assert acme.org.name in message
