"""Webhooks end to end: real Celery worker and beat processes on Redis and PostgreSQL,
POSTing to an HTTP receiver this test runs on 127.0.0.1.

Skipped on a machine without PostgreSQL and Redis; in CI their absence is a failure. The
processes read the test database, so tests commit for real (``transactional_db``).
"""

import time

import pytest

from escalation.tasks import check_escalations
from helpdesk.models import Webhook, WebhookDelivery
from helpdesk.tasks import deliver_webhook
from tests import workers
from tests.helpdesk.test_webhooks import Receiver, verify
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory
from tests.workers import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

celery_processes = workers.celery_processes
sink = workers.sink

TASK = "helpdesk.tasks.deliver_webhook"
CHECK = "escalation.tasks.check_escalations"
# These workers' schedule: the re-drive every second, backoff from half a second capped at
# one, and receivers on loopback allowed.
SCHEDULE = {
    "WEBHOOKS_ALLOW_PRIVATE": "1",
    "WEBHOOK_REDRIVE_SECONDS": "1",
    "WEBHOOK_RETRY_BACKOFF": "0.5",
    "WEBHOOK_RETRY_BACKOFF_MAX": "1",
    "WEBHOOK_CLAIM_SECONDS": "30",
    "WEBHOOK_TIMEOUT": "5",
}


@pytest.fixture
def processes(celery_processes, sink, settings):
    sink.start()
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    celery_processes.env.update(SCHEDULE)
    return celery_processes


def receiving(statuses=()):
    receiver = Receiver(statuses=statuses).start()
    return receiver


def test_a_ticket_opened_reaches_the_receiver_exactly_once_signed(processes, acme):
    receiver = receiving()
    try:
        webhook = Webhook.objects.create(
            tenant=acme.tenant, name="Ops", url=receiver.url, events=["ticket.created"]
        )
        ticket_type = TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="net")
        worker = processes.start_worker()

        ticket = open_ticket(acme, ticket_type)

        delivery = wait_until(
            lambda: WebhookDelivery.objects.filter(status="delivered").first(),
            "the delivery to be marked delivered",
        )
        # Queued again (a re-drive racing the first task, a broker replay): nothing more.
        deliver_webhook.delay(delivery.pk)
        worker.wait_until(lambda: worker.received(TASK) >= 2, "the second task")
        worker.wait_until(lambda: len(worker.results(TASK)) >= 2, "the second task to finish")
        time.sleep(1)
        [request] = receiver.received()
        assert verify(webhook.secret, request.headers, request.body)
        assert request.headers["X-Helpdesk-Delivery"] == str(delivery.event_id)
        assert request.json["data"]["ticket"]["reference"] == ticket.reference
        assert worker.results(TASK) == ["'delivered: 200'", "'not due'"]
    finally:
        receiver.stop()


def test_a_receiver_failing_once_gets_the_event_again_and_it_is_delivered(processes, acme):
    receiver = receiving(statuses=[500])
    try:
        webhook = Webhook.objects.create(
            tenant=acme.tenant, name="Ops", url=receiver.url, events=["ticket.created"]
        )
        ticket_type = TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="net")
        processes.start_worker()
        processes.start_beat()

        open_ticket(acme, ticket_type)

        delivery = wait_until(
            lambda: WebhookDelivery.objects.filter(status="delivered").first(),
            "the retried delivery to be marked delivered",
        )
        time.sleep(2)  # a few more re-drives: none sends it again
        first, second = receiver.received()
        assert first.body == second.body
        assert first.headers["X-Helpdesk-Delivery"] == second.headers["X-Helpdesk-Delivery"]
        assert verify(webhook.secret, second.headers, second.body)
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_status_code) == (2, 200)
    finally:
        receiver.stop()


def test_a_slow_receiver_holds_only_the_webhooks_worker(processes, acme):
    """Webhook deliveries have their own queue: while a receiver takes its time, the
    escalation check and the emails run on the other worker."""
    receiver = Receiver(delay=8).start()
    try:
        processes.env.update(WEBHOOK_TIMEOUT="30")
        Webhook.objects.create(
            tenant=acme.tenant, name="Ops", url=receiver.url, events=["ticket.created"]
        )
        ticket_type = TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="net")
        hooks = processes.start_worker("hooks", queues="webhooks")
        jobs = processes.start_worker("jobs", queues="celery,mail")

        open_ticket(acme, ticket_type)
        hooks.wait_until(lambda: receiver.received(), "the receiver to be reached")
        check_escalations.delay()

        jobs.wait_until(lambda: jobs.results(CHECK), "the escalation check to run")
        assert not WebhookDelivery.objects.filter(status="delivered").exists()
        assert jobs.received(TASK) == 0
        wait_until(
            lambda: WebhookDelivery.objects.filter(status="delivered").exists(),
            "the slow receiver's delivery to be marked delivered",
        )
        assert hooks.results(TASK) == ["'delivered: 200'"]
    finally:
        receiver.stop()
