"""What the conversation says of each change, for staff and for the customer, escaped and
in the reader's language."""

import pytest
from django.utils import translation

from tickets.models import Status
from tickets.services import ticket_assign, ticket_reply, ticket_transition

pytestmark = pytest.mark.django_db
BASE = "http://acme.localhost/"


def _conversation(client, ticket) -> str:
    response = client.get(f"/tickets/{ticket.reference}/conversation/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_change_reads_as_a_sentence_for_staff_and_for_the_customer(acme, make_ticket, login):
    acme.engineer.full_name = "Eve <Engineer>"
    acme.engineer.save()
    ticket = make_ticket()
    ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    ticket_transition(
        ticket=ticket,
        actor=acme.engineer,
        to_status=Status.ON_HOLD,
        reason="Waiting on <logs>",
        base_url=BASE,
    )
    ticket_reply(
        ticket=ticket, actor=acme.engineer, body="Internal **only**", internal=True, base_url=BASE
    )
    ticket_reply(ticket=ticket, actor=acme.customer, body="Here are the logs", base_url=BASE)

    staff = _conversation(login(acme.engineer), ticket)
    assert "<strong>Eve &lt;Engineer&gt;</strong> took the ticket" in staff
    assert "changed the status from" in staff
    assert "— “Waiting on &lt;logs&gt;”" in staff  # the reason, for staff only
    assert "<strong>only</strong>" in staff and "internal note" in staff
    assert 'class="message message-customer"' in staff
    assert "<script" not in staff

    customer = _conversation(login(acme.customer), ticket)
    assert "<strong>Eve &lt;Engineer&gt;</strong> is handling your ticket" in customer
    assert "Waiting on" not in customer
    assert "Internal" not in customer
    assert "Here are the logs" in customer


def test_the_conversation_reads_in_spanish(acme, make_ticket, login):
    ticket = make_ticket()
    ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    acme.customer.language = "es"
    acme.customer.save()
    with translation.override("es"):
        page = _conversation(login(acme.customer), ticket)
    assert "abrió el ticket" in page
    assert "opened the ticket" not in page
