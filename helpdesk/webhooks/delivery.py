"""Delivering webhook rows: the same schedule as the email outbox (``helpdesk.services``).

The row is its only schedule. It is due at ``next_attempt_at``; a delivery task sends it
only when it is due and keeps no retry chain of its own. Tasks are queued after the commit
that wrote the row and by the every-minute re-drive, which takes only due rows not already
queued (``claimed_until``) under ``SKIP LOCKED``: a row has one task at a time. The attempt
is recorded (the row pushed a claim period ahead) in a short transaction that locks the row
with ``SKIP LOCKED`` before the request is made, so two workers never send the same attempt.

HTTP cannot be exactly-once: a receiver may take the request and the worker die before the
row says so; the next attempt then sends the same body with the same event id
(``X-Helpdesk-Delivery``), which receivers use to drop the copy.
"""

from __future__ import annotations

import http.client
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import WebhookDelivery
from ..models.webhooks import new_webhook_secret
from ..queueing import due_rows_claim
from ..secrets import SecretUnreadable
from . import signing, transport
from .emit import claim_period, deliveries_enqueue, pending

logger = logging.getLogger(__name__)

# A receiver's "this endpoint is gone for good".
GONE = 410
REDRIVE_BATCH = 1000


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff from ``WEBHOOK_RETRY_BACKOFF`` seconds, capped at
    ``WEBHOOK_RETRY_BACKOFF_MAX``."""
    seconds = settings.WEBHOOK_RETRY_BACKOFF * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.WEBHOOK_RETRY_BACKOFF_MAX))


def webhook_redrive(*, limit: int = REDRIVE_BATCH) -> int:
    """Queue a delivery for every due row that has none queued. Returns how many."""
    now = timezone.now()
    ids = due_rows_claim(pending(), now=now, claim_until=now + claim_period(), limit=limit)
    if ids:
        deliveries_enqueue(ids)
    return len(ids)


def webhook_redeliver(*, deliveries) -> int:
    """Send delivered or failed rows again: a new attempt with the same event id and body
    (signed afresh at sending), due now with a fresh retry period. Pending rows are left to
    their own schedule. Returns how many were put back in line."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            deliveries.exclude(status=WebhookDelivery.Status.PENDING).values_list("pk", flat=True)
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at=now,
            claimed_until=now + claim_period(),
            retry_until=now + timedelta(seconds=settings.WEBHOOK_RETRY_FOR),
        )
        if ids:
            transaction.on_commit(lambda: deliveries_enqueue(ids), robust=True)
    return len(ids)


def webhook_secret_rotate(*, webhook) -> str:
    """Give the webhook a new signing secret (the next attempts are signed with it)."""
    webhook.secret = new_webhook_secret()
    webhook.save(update_fields=["secret_encrypted"])
    return webhook.secret


def webhook_deliver(*, delivery_id: int) -> str:
    """POST one delivery if it is due. Returns what happened, for the worker's log."""
    delivery = _attempt_start(delivery_id)
    if delivery is None:
        return "not due"
    webhook = delivery.webhook
    if not webhook.is_active:
        return _attempt_failed(delivery, _("The webhook is turned off."), permanent=True)
    try:
        secret = webhook.secret
    except SecretUnreadable as error:
        return _attempt_failed(delivery, str(error), permanent=True)
    try:
        destination = transport.destination_resolve(webhook.url)
    except transport.UnsafeDestination as error:
        return _attempt_failed(delivery, str(error), permanent=True)
    except transport.DestinationUnresolved as error:
        return _attempt_failed(delivery, str(error))
    body = signing.body_bytes(delivery.payload)
    headers = signing.headers(
        event=delivery.event,
        event_id=str(delivery.event_id),
        secret=secret,
        timestamp=int(time.time()),
        body=body,
    )
    try:
        status, answer = transport.post(
            destination, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT
        )
    except (OSError, http.client.HTTPException) as error:
        reason = _("No answer from %(host)s: %(error)s") % {
            "host": destination.host,
            "error": str(error) or error.__class__.__name__,
        }
        return _attempt_failed(delivery, reason)
    if 200 <= status < 300:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.DELIVERED,
            delivered_at=timezone.now(),
            last_status_code=status,
            last_error="",
            last_response=answer,
        )
        return f"delivered: {status}"
    if status == GONE:
        # The receiver says the endpoint is gone for good: nothing more is sent to it until
        # an admin turns the webhook on again (its other pending deliveries fail as they
        # come due, saying it is off). Saved, not updated, so every process forgets the
        # tenant's subscriptions and writes no more deliveries for it.
        webhook.is_active = False
        webhook.save(update_fields=["is_active"])
        logger.warning("Webhook %s turned off: its receiver answered 410 Gone", webhook.pk)
        reason = _(
            "The receiver answered 410 Gone: the webhook is turned off until an admin turns "
            "it on again."
        )
        return _attempt_failed(delivery, reason, permanent=True, status=status, answer=answer)
    reason = _("The receiver answered %(status)s.") % {"status": status}
    return _attempt_failed(delivery, reason, status=status, answer=answer)


def _attempt_start(delivery_id: int) -> WebhookDelivery | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        if delivery.next_attempt_at > now:
            if delivery.claimed_until is not None:
                # Queued early (clocks differ): the re-drive takes it once it is due.
                delivery.claimed_until = None
                delivery.save(update_fields=["claimed_until"])
            return None
        delivery.attempts += 1
        # Should this attempt never report back (a killed worker), the row is due again
        # once the claim period has passed.
        delivery.next_attempt_at = now + claim_period()
        delivery.claimed_until = None
        if delivery.retry_until is None:
            delivery.retry_until = delivery.created_at + timedelta(
                seconds=settings.WEBHOOK_RETRY_FOR
            )
        delivery.save(update_fields=["attempts", "next_attempt_at", "claimed_until", "retry_until"])
    return delivery


def _attempt_failed(
    delivery: WebhookDelivery,
    reason: str,
    *,
    permanent: bool = False,
    status: int | None = None,
    answer: str = "",
) -> str:
    now = timezone.now()
    fields = {"last_error": reason[:2000], "last_status_code": status, "last_response": answer}
    if permanent or now >= delivery.retry_until:
        fields["status"] = WebhookDelivery.Status.FAILED
        outcome = f"failed: {reason}"
        logger.warning("Webhook delivery %s failed: %s", delivery.pk, reason)
    else:
        fields["next_attempt_at"] = now + retry_delay(delivery.attempts)
        outcome = f"retry at {fields['next_attempt_at']:%H:%M:%S}: {reason}"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return outcome[:300]
