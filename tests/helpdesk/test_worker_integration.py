"""The outbox end to end: a real Celery worker, Redis as the broker, PostgreSQL, real SMTP.

Skipped on a machine without PostgreSQL and Redis; in CI their absence is a failure.
The worker is a separate process reading the test database, so tests commit for real
(``transactional_db``) and every wait is bounded.
"""

from collections import Counter, defaultdict

import pytest
from django.db import transaction

from helpdesk import services
from helpdesk.models import OutboxEmail
from helpdesk.services import email_queue
from helpdesk.tasks import deliver_outbox_email
from tests import workers
from tests.workers import WAIT, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# The shared fixtures: real worker processes and the SMTP sink they send to.
celery_processes = workers.celery_processes
sink = workers.sink
worker = workers.worker

SUBJECT = "Ticket ACME-1001 received"
RECIPIENT = "customer@acme.test"
TASK = "helpdesk.tasks.deliver_outbox_email"
REDRIVE = "helpdesk.tasks.outbox_redrive"
# The schedule of these tests' workers: beat re-drives every second, backoff from half a
# second capped at one, a stuck attempt is re-driven after 30 s (an SMTP timeout is 1 s).
BACKOFF = 0.5
SCHEDULE = {
    "OUTBOX_REDRIVE_SECONDS": "1",
    "EMAIL_RETRY_BACKOFF": str(BACKOFF),
    "EMAIL_RETRY_BACKOFF_MAX": "1",
    "EMAIL_CLAIM_SECONDS": "30",
    "EMAIL_TIMEOUT": "1",
}


def queue(**overrides) -> OutboxEmail:
    kwargs = {"to": [RECIPIENT], "subject": SUBJECT, "text": "We have your request."}
    kwargs.update(overrides)
    with transaction.atomic():
        return email_queue(**kwargs)


def queue_many(count: int) -> list[OutboxEmail]:
    with transaction.atomic():
        return [
            email_queue(
                to=[f"customer{n}@acme.test"],
                subject=f"Ticket ACME-{1000 + n} received",
                text="We have your request.",
            )
            for n in range(count)
        ]


def rows_where(emails, condition) -> bool:
    rows = OutboxEmail.objects.filter(pk__in=[email.pk for email in emails])
    return all(condition(row) for row in rows)


def test_worker_delivers_an_email_queued_in_a_committed_transaction(worker, sink):
    sink.start()

    queue()

    [received] = sink.wait_for(1, timeout=WAIT)
    assert received.subject == SUBJECT
    assert received.to == [RECIPIENT]


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


def test_relay_hanging_then_refusing_then_busy_delivers_every_email_once_when_back(
    celery_processes, sink
):
    celery_processes.env.update(SCHEDULE)
    sink.hang()
    celery_processes.start_worker(threads=4)
    celery_processes.start_beat()
    emails = queue_many(12)

    # Each outage keeps the emails pending, attempt after attempt, without giving up.
    wait_until(
        lambda: rows_where(emails, lambda row: "timed out" in row.last_error.lower()),
        "every email to time out on the hanging relay",
    )
    sink.stop()
    wait_until(
        lambda: rows_where(emails, lambda row: "ConnectionRefusedError" in row.last_error),
        "every email to be refused by the stopped relay",
    )
    sink.answer_recipients("451 4.3.0 Mailbox temporarily unavailable")
    sink.start()
    wait_until(
        lambda: rows_where(emails, lambda row: "451 4.3.0" in row.last_error),
        "every email to be put off by the busy relay",
    )
    assert not OutboxEmail.objects.exclude(status=OutboxEmail.Status.PENDING).exists()

    sink.answer_recipients(None)
    received = sink.wait_for(len(emails), timeout=WAIT)
    wait_until(
        lambda: rows_where(emails, lambda row: row.status == OutboxEmail.Status.SENT),
        "every delivery to be recorded",
    )

    # Exactly once each, with the Message-ID each row was written with.
    rows = {row.message_id: row for row in OutboxEmail.objects.all()}
    assert Counter(message.message_id for message in received) == Counter(dict.fromkeys(rows, 1))
    assert len(sink.messages) == len(emails)
    # One chain per email: the busy relay saw each email again only after its backoff,
    # never two attempts in a burst.
    seen = defaultdict(list)
    for refusal in sink.refusals:
        seen[refusal.address].append(refusal.at)
    assert set(seen) == {address for row in rows.values() for address in row.to}
    for times in seen.values():
        gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
        assert all(gap >= BACKOFF * 0.9 for gap in gaps), gaps


def test_relay_refusing_an_unknown_recipient_fails_the_email_at_once(celery_processes, sink):
    celery_processes.env.update(SCHEDULE)
    sink.start()
    sink.answer_recipients("550 5.1.1 <customer@acme.test>: No such user")
    worker = celery_processes.start_worker()
    celery_processes.start_beat()

    email = queue()

    worker.wait_until(
        lambda: OutboxEmail.objects.filter(pk=email.pk, status=OutboxEmail.Status.FAILED).exists(),
        "the email to fail",
    )
    # Later re-drives leave it alone.
    ticks = len(worker.results(REDRIVE))
    worker.wait_until(lambda: len(worker.results(REDRIVE)) >= ticks + 3, "three more re-drives")
    email.refresh_from_db()
    assert email.attempts == 1
    assert "550 5.1.1 <customer@acme.test>: No such user" in email.last_error
    assert len(sink.refusals) == 1


def test_redrive_while_the_workers_are_behind_queues_no_second_delivery(celery_processes, sink):
    sink.start()
    celery_processes.publish_to_broker()
    emails = queue_many(10)  # their deliveries wait in the broker: no worker runs yet

    # Beat ticks meanwhile (here by hand): every email is due, and already queued.
    assert [services.outbox_redrive() for _ in range(5)] == [0] * 5

    worker = celery_processes.start_worker()
    sink.wait_for(len(emails), timeout=WAIT)
    worker.wait_until(lambda: len(worker.results(TASK)) >= len(emails), "every delivery to run")
    assert worker.received(TASK) == len(emails)
    assert len(sink.messages) == len(emails)


def test_worker_killed_after_the_relay_accepted_resends_with_the_same_message_id(
    celery_processes, sink
):
    """SMTP cannot be exactly-once: a worker dying between the relay's acceptance and the
    "sent" mark means one more copy. That copy carries the same Message-ID, so relays and
    mail clients fold the two."""
    celery_processes.env.update(SCHEDULE, EMAIL_CLAIM_SECONDS="2")
    sink.start()
    sink.hold_acceptance()
    doomed = celery_processes.start_worker("doomed")
    celery_processes.start_beat()

    email = queue()
    [first] = sink.wait_for(1, timeout=WAIT)  # the relay has the message...
    doomed.kill()  # ...and the worker dies before hearing "250 accepted"
    sink.release_acceptance()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.PENDING, 1)

    successor = celery_processes.start_worker("successor")
    successor.wait_until(
        lambda: OutboxEmail.objects.filter(pk=email.pk, status=OutboxEmail.Status.SENT).exists(),
        "the resend to be recorded",
    )
    first_copy, second_copy = sink.messages
    assert first_copy.message_id == second_copy.message_id == email.message_id
    email.refresh_from_db()
    assert email.attempts == 2
