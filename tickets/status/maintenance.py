"""Maintenance windows on time: they start and complete by themselves when their times
come, and the SLA clocks of the tickets they concern are recomputed as they do."""

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext

from ..models import Incident, IncidentKind, IncidentStatus
from ..services.maintenance import maintenance_clocks_refresh
from .services import incident_update_post

RUNNING = (IncidentStatus.IN_PROGRESS, IncidentStatus.VERIFYING)


def _move(*, now, status, body, rows) -> int:
    moved = 0
    for incident in rows:
        incident_update_post(incident=incident, actor=None, status=status, body=body, now=now)
        moved += 1
    return moved


def maintenance_windows_run(*, now) -> int:
    """Start the published scheduled windows whose start has come, complete the running
    ones whose end has passed, and recompute the clocks of the tickets of every window whose
    start or end passed since it was last checked. Running it twice does nothing more.
    Returns how many windows moved or had their clocks recomputed."""
    windows = Incident.objects.filter(kind=IncidentKind.MAINTENANCE, published_at__isnull=False)
    count = 0
    with transaction.atomic():
        due = windows.filter(status=IncidentStatus.SCHEDULED, starts_at__lte=now)
        count += _move(
            now=now,
            status=IncidentStatus.IN_PROGRESS,
            body=gettext("The maintenance window has started."),
            rows=list(due.select_for_update().order_by("pk")),
        )
        over = windows.filter(status__in=RUNNING, ends_at__lte=now)
        count += _move(
            now=now,
            status=IncidentStatus.COMPLETED,
            body=gettext("The maintenance window has ended."),
            rows=list(over.select_for_update().order_by("pk")),
        )
    # A start or an end (planned or early) that came since the last check.
    checked = F("clocks_checked_at")
    unchecked = Q(clocks_checked_at__isnull=True) | Q(starts_at__gt=checked)
    unchecked |= Q(ends_at__gt=checked) | Q(ended_at__gt=checked)
    with transaction.atomic():
        rows = list(
            windows.filter(Q(starts_at__lte=now) | Q(ended_at__lte=now))
            .filter(unchecked)
            .select_for_update()
            .order_by("pk")
        )
        for incident in rows:
            checked = incident.clocks_checked_at
            points = [p for p in (incident.starts_at, incident.ends_at, incident.ended_at) if p]
            if not any(p <= now and (checked is None or p > checked) for p in points):
                continue
            maintenance_clocks_refresh(incident_id=incident.pk)
            Incident.objects.filter(pk=incident.pk).update(clocks_checked_at=now)
            count += 1
    return count
