"""Email outbox: queue in the caller's transaction, deliver from a worker."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutboxEmail

MAX_ATTEMPTS = 8
# Beat leaves a freshly queued email to its own task for this long before re-driving it.
REDRIVE_GRACE = timedelta(minutes=2)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min … capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


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
) -> OutboxEmail:
    from .tasks import deliver_outbox_email

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
        now=timezone.now(),
    )
    email.save(force_insert=True)
    # The row is committed and beat re-drives it: a broker outage must not fail the caller.
    transaction.on_commit(lambda: deliver_outbox_email.delay(email.pk), robust=True)
    return email


def email_queue_many(*, emails: list[dict]) -> list[OutboxEmail]:
    """Queue many emails (each a dict of :func:`email_queue`'s arguments) in a few
    statements: one query for those already queued by ``dedupe_key``, one insert, and after
    commit their delivery tasks sent over one broker connection. Returns the new rows."""
    keys = [email["dedupe_key"] for email in emails if email.get("dedupe_key")]
    taken = set()
    if keys:
        taken = set(
            OutboxEmail.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
        )
    now = timezone.now()
    rows = []
    for email in emails:
        key = email.get("dedupe_key")
        if key:
            if key in taken:
                continue
            taken.add(key)
        rows.append(_outbox_row(now=now, **email))
    if rows:
        OutboxEmail.objects.bulk_create(rows)
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: _deliveries_enqueue(ids), robust=True)
    return rows


def _outbox_row(
    *, to, subject, text, html="", tenant=None, from_email=None, reply_to=None, dedupe_key=None, now
) -> OutboxEmail:
    return OutboxEmail(
        tenant=tenant,
        to=list(to),
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        reply_to=list(reply_to or []),
        subject=subject[:255],
        body_text=text,
        body_html=html,
        dedupe_key=dedupe_key,
        next_attempt_at=now + REDRIVE_GRACE,
        created_at=now,
    )


def _deliveries_enqueue(ids: list[int]) -> None:
    from .tasks import deliver_outbox_email

    if deliver_outbox_email.app.conf.task_always_eager:
        for email_id in ids:
            deliver_outbox_email.delay(email_id)
        return
    # One producer (one broker connection) for the whole batch.
    with deliver_outbox_email.app.producer_or_acquire() as producer:
        for email_id in ids:
            deliver_outbox_email.apply_async((email_id,), producer=producer)


def outbox_deliver(*, email_id: int) -> bool:
    """Send one pending email. Returns False when it failed and should be retried.

    The row is locked (skipping rows another worker holds) and its status re-checked, so
    two workers or a re-driven task never send the same email twice.
    """
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return True
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=email.from_email,
            to=email.to,
            reply_to=email.reply_to or None,
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - any transport error means "try later"
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutboxEmail.Status.FAILED
            email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return email.status == OutboxEmail.Status.FAILED
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


def outbox_due_ids(*, limit: int = 500) -> list[int]:
    return list(
        OutboxEmail.objects.filter(
            status=OutboxEmail.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
