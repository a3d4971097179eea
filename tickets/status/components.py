"""Components' states: the worst state of their open incidents, with their history spans."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import (
    COMPONENT_SEVERITY,
    ENDED_STATUSES,
    Component,
    ComponentStatus,
    ComponentStatusSpan,
    Incident,
    IncidentComponent,
    IncidentStatus,
)
from .cache import status_page_changed
from .ticket_links import can_manage_incidents

# Maintenance puts its components "under maintenance" only while it runs.
RUNNING_MAINTENANCE = frozenset({IncidentStatus.IN_PROGRESS, IncidentStatus.VERIFYING})


def _incident_holds(incident: Incident) -> bool:
    """Whether the incident sets its components' states now."""
    if incident.published_at is None or incident.status in ENDED_STATUSES:
        return False
    if incident.is_maintenance:
        return incident.status in RUNNING_MAINTENANCE
    return True


def components_restate(
    *, tenant, component_ids: Iterable[int], now: datetime, incident: Incident | None = None
) -> None:
    """Give each component the worst state its open incidents put it in (operational when
    none does), closing and opening history spans where it changes. Components are locked
    in id order, so concurrent updates of incidents sharing components cannot deadlock."""
    ids = sorted(set(component_ids))
    if not ids:
        return
    components = list(
        Component.objects.for_tenant(tenant).filter(pk__in=ids).order_by("pk").select_for_update()
    )
    worst: dict[int, tuple[str, int | None]] = {}
    rows = (
        IncidentComponent.objects.for_tenant(tenant)
        .filter(component_id__in=ids, incident__ended_at__isnull=True)
        .select_related("incident")
    )
    for row in rows:
        if not _incident_holds(row.incident):
            continue
        held = worst.get(row.component_id)
        if held is None or COMPONENT_SEVERITY[row.status] > COMPONENT_SEVERITY[held[0]]:
            worst[row.component_id] = (row.status, row.incident_id)
    for component in components:
        status, incident_id = worst.get(component.pk, (ComponentStatus.OPERATIONAL, None))
        component_status_apply(component=component, status=status, now=now, incident_id=incident_id)


def component_status_apply(*, component: Component, status: str, now, incident_id=None) -> bool:
    """Set a locked component's state and its history; False when it already is."""
    if component.status == status:
        return False
    ComponentStatusSpan.objects.filter(component=component, ended_at__isnull=True).update(
        ended_at=now
    )
    ComponentStatusSpan.objects.create(
        tenant_id=component.tenant_id,
        component=component,
        status=status,
        started_at=now,
        incident_id=incident_id,
    )
    component.status = status
    component.status_changed_at = now
    component.save(update_fields=["status", "status_changed_at"])
    return True


@transaction.atomic
def component_status_set(*, component: Component, actor: User, status: str, now=None) -> bool:
    """Set a component's state by hand (without an incident)."""
    if not can_manage_incidents(actor):
        raise PermissionDenied(_("Only engineers and managers write incidents."))
    if status not in ComponentStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    component = Component.objects.select_for_update().get(pk=component.pk)
    changed = component_status_apply(component=component, status=status, now=now or timezone.now())
    if changed:
        status_page_changed(component.tenant_id)
    return changed
