"""The outbox end to end: a real Celery worker, Redis as the broker, PostgreSQL, real SMTP.

Skipped on a machine without PostgreSQL and Redis; in CI their absence is a failure.
The worker is a separate process reading the test database, so tests commit for real
(``transactional_db``) and every wait is bounded.
"""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.db import connection, transaction
from django.utils import timezone

from helpdesk.celery import app as celery_app
from helpdesk.models import OutboxEmail
from helpdesk.services import email_queue
from helpdesk.tasks import deliver_outbox_email, outbox_redrive
from tests.smtp_sink import SmtpSink

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

WAIT = 60  # seconds; generous for a loaded CI machine, still bounded
SUBJECT = "Ticket ACME-1001 received"
RECIPIENT = "customer@acme.test"
TASK = "helpdesk.tasks.deliver_outbox_email"


def queue(**overrides) -> OutboxEmail:
    kwargs = {"to": [RECIPIENT], "subject": SUBJECT, "text": "We have your request."}
    kwargs.update(overrides)
    with transaction.atomic():
        return email_queue(**kwargs)


def broker_url_for(redis_url: str) -> str:
    # REDIS_URL's database also holds the cache, and every test starts with cache.clear(),
    # which flushes that whole database - queued tasks included, in this run or in another
    # developer's running at the same time. The broker gets the neighbouring database.
    parts = urlsplit(redis_url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{db - 1 if db > 0 else db + 1}"))


def worker_database_url() -> str:
    db = connection.settings_dict
    auth = ""
    if db["USER"]:
        auth = quote(db["USER"], safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        auth += "@"
    host = db["HOST"] or "localhost"
    port = db["PORT"] or 5432
    return f"postgres://{auth}{host}:{port}/{quote(db['NAME'], safe='')}"


def forget_broker_connections() -> None:
    # Celery binds its producer pool to the broker URL of the first publish (eager runs
    # publish too) and has no public way to repoint it; after a fork it does this itself.
    celery_app._after_fork()


def empty_broker(url: str) -> None:
    """Drop tasks left by other runs, so only this test's tasks reach the worker."""
    celery_app.control.purge()
    # A killed worker's unacknowledged tasks wait here and are restored to the queue later.
    redis.Redis.from_url(url).delete("unacked", "unacked_index", "unacked_mutex")


class Worker:
    def __init__(self, process: subprocess.Popen, log_path: Path):
        self.process = process
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_until(self, condition, what: str, timeout: float = WAIT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited ({self.process.returncode}) before {what}")
            time.sleep(0.2)
        raise AssertionError(f"gave up after {timeout} s waiting for {what}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


@pytest.fixture
def sink():
    """The worker's SMTP server: down until a test calls ``sink.start()``."""
    sink = SmtpSink()
    yield sink
    sink.stop()


@pytest.fixture
def worker(require_postgres, require_redis, transactional_db, settings, sink, tmp_path, request):
    broker_url = broker_url_for(settings.REDIS_URL)

    # This process publishes to the broker instead of running tasks in place.
    saved_conf = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = broker_url
    forget_broker_connections()

    def restore_publishing():
        try:
            empty_broker(broker_url)
        finally:
            celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved_conf
            forget_broker_connections()

    request.addfinalizer(restore_publishing)
    assert celery_app.conf.broker_url == broker_url, "CELERY_BROKER_URL in the environment?"
    empty_broker(broker_url)

    env = {
        key: value
        for key, value in os.environ.items()
        # Celery reads CELERY_BROKER_URL from the environment over any setting.
        if not key.startswith(("CELERY_", "DJANGO_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        DEBUG="1",
        DATABASE_URL=worker_database_url(),
        REDIS_URL=broker_url,
        EMAIL_URL=sink.url,
        EMAIL_TIMEOUT="5",
        HELPDESK_VAR_DIR=str(tmp_path),
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "helpdesk",
                "worker",
                "--loglevel=INFO",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process, log_path)

    def stop_worker():
        worker.stop()
        # Shown by pytest only when the test failed.
        print(f"----- celery worker output (exit code {process.returncode}) -----")
        print(worker.log())

    request.addfinalizer(stop_worker)
    worker.wait_until(lambda: re.search(r"\bready\.", worker.log()), "the worker to be ready")
    return worker


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
