"""Queries compiled once per process give what the ORM gives, for any values."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.db import CompiledQuery
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory
from tickets.models import EventKind, Message, TicketEvent
from tickets.services import ticket_reply

pytestmark = pytest.mark.django_db

BASE = "http://acme.localhost"


def events_but(ticket, kinds):
    return TicketEvent.objects.filter(ticket_id=ticket).exclude(kind__in=kinds)


@pytest.fixture
def conversations(acme):
    kind = TicketTypeFactory(tenant=acme.tenant, name="Networking")
    first = open_ticket(acme, kind, title="VPN down")
    second = open_ticket(acme, kind, title="Mail slow")
    ticket_reply(ticket=first, actor=acme.engineer, body="Looking.", base_url=BASE)
    ticket_reply(ticket=first, actor=acme.customer, body="Thanks.", base_url=BASE)
    ticket_reply(
        ticket=first, actor=acme.engineer, body="Peer flaps.", internal=True, base_url=BASE
    )
    ticket_reply(ticket=second, actor=acme.engineer, body="Which mailbox?", base_url=BASE)
    return first, second


def test_each_call_reads_the_rows_of_its_values_as_the_orm_does(conversations):
    first, second = conversations
    public = CompiledQuery(
        lambda ticket: Message.objects.filter(ticket_id=ticket, is_internal=False), "ticket"
    )
    for ticket in (first, second, first):
        rows = public(ticket=ticket.pk)
        expected = list(Message.objects.filter(ticket=ticket, is_internal=False))
        assert [(m.pk, m.body, m.author_id, m.created_at) for m in rows] == [
            (m.pk, m.body, m.author_id, m.created_at) for m in expected
        ]
    assert [m.body for m in public(ticket=first.pk)] == ["Looking.", "Thanks."]
    assert public(ticket=0) == []


def test_json_fields_and_the_orms_order_come_back_converted(conversations):
    first, _second = conversations
    events = CompiledQuery(
        lambda ticket: events_but(ticket, [EventKind.REPLY, EventKind.NOTE]), "ticket"
    )
    rows = events(ticket=first.pk)
    expected = list(events_but(first.pk, [EventKind.REPLY, EventKind.NOTE]))
    assert [(e.pk, e.kind, e.data) for e in rows] == [(e.pk, e.kind, e.data) for e in expected]
    assert rows[0].kind == EventKind.CREATED and isinstance(rows[0].data, dict)


def test_the_sql_is_built_once_and_run_as_one_query(conversations):
    first, second = conversations
    built = []

    def build(ticket):
        built.append(ticket)
        return Message.objects.filter(ticket_id=ticket)

    messages = CompiledQuery(build, "ticket")
    messages(ticket=first.pk)
    with CaptureQueriesContext(connection) as queries:
        assert [m.body for m in messages(ticket=second.pk)] == ["Which mailbox?"]
    assert len(built) == 1
    assert len(queries) == 1


def test_a_value_the_sql_does_not_carry_is_refused(conversations):
    first, _second = conversations
    ignores_its_value = CompiledQuery(lambda ticket: Message.objects.all(), "ticket")
    with pytest.raises(ValueError, match="does not carry"):
        ignores_its_value(ticket=first.pk)
