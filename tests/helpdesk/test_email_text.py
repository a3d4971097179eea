"""Plain-text email parts and subjects show what people typed, unescaped (they are not
HTML); the HTML parts stay escaped."""

import re

import pytest
from django.core import mail
from django.test import Client

from escalation.models import Audience
from escalation.services import ticket_escalate
from escalation.services.notify import Audience as Recipients
from escalation.services.notify import send_escalation
from tests.escalation.factories import level
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory
from tickets.models import Status
from tickets.services import ticket_reply, ticket_transition

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = """Portal says "><&' after login"""
ORGANIZATION = 'Smith & Sons "Ltd"'
BASE = "http://acme.localhost/"
# An HTML entity where a character was typed: &quot; &gt; &lt; &amp; &#x27; &#39;
ENTITY = re.compile(r"&(?:quot|gt|lt|amp|apos|#x?[0-9a-fA-F]+);")


@pytest.fixture
def ticket(acme):
    acme.org.name = ORGANIZATION
    acme.org.save(update_fields=["name"])
    return open_ticket(acme, TicketTypeFactory(tenant=acme.tenant), title=TITLE, priority="P1")


def every_ticket_email(acme, ticket):
    """Each email the product sends about a ticket, in the order they go out."""
    ticket_reply(ticket=ticket, actor=acme.engineer, body="Looking at it", base_url=BASE)
    ticket_reply(ticket=ticket, actor=acme.customer, body="Thanks!", base_url=BASE)
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.ON_HOLD, base_url=BASE)
    level(acme.tenant, 1, "L1", audience=Audience.ENGINEERS)
    level(acme.tenant, 2, "L2 & Co", users=[acme.manager])
    event = ticket_escalate(ticket=ticket, actor=acme.engineer, reason="Needs <L2>", base_url=BASE)
    for template in ("warning", "on_call"):
        recipients = Recipients()
        recipients.add_address(f"{template}@acme.test")  # one email per event and address
        send_escalation(
            ticket=ticket,
            event=event,
            audience=recipients,
            base_url=BASE,
            template=f"escalation/email/{template}",
        )
    ticket_reply(
        ticket=ticket, actor=acme.engineer, body="Fixed", status=Status.RESOLVED, base_url=BASE
    )


def test_every_ticket_email_shows_the_title_as_typed_in_subject_and_text(acme, ticket):
    every_ticket_email(acme, ticket)

    messages = mail.outbox
    assert len(messages) >= 9, [m.subject for m in messages]
    for message in messages:
        assert not ENTITY.search(message.subject), message.subject
        assert not ENTITY.search(message.body), message.body
        assert TITLE in message.body or ticket.reference in message.body, message.subject
        [(html, _)] = message.alternatives
        assert '"><&' not in html, message.subject  # the HTML part stays escaped
    titled = [m for m in messages if TITLE in m.subject]
    assert len(titled) >= 8, [m.subject for m in messages]
    queue = next(m for m in messages if m.to == [acme.tenant.support_email])
    assert ORGANIZATION in queue.subject
    assert "&quot;&gt;&lt;&amp;" in queue.alternatives[0][0]


def test_allauth_email_subject_and_text_are_not_escaped(acme):
    acme.tenant.portal_title = "Acme & Sons' Support"
    acme.tenant.save(update_fields=["portal_title"])
    acme.customer.email = "o'brien@acme.test"
    acme.customer.save(update_fields=["email"])
    acme.customer.emailaddress_set.update(email="o'brien@acme.test")

    Client(HTTP_HOST=acme.host).post(
        "/accounts/password/reset/", {"email": "o'brien@acme.test"}, follow=True
    )

    [message] = mail.outbox
    assert message.subject.startswith("[Acme & Sons' Support] ")
    assert "o'brien@acme.test" in message.body
    assert "Acme & Sons' Support" in message.body
    assert not ENTITY.search(message.subject + message.body)
