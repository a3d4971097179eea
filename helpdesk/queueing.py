"""Rows that are their own schedule (the outbox, the inbox): claiming the due ones and
queueing one task per row.

A row is due at ``next_attempt_at`` and held by a queued task until ``claimed_until``; the
every-minute re-drive claims due, unclaimed rows under ``SKIP LOCKED``, so two re-drives (or
a re-drive and a slow worker) never queue the same row twice.
"""

import logging

from django.db import transaction
from django.db.models import Q

logger = logging.getLogger(__name__)


def due_rows_claim(pending, *, now, claim_until, limit: int) -> list[int]:
    """Ids of the rows of ``pending`` (a queryset of rows waiting for work) that are due and
    not claimed, at most ``limit``, oldest due first, now claimed until ``claim_until``."""
    with transaction.atomic():
        ids = list(
            pending.select_for_update(skip_locked=True)
            .filter(next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            pending.model.objects.filter(pk__in=ids).update(claimed_until=claim_until)
    return ids


def tasks_enqueue(task, ids: list[int], *, pending, what: str) -> None:
    """Queue ``task(id)`` for each id, over one broker connection. When the broker is down
    the claims of the rows still in ``pending`` are released at once, so the re-drive
    queues them as soon as it runs again rather than after the claims expire."""
    if task.app.conf.task_always_eager:
        for row_id in ids:
            task.delay(row_id)
        return
    try:
        with task.app.producer_or_acquire() as producer:
            for row_id in ids:
                task.apply_async((row_id,), producer=producer)
    except Exception:
        logger.warning("Could not queue %s %s; the re-drive will", len(ids), what, exc_info=True)
        pending.filter(pk__in=ids).update(claimed_until=None)
