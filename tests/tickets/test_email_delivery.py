"""Ticket emails through the real path: outbox, Redis, a Celery worker process, SMTP."""

import pytest
from django.test import Client

from tests import workers
from tests.workers import WAIT
from tickets.models import Ticket

from .factories import TicketTypeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

celery_processes = workers.celery_processes
sink = workers.sink
worker = workers.worker


def test_customer_and_queue_receive_the_new_ticket_and_the_reply(worker, sink, acme):
    sink.start()
    kind = TicketTypeFactory(tenant=acme.tenant, name="Networking")
    customer = Client(HTTP_HOST=acme.host)
    customer.force_login(acme.customer)
    customer.post(
        "/tickets/new/",
        {
            "title": "VPN tunnel down",
            "ticket_type": kind.pk,
            "priority": "P2",
            "affected_service": "VPN bog-prod",
            "text": "Since **09:10**.",
        },
    )
    ticket = Ticket.objects.get(tenant=acme.tenant)
    received = {m.to[0]: m for m in sink.wait_for(2, timeout=WAIT)}
    confirmation = received[acme.customer.email]
    assert ticket.reference in confirmation.subject
    assert f"http://{acme.host}/tickets/{ticket.reference}/" in confirmation.text
    assert "<strong>" in received[acme.tenant.support_email].html  # the queue sees the text

    engineer = Client(HTTP_HOST=acme.host)
    engineer.force_login(acme.engineer)
    engineer.post(f"/tickets/{ticket.reference}/reply/", {"reply-body": "Restarting the peer."})
    engineer.post(
        f"/tickets/{ticket.reference}/reply/",
        {"reply-body": "internal: peer is flaky", "reply-internal": "on"},
    )
    messages = sink.wait_for(3, timeout=WAIT)
    reply = messages[-1]
    assert reply.to == [acme.customer.email]
    assert "Restarting the peer." in reply.text
    assert all("flaky" not in m.text for m in messages)
