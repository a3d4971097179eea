"""Writing webhook deliveries in the transaction of the change they announce."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from ..models import Webhook, WebhookDelivery
from ..queueing import tasks_enqueue
from ..tenant_data import tenant_data


def claim_period() -> timedelta:
    """How long a queued (or running) delivery keeps the re-drive away from its row: more
    than one attempt can last (connect, send and read, each within ``WEBHOOK_TIMEOUT``)."""
    return timedelta(seconds=settings.WEBHOOK_CLAIM_SECONDS)


def _load_subscriptions(tenant_id: int) -> tuple[tuple[int, frozenset[str]], ...]:
    rows = Webhook.objects.filter(tenant_id=tenant_id, is_active=True).order_by("pk")
    return tuple((pk, frozenset(events or ())) for pk, events in rows.values_list("pk", "events"))


def webhook_subscribers(*, tenant, event: str) -> list[int]:
    """Ids of the tenant's active webhooks subscribed to ``event``. Kept in memory while the
    tenant's webhooks are unchanged (``helpdesk.tenant_data``), so a ticket change of a
    tenant without webhooks costs no query."""
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    subscriptions = tenant_data(tenant_id, "webhooks", lambda: _load_subscriptions(tenant_id))
    return [pk for pk, events in subscriptions if event in events]


@dataclass
class Emission:
    """One event to announce. ``webhook_ids``: only to these of the subscribers."""

    event: str
    data: dict
    dedupe_key: str | None = None
    webhook_ids: Iterable[int] | None = None


def webhook_emit(*, tenant, event: str, data: dict, dedupe_key: str | None = None) -> int:
    """Announce ``event`` to the tenant's webhooks subscribed to it: one delivery row each,
    written in the caller's transaction and sent after it commits. Returns how many rows
    were written (a ``dedupe_key`` already announced to a webhook writes none for it)."""
    return webhook_emit_many(tenant=tenant, emissions=[Emission(event, data, dedupe_key)])


def webhook_emit_many(*, tenant, emissions: Iterable[Emission]) -> int:
    """Announce many events of one tenant in one insert (see :func:`webhook_emit`)."""
    now = timezone.now()
    rows = []
    for emission in emissions:
        subscribers = webhook_subscribers(tenant=tenant, event=emission.event)
        if emission.webhook_ids is not None:
            wanted = set(emission.webhook_ids)
            subscribers = [pk for pk in subscribers if pk in wanted]
        if not subscribers:
            continue
        # What is stored is what is sent: dates and the like become their JSON text now.
        data = json.loads(json.dumps(emission.data, cls=DjangoJSONEncoder))
        for webhook_id in subscribers:
            event_id = uuid.uuid4()
            rows.append(
                WebhookDelivery(
                    tenant_id=tenant.pk,
                    webhook_id=webhook_id,
                    event=emission.event,
                    event_id=event_id,
                    payload={
                        "id": str(event_id),
                        "event": emission.event,
                        "created_at": now.isoformat(),
                        "tenant": tenant.slug,
                        "data": data,
                    },
                    dedupe_key=emission.dedupe_key,
                    next_attempt_at=now,
                    # Its own task is queued at commit: the re-drive leaves it alone meanwhile.
                    claimed_until=now + claim_period(),
                    retry_until=now + timedelta(seconds=settings.WEBHOOK_RETRY_FOR),
                    created_at=now,
                )
            )
    if not rows:
        return 0
    # A key announced before (a job run twice) is skipped by the unique constraint rather
    # than failing the change: the rows written are found again by their event ids.
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    event_ids = [row.event_id for row in rows]
    transaction.on_commit(lambda: _enqueue_written(event_ids), robust=True)
    if all(row.dedupe_key is None for row in rows):
        return len(rows)
    return WebhookDelivery.objects.filter(event_id__in=event_ids).count()


def _enqueue_written(event_ids: list) -> None:
    ids = list(pending().filter(event_id__in=event_ids).order_by("pk").values_list("pk", flat=True))
    if ids:
        deliveries_enqueue(ids)


def deliveries_enqueue(ids: list[int]) -> None:
    # The task module imports the services; the services reach the task at call time.
    from ..tasks import deliver_webhook

    tasks_enqueue(deliver_webhook, ids, pending=pending(), what="webhook deliveries")


def pending():
    return WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING)
