"""Email outbox: queue in the caller's transaction, deliver from a worker.

The row is the email's only schedule. It is due at ``next_attempt_at``; a delivery task
sends it only when it is due, and keeps no retry chain of its own. Tasks are queued after
the commit that wrote the row and by the every-minute re-drive, which takes only rows that
are due and not already queued (``claimed_until``), under ``SKIP LOCKED``: however far the
workers fall behind, a row has one task at a time, so one chain of attempts.

Transient failures (refused or dropped connections, timeouts, 4xx answers) are retried with
backoff capped at ``EMAIL_RETRY_BACKOFF_MAX`` for ``EMAIL_RETRY_FOR``; a permanent answer
(5xx about the message: 550 no such user) fails the row at once with the relay's reason.
"""

import logging
import time
from datetime import timedelta
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .links import tenant_host
from .models import OutboxEmail
from .queueing import due_rows_claim, tasks_enqueue
from .smtp import Failure, classify

logger = logging.getLogger(__name__)

REDRIVE_BATCH = 1000
# After the relay accepted an email, how often (and after what pauses) the "sent" mark is
# written again when the database is unreachable, before the row is left for a resend.
SENT_MARK_PAUSES = (0.5, 1, 2, 4, 8)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff from ``EMAIL_RETRY_BACKOFF`` seconds, capped at
    ``EMAIL_RETRY_BACKOFF_MAX``: short enough that delivery resumes within minutes of the
    relay coming back."""
    seconds = settings.EMAIL_RETRY_BACKOFF * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.EMAIL_RETRY_BACKOFF_MAX))


def claim_period() -> timedelta:
    """How long a queued (or running) delivery keeps the re-drive away from its row. A
    task lost with its broker is re-driven after this; it must exceed the longest SMTP
    conversation (several ``EMAIL_TIMEOUT``\\ s)."""
    return timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)


def email_queue(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    tenant=None,
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    dedupe_key: str | None = None,
    sensitive: bool = False,
    headers: dict | None = None,
    thread: str = "",
) -> OutboxEmail:
    """Write an email to the outbox; it is sent after the caller's transaction commits.

    ``headers``: more headers (In-Reply-To, References, Auto-Submitted). ``thread``: what
    the email is about ("ticket:<pk>"), so a reply naming its Message-ID finds it again.

    ``sensitive``: the body holds a link or code that opens an account (password reset,
    invitation, address verification). It is never shown in admin and is removed from
    the row once the email is delivered or given up.
    """
    if dedupe_key:
        existing = OutboxEmail.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    email = _outbox_row(
        to=to,
        subject=subject,
        text=text,
        html=html,
        tenant=tenant,
        from_email=from_email,
        reply_to=reply_to,
        dedupe_key=dedupe_key,
        sensitive=sensitive,
        headers=headers,
        thread=thread,
        now=timezone.now(),
        domains={},
    )
    email.save(force_insert=True)
    # The row is committed and the re-drive takes it: a broker outage must not fail the
    # caller.
    transaction.on_commit(lambda: _deliveries_enqueue([email.pk]), robust=True)
    return email


def email_queue_many(*, emails: list[dict], keys_are_new: bool = False) -> list[OutboxEmail]:
    """Queue many emails (each a dict of :func:`email_queue`'s arguments) in a few
    statements: one query for those already queued by ``dedupe_key``, one for each
    tenant's domain, one insert, and after commit their delivery tasks sent over one broker
    connection. Returns the new rows.

    ``keys_are_new``: the keys name something made in the caller's transaction (a ticket
    just opened), so none can be taken and the lookup is skipped (the keys' unique
    constraint still holds)."""
    keys = [email["dedupe_key"] for email in emails if email.get("dedupe_key")]
    taken = set()
    if keys and not keys_are_new:
        taken = set(
            OutboxEmail.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
        )
    now = timezone.now()
    domains: dict = {}
    rows = []
    for email in emails:
        key = email.get("dedupe_key")
        if key:
            if key in taken:
                continue
            taken.add(key)
        rows.append(_outbox_row(now=now, domains=domains, **email))
    if rows:
        OutboxEmail.objects.bulk_create(rows)
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: _deliveries_enqueue(ids), robust=True)
    return rows


def _outbox_row(
    *,
    to,
    subject,
    text,
    html="",
    tenant=None,
    from_email=None,
    reply_to=None,
    dedupe_key=None,
    sensitive=False,
    headers=None,
    thread="",
    now,
    domains: dict,
) -> OutboxEmail:
    tenant_id = tenant.pk if tenant is not None else None
    if tenant_id not in domains:
        domains[tenant_id] = tenant_host(tenant=tenant)
    return OutboxEmail(
        tenant=tenant,
        to=list(to),
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        reply_to=list(reply_to or []),
        subject=subject[:255],
        body_text=text,
        body_html=html,
        sensitive=sensitive,
        headers=dict(headers or {}),
        thread=thread,
        message_id=make_msgid(domain=domains[tenant_id]),
        dedupe_key=dedupe_key,
        next_attempt_at=now,
        # Its own task is queued at commit: the re-drive leaves it alone meanwhile.
        claimed_until=now + claim_period(),
        retry_until=now + timedelta(seconds=settings.EMAIL_RETRY_FOR),
        created_at=now,
    )


def _deliveries_enqueue(ids: list[int]) -> None:
    # Tasks are thin wrappers that call these services; the services reach the task at
    # call time, so the task module stays the only one that imports the other at load.
    from .tasks import deliver_outbox_email

    tasks_enqueue(deliver_outbox_email, ids, pending=_pending(), what="email(s)")


def _pending():
    return OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)


def outbox_redrive(*, limit: int = REDRIVE_BATCH) -> int:
    """Queue a delivery for every due email that has none queued. Returns how many.

    The rows are claimed in one short transaction that skips rows another re-drive holds,
    so two beats (or a beat and a slow worker) never queue the same row twice.
    """
    now = timezone.now()
    ids = due_rows_claim(_pending(), now=now, claim_until=now + claim_period(), limit=limit)
    if ids:
        _deliveries_enqueue(ids)
    return len(ids)


def outbox_resend(*, emails) -> int:
    """Put failed emails back in line, due now, with a fresh retry period. Returns how
    many. Emails whose sensitive body was removed cannot be sent again (the person asks
    for a new link instead)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            emails.filter(status=OutboxEmail.Status.FAILED)
            .exclude(sensitive=True)
            .values_list("pk", flat=True)
        )
        OutboxEmail.objects.filter(pk__in=ids).update(
            status=OutboxEmail.Status.PENDING,
            next_attempt_at=now,
            claimed_until=now + claim_period(),
            retry_until=now + timedelta(seconds=settings.EMAIL_RETRY_FOR),
        )
        if ids:
            transaction.on_commit(lambda: _deliveries_enqueue(ids), robust=True)
    return len(ids)


def outbox_deliver(*, email_id: int) -> str:
    """Send one email if it is due. Returns what happened, for the worker's log.

    SMTP cannot be exactly-once: the relay may accept an email and the worker die (or the
    database drop) before the row says so; the row is then sent again, with the same
    Message-ID, so relays and mail clients can fold the copies. The window between the
    relay's acceptance and the "sent" mark is kept as small as the protocol allows:

    - no transaction is held open across the SMTP conversation. The attempt is recorded
      first in its own short transaction; held open, a transaction would tie a database
      connection to a relay that may hang for minutes, and a database restart during the
      conversation would lose the commit of an email that was accepted;
    - the "sent" mark is written right after the relay's answer to the message data,
      before QUIT, as one statement that is repeated on a fresh connection while the
      database is briefly unreachable (it can be repeated: it only says "sent").
    """
    email = _attempt_start(email_id)
    if email is None:
        return "not due"
    message = _message(email)
    mail = get_connection()
    try:
        mail.open()
        if not mail.send_messages([message]):
            raise ValueError("no recipient to send to")
    except Exception as error:  # noqa: BLE001 - every failure is classified and recorded
        _close_quietly(mail)
        return _attempt_failed(email, classify(error))
    _attempt_sent(email)
    _close_quietly(mail)
    return "sent"


def _attempt_start(email_id: int) -> OutboxEmail | None:
    now = timezone.now()
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return None
        if email.next_attempt_at > now:
            if email.claimed_until is not None:
                # Queued early (clocks differ): the re-drive takes it once it is due.
                email.claimed_until = None
                email.save(update_fields=["claimed_until"])
            return None
        email.attempts += 1
        # Should this attempt never report back (a killed worker), the row is due again
        # once the claim period has passed.
        email.next_attempt_at = now + claim_period()
        email.claimed_until = None
        if not email.message_id:
            email.message_id = make_msgid(domain=tenant_host(tenant=email.tenant))
        if email.retry_until is None:
            email.retry_until = email.created_at + timedelta(seconds=settings.EMAIL_RETRY_FOR)
        email.save(
            update_fields=[
                "attempts",
                "next_attempt_at",
                "claimed_until",
                "message_id",
                "retry_until",
            ]
        )
    return email


def _message(email: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_email,
        to=email.to,
        reply_to=email.reply_to or None,
        # The same on every attempt, so copies of one email are recognisably one.
        headers={
            **email.headers,
            "Message-ID": email.message_id,
            "Date": formatdate(email.created_at.timestamp()),
        },
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def _attempt_failed(email: OutboxEmail, failure: Failure) -> str:
    now = timezone.now()
    fields = {"last_error": failure.reason[:2000]}
    if failure.permanent or now >= email.retry_until:
        fields["status"] = OutboxEmail.Status.FAILED
        fields.update(_purged(email))
        outcome = f"failed: {failure.reason}"
        logger.warning("Email %s to %s failed: %s", email.pk, email.to, failure.reason)
    else:
        fields["next_attempt_at"] = now + retry_delay(email.attempts)
        outcome = f"retry at {fields['next_attempt_at']:%H:%M:%S}: {failure.reason}"
    OutboxEmail.objects.filter(pk=email.pk).update(**fields)
    return outcome[:300]


def _attempt_sent(email: OutboxEmail) -> None:
    fields = {
        "status": OutboxEmail.Status.SENT,
        "sent_at": timezone.now(),
        "last_error": "",
        **_purged(email),
    }
    for pause in (*SENT_MARK_PAUSES, None):
        try:
            OutboxEmail.objects.filter(pk=email.pk).update(**fields)
            return
        except DatabaseError:
            if pause is None or connection.in_atomic_block:
                raise
            logger.warning("Email %s was sent; recording it again in %s s", email.pk, pause)
            connection.close()
            time.sleep(pause)


def _purged(email: OutboxEmail) -> dict:
    return {"body_text": "", "body_html": ""} if email.sensitive else {}


def _close_quietly(mail) -> None:
    try:
        mail.close()
    except Exception:  # noqa: BLE001 - the email's fate is already recorded
        logger.info("Closing the SMTP connection failed", exc_info=True)
