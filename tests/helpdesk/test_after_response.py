"""A request's emails reach the broker once its response has been sent: the person waits
for their ticket and its outbox rows to be committed, not for the broker.

The requests go through Django's WSGI handler as a WSGI server calls it: the response is
returned, written, then closed; the tasks leave at the close. The broker is the real Redis.
"""

import re

import pytest
import redis
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client, RequestFactory

from helpdesk.celery import app as celery_app
from helpdesk.models import OutboxEmail
from tests.smtp_sink import free_port
from tests.tickets.factories import TicketTypeFactory
from tests.workers import broker_url_for, forget_broker_connections
from tickets.models import Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

QUEUE = "mail"


@pytest.fixture
def broker(settings, require_redis):
    """Publishing goes to the real Redis (the database next to the cache's), as in
    production; yields a client reading the mail queue there."""
    url = broker_url_for(settings.REDIS_URL)
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, False
    forget_broker_connections()
    client = redis.Redis.from_url(url)
    client.delete(*client.keys(f"{QUEUE}*") or [QUEUE])
    yield client
    client.delete(*client.keys(f"{QUEUE}*") or [QUEUE])
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    forget_broker_connections()


def queued(client) -> int:
    return sum(client.llen(key) for key in client.keys(f"{QUEUE}*"))


def signed_in_post(world, person, path: str, data: dict):
    """The environ of ``person``'s form POST to ``path``, with their session and CSRF
    cookies and the form's token, as a browser sends it."""
    browser = Client(HTTP_HOST=world.host, enforce_csrf_checks=True)
    browser.force_login(person)
    page = browser.get(path).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in browser.cookies.items())
    request = RequestFactory().post(
        path, {**data, "csrfmiddlewaretoken": token}, HTTP_HOST=world.host, HTTP_COOKIE=cookies
    )
    return request.environ


def wsgi_call(environ):
    """Django's handler called as a WSGI server calls it: the status and the response,
    which the server closes once it has written it."""
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"] = status

    response = WSGIHandler()(environ, start_response)
    body = b"".join(response)
    return started["status"], body, response


def new_ticket(world):
    kind = TicketTypeFactory(tenant=world.tenant, name="Networking")
    return {
        "title": "VPN tunnel down",
        "ticket_type": kind.pk,
        "priority": "P2",
        "affected_service": "VPN bog-prod",
        "text": "Since 09:10.",
    }


def test_the_new_ticket_is_answered_before_its_emails_are_queued(transactional_db, broker, acme):
    environ = signed_in_post(acme, acme.customer, "/tickets/new/", new_ticket(acme))

    status, _body, response = wsgi_call(environ)

    # The customer has their answer: the ticket and both of its emails are committed.
    assert status.startswith("302")
    ticket = Ticket.objects.get(tenant=acme.tenant)
    assert response["Location"] == f"/tickets/{ticket.reference}/"
    emails = OutboxEmail.objects.filter(tenant=acme.tenant)
    assert sorted(e.to[0] for e in emails) == sorted(
        [acme.customer.email, acme.tenant.support_email]
    )
    assert queued(broker) == 0

    response.close()

    # Written out, the response is closed and the two deliveries leave, once each.
    assert queued(broker) == 2
    response.close()
    assert queued(broker) == 2


def test_a_broker_down_after_the_answer_leaves_the_emails_to_the_redrive_at_once(
    transactional_db, broker, acme
):
    environ = signed_in_post(acme, acme.customer, "/tickets/new/", new_ticket(acme))
    status, _body, response = wsgi_call(environ)
    assert status.startswith("302")

    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    forget_broker_connections()
    response.close()

    # Nothing was queued; the rows' claims are released, so the next re-drive takes them
    # rather than waiting for the claims to expire.
    emails = OutboxEmail.objects.filter(tenant=acme.tenant)
    assert [e.status for e in emails] == [OutboxEmail.Status.PENDING] * 2
    assert [e.claimed_until for e in emails] == [None, None]
    assert queued(broker) == 0
