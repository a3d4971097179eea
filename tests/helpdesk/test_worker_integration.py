"""The outbox end to end: a real Celery worker, Redis as the broker, PostgreSQL, real SMTP.

Skipped on a machine without PostgreSQL and Redis; in CI their absence is a failure.
The worker is a separate process reading the test database, so tests commit for real
(``transactional_db``) and every wait is bounded.
"""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from helpdesk.models import OutboxEmail
from helpdesk.services import email_queue
from helpdesk.tasks import deliver_outbox_email, outbox_redrive
from tests import workers
from tests.workers import WAIT

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# The shared fixtures: real worker processes and the SMTP sink they send to.
celery_processes = workers.celery_processes
sink = workers.sink
worker = workers.worker

SUBJECT = "Ticket ACME-1001 received"
RECIPIENT = "customer@acme.test"
TASK = "helpdesk.tasks.deliver_outbox_email"


def queue(**overrides) -> OutboxEmail:
    kwargs = {"to": [RECIPIENT], "subject": SUBJECT, "text": "We have your request."}
    kwargs.update(overrides)
    with transaction.atomic():
        return email_queue(**kwargs)


def test_worker_delivers_an_email_queued_in_a_committed_transaction(worker, sink):
    sink.start()

    queue()

    [received] = sink.wait_for(1, timeout=WAIT)
    assert received.subject == SUBJECT
    assert received.to == [RECIPIENT]


def test_email_held_back_by_an_smtp_outage_arrives_exactly_once_after_redrive(worker, sink):
    email = queue()

    worker.wait_until(
        lambda: OutboxEmail.objects.filter(pk=email.pk, attempts__gte=1).exists(),
        "the first delivery attempt",
    )
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    assert email.last_error
    assert sink.messages == []
    # The worker also scheduled its own retry of the failed task for this moment.
    own_retry_due = email.next_attempt_at

    sink.start()
    OutboxEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    outbox_redrive.delay()

    [received] = sink.wait_for(1, timeout=WAIT)
    assert received.subject == SUBJECT
    assert received.received_at < own_retry_due, "delivered by the worker's retry, not redrive"

    # Once that retry has run too, it must have found the email already sent.
    [failed_task] = re.findall(rf"{re.escape(TASK)}\[([0-9a-f-]+)\] retry:", worker.log())
    worker.wait_until(
        lambda: f"{TASK}[{failed_task}] succeeded" in worker.log(),
        "the worker's own retry to run",
    )
    assert len(sink.messages) == 1


def test_delivery_enqueued_three_times_sends_one_email(worker, sink):
    sink.start()

    email = queue()  # its commit enqueues the first delivery
    # ...then a beat redrive and a redelivered broker message enqueue two more.
    deliver_outbox_email.delay(email.pk)
    deliver_outbox_email.delay(email.pk)
    # The solo worker runs tasks one at a time in queue order: once this later email
    # arrives, all three deliveries of the first one have run.
    queue(subject="Ticket ACME-1002 received")

    messages = sink.wait_for(2, timeout=WAIT)
    assert [m.subject for m in messages] == [SUBJECT, "Ticket ACME-1002 received"]
