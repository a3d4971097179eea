"""The email outbox: what reaches people, and when, through commits, outages and retries.

Celery runs eagerly here (test settings), so a queued task runs in the test process the
moment it is published; real SMTP traffic goes to the local sink in tests/smtp_sink.py.
"""

from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from helpdesk.celery import app as celery_app
from helpdesk.emails import send_templated_email
from helpdesk.models import OutboxEmail
from helpdesk.services import email_queue, retry_delay
from helpdesk.tasks import deliver_outbox_email, outbox_redrive
from tests.factories import TenantFactory
from tests.smtp_sink import SmtpSink, free_port

pytestmark = pytest.mark.django_db

SUBJECT = "Ticket ACME-1001 received"
RECIPIENT = "customer@acme.test"


def queue(**overrides) -> OutboxEmail:
    kwargs = {"to": [RECIPIENT], "subject": SUBJECT, "text": "We have your request."}
    kwargs.update(overrides)
    return email_queue(**kwargs)


def let_backoff_pass(email: OutboxEmail) -> None:
    """Stand-in for the clock moving past the email's next attempt."""
    OutboxEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def point_email_at(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    # A dead server must fail the attempt quickly, not hang the worker.
    settings.EMAIL_TIMEOUT = 2


@pytest.fixture
def sink(settings):
    """SMTP goes to a local sink that is *down* until the test calls ``sink.start()``."""
    sink = SmtpSink()
    point_email_at(settings, sink.port)
    yield sink
    sink.stop()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run on-commit callbacks as a real commit would (the test's transaction never does)."""

    def commit():
        return django_capture_on_commit_callbacks(execute=True)

    return commit


def test_email_queued_in_a_transaction_is_sent_once_after_commit(committed, mailoutbox):
    with committed(), transaction.atomic():
        queue()
        # The change that caused the email is not saved yet, so nothing may leave.
        assert mailoutbox == []

    assert [(m.subject, m.to) for m in mailoutbox] == [(SUBJECT, [RECIPIENT])]


def test_nothing_is_sent_when_the_transaction_rolls_back(committed, mailoutbox):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the ticket could not be saved")

    assert mailoutbox == []
    assert not OutboxEmail.objects.exists()


def test_delivering_the_same_email_twice_sends_it_once(committed, mailoutbox):
    with committed():
        email = queue()
    # A redrive or a redelivered broker message runs the task again for the same row.
    deliver_outbox_email.delay(email.pk)

    assert len(mailoutbox) == 1


def test_smtp_outage_keeps_the_email_pending_and_backs_off(sink, committed):
    before = timezone.now()
    with committed():
        email = queue()
    after = timezone.now()

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert before + retry_delay(1) <= email.next_attempt_at <= after + retry_delay(1)

    # A beat tick during the backoff must not hammer the dead server again.
    outbox_redrive.delay()
    email.refresh_from_db()
    assert email.attempts == 1


def test_email_held_back_by_an_outage_arrives_once_smtp_is_back(sink, committed):
    with committed():
        email = queue()
    sink.start()
    let_backoff_pass(email)

    outbox_redrive.delay()

    [received] = sink.wait_for(1, timeout=10)
    assert received.subject == SUBJECT
    assert received.to == [RECIPIENT]
    # Later beat ticks find nothing left to send.
    let_backoff_pass(email)
    outbox_redrive.delay()
    assert len(sink.messages) == 1


def test_backoff_never_exceeds_the_cap_so_delivery_resumes_promptly(sink, committed, settings):
    settings.EMAIL_RETRY_BACKOFF = 30
    settings.EMAIL_RETRY_BACKOFF_MAX = 180
    with committed():
        email = queue()
    for _ in range(12):
        let_backoff_pass(email)
        outbox_redrive.delay()

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    assert email.attempts == 13
    # However long the outage, the next try is at most the cap away.
    assert email.next_attempt_at <= timezone.now() + timedelta(seconds=180)

    sink.start()
    let_backoff_pass(email)
    outbox_redrive.delay()
    assert len(sink.messages) == 1


def test_transient_failures_are_retried_for_the_configured_time_then_fail(
    sink, committed, settings
):
    settings.EMAIL_RETRY_FOR = 3600
    with committed():
        email = queue()
    email.refresh_from_db()
    assert email.retry_until == email.created_at + timedelta(hours=1)

    # The clock moves past the retry period.
    OutboxEmail.objects.filter(pk=email.pk).update(
        retry_until=timezone.now() - timedelta(seconds=1)
    )
    let_backoff_pass(email)
    outbox_redrive.delay()

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert "ConnectionRefusedError" in email.last_error
    # Given up means given up: beat no longer tries, even with SMTP back.
    sink.start()
    let_backoff_pass(email)
    outbox_redrive.delay()
    email.refresh_from_db()
    assert email.attempts == 2
    assert sink.messages == []


def test_unknown_recipient_fails_at_once_with_the_relays_reason(sink, committed):
    sink.start()
    sink.answer_recipients("550 5.1.1 <customer@acme.test>: No such user")

    with committed():
        email = queue()

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert email.attempts == 1
    assert "550 5.1.1 <customer@acme.test>: No such user" in email.last_error
    let_backoff_pass(email)
    outbox_redrive.delay()
    email.refresh_from_db()
    assert email.attempts == 1


def test_message_refused_for_good_after_its_data_fails_at_once(sink, committed):
    sink.start()
    sink.answer_data("554 5.7.1 Message rejected")

    with committed():
        email = queue()

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert "554 5.7.1 Message rejected" in email.last_error


@pytest.mark.parametrize(
    "misbehave",
    [
        lambda sink: sink.answer_recipients("451 4.3.0 Mailbox temporarily unavailable"),
        lambda sink: sink.answer_data("421 4.4.2 Try again later"),
        lambda sink: sink.hang(),
    ],
    ids=["4xx recipient", "4xx data", "hanging relay"],
)
def test_temporary_refusals_and_a_hanging_relay_are_retried(sink, committed, misbehave):
    sink.start()
    misbehave(sink)

    with committed():
        email = queue()

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    assert email.attempts == 1
    assert email.last_error

    sink.answer_recipients(None)
    sink.answer_data(None)
    sink.start()
    let_backoff_pass(email)
    outbox_redrive.delay()
    [received] = sink.wait_for(1, timeout=10)
    assert received.message_id == email.message_id
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT


def test_some_recipients_refused_for_good_and_others_later_is_retried(sink, committed):
    sink.start()
    sink.answer_recipients("452 4.5.3 Too many recipients")

    with committed():
        email = queue(to=[RECIPIENT, "other@acme.test"])

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING


def test_every_attempt_carries_the_message_id_fixed_when_the_email_was_queued(
    acme, sink, committed
):
    sink.start()
    sink.answer_data("451 4.3.0 Try again later")
    with committed():
        email = queue(tenant=acme.tenant)
    email.refresh_from_db()
    assert email.message_id.endswith("@acme.localhost>")
    written = email.message_id

    sink.answer_data(None)
    let_backoff_pass(email)
    outbox_redrive.delay()

    [received] = sink.wait_for(1, timeout=10)
    assert received.message_id == written
    email.refresh_from_db()
    assert (email.attempts, email.message_id) == (2, written)


def test_dedupe_key_queues_an_event_email_only_once(committed, mailoutbox):
    with committed():
        first = queue(dedupe_key="ticket-1001-created")
    # The same event processed again (a retried request, a replayed webhook).
    with committed():
        second = queue(dedupe_key="ticket-1001-created", subject="Ticket ACME-1001 received!")

    assert second.pk == first.pk
    assert [m.subject for m in mailoutbox] == [SUBJECT]


def invite(tenant, inviter, organization, committed):
    with committed():
        send_templated_email(
            tenant=tenant,
            to=["new.customer@acme.test"],
            template="accounts/email/invitation",
            context={
                "invitation": SimpleNamespace(full_name="Dana Scully"),
                "inviter": inviter,
                "organization": organization,
                "accept_url": "http://acme.localhost/invitations/tok3n/",
            },
        )


def test_templated_email_is_branded_for_the_tenant(acme, committed, mailoutbox):
    invite(acme.tenant, acme.org_admin, acme.org, committed)

    [message] = mailoutbox
    assert message.subject == (
        f"[Acme Support] {acme.org_admin} invited you to Acme Customer A's support portal"
    )
    assert message.from_email == "Acme Support <support@acme.example>"
    assert message.to == ["new.customer@acme.test"]
    assert "http://acme.localhost/invitations/tok3n/" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert 'href="http://acme.localhost/invitations/tok3n/"' in html


def test_subject_shows_names_as_typed(acme, committed, mailoutbox):
    acme.org_admin.full_name = "Pat O'Brien"
    acme.org.name = "Smith & Sons"

    invite(acme.tenant, acme.org_admin, acme.org, committed)

    assert mailoutbox[0].subject == (
        "[Acme Support] Pat O'Brien invited you to Smith & Sons's support portal"
    )


def test_tenant_with_a_comma_in_its_portal_title_can_send_email(sink, committed):
    tenant = TenantFactory(slug="initech", portal_title="Initech, Inc. Support")
    sink.start()

    invite(tenant, "Bill Lumbergh", SimpleNamespace(name="Initech Customers"), committed)

    assert len(sink.messages) == 1, "the email never left"
    [received] = sink.messages
    assert received.message["From"].addresses[0].display_name == "Initech, Inc. Support"
    assert received.subject.startswith("[Initech, Inc. Support] ")


def forget_broker_connections() -> None:
    # Celery binds its producer pool to the broker URL of the first publish (eager runs
    # publish too) and has no public way to repoint it; after a fork it does this itself.
    celery_app._after_fork()


@contextmanager
def broker_down():
    """Publishing goes to a broker that refuses connections, as during a Redis outage."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    celery_app.conf.task_always_eager = False
    forget_broker_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        forget_broker_connections()


def test_broker_outage_does_not_fail_the_change_and_the_email_follows(committed, mailoutbox):
    # The caller (say, a view saving a ticket) must not see an error for a change that
    # is already committed: the outbox row is there for the redrive to pick up.
    with broker_down(), committed():
        email = queue()

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    let_backoff_pass(email)
    outbox_redrive.delay()
    assert [m.subject for m in mailoutbox] == [SUBJECT]
