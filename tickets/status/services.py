"""Writing the status page: incidents, maintenance windows, their updates and components.

Every change of an incident goes through :func:`incident_update_post` (a status move, or a
message at the same status), which writes the update row, moves the affected components'
states and their history spans, and after commit tells the subscribers, refreshes the page's
cache and, for maintenance, the clocks of the tickets it concerns. Tickets are linked through
:func:`ticket_incident_link` (in :mod:`tickets.status.ticket_links`), which writes the
ticket's timeline and hands the ticket to the incident's owner through the ticket services.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.markdown import markdown_check_length, render_markdown, text_max_length

from ..models import (
    ENDED_STATUSES,
    INCIDENT_TRANSITIONS,
    KIND_STATUSES,
    Component,
    ComponentStatus,
    Incident,
    IncidentComponent,
    IncidentImpact,
    IncidentKind,
    IncidentStatus,
    IncidentUpdate,
)
from ..webhook_events import incident_updated_emit
from .cache import status_page_changed
from .components import (
    RUNNING_MAINTENANCE,
    component_status_apply,
    component_status_set,
    components_restate,
)
from .ticket_links import (
    can_manage_incidents,
    ticket_follow_owner,
    ticket_incident_link,
    ticket_incident_unlink,
    tickets_incident_link,
)

# Linking tickets lives in .ticket_links; it is part of this module's interface too.
__all__ = [
    "can_manage_incidents",
    "component_status_apply",
    "component_status_set",
    "components_restate",
    "incident_create",
    "incident_edit",
    "incident_transition_allowed",
    "incident_update_post",
    "ticket_incident_link",
    "ticket_incident_unlink",
    "tickets_incident_link",
]


def _check_actor(actor) -> None:
    if actor is not None and not can_manage_incidents(actor):
        raise PermissionDenied(_("Only engineers and managers write incidents."))


def incident_transition_allowed(incident: Incident, to_status: str) -> bool:
    """Whether ``incident`` may move to ``to_status`` (staying put is always allowed: a
    message without a status change)."""
    if to_status == incident.status:
        return True
    if to_status not in KIND_STATUSES[incident.kind]:
        return False
    return to_status in INCIDENT_TRANSITIONS[incident.status]


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write what customers should know.")})
    markdown_check_length(fields={"body": body}, limit=text_max_length())
    return body


def _check_components(tenant, affected: Mapping) -> dict[int, str]:
    """``affected`` maps components (or their ids) to the status the incident puts them in;
    all of them must be the tenant's."""
    wanted = {}
    for component, status in affected.items():
        component_id = component if isinstance(component, int) else component.pk
        if status not in ComponentStatus.values:
            raise ValidationError({"components": _("Choose a status for each component.")})
        wanted[component_id] = status
    if wanted:
        found = set(
            Component.objects.for_tenant(tenant)
            .filter(pk__in=list(wanted))
            .values_list("pk", flat=True)
        )
        if found != set(wanted):
            raise ValidationError({"components": _("Choose components of this status page.")})
    return wanted


def _check_window(kind: str, starts_at: datetime | None, ends_at: datetime | None) -> None:
    if kind != IncidentKind.MAINTENANCE:
        return
    if starts_at is None or ends_at is None:
        raise ValidationError({"ends_at": _("A maintenance window needs a start and an end.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The window must end after it starts.")})


@transaction.atomic
def incident_create(
    *,
    tenant,
    actor: User | None,
    kind: str = IncidentKind.INCIDENT,
    title: str,
    body: str,
    status: str | None = None,
    impact: str = IncidentImpact.MINOR,
    affected: Mapping | None = None,
    owner: User | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    resolution_reply: str = "",
    notify: bool = True,
    now: datetime | None = None,
) -> Incident:
    """Declare an incident or announce a maintenance window, published at once with its
    first update. ``affected``: component → the status the incident puts it in (for
    maintenance, "under maintenance" while it runs)."""
    _check_actor(actor)
    now = now or timezone.now()
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the incident a title.")})
    body = _check_body(body)
    status = status or KIND_STATUSES[kind][0]
    if status not in KIND_STATUSES[kind] or status in ENDED_STATUSES:
        raise ValidationError({"status": _("Choose a status this kind of incident starts in.")})
    if impact not in IncidentImpact.values:
        raise ValidationError({"impact": _("Choose an impact.")})
    _check_window(kind, starts_at, ends_at)
    _check_owner(tenant, owner)
    wanted = _check_components(tenant, affected or {})
    if kind == IncidentKind.MAINTENANCE:
        wanted = dict.fromkeys(wanted, ComponentStatus.MAINTENANCE)
    incident = Incident.objects.create(
        tenant=tenant,
        kind=kind,
        title=title[:200],
        status=status,
        impact=impact,
        owner=owner,
        created_by=actor,
        created_at=now,
        updated_at=now,
        published_at=now,
        starts_at=starts_at if kind == IncidentKind.MAINTENANCE else now,
        ends_at=ends_at if kind == IncidentKind.MAINTENANCE else None,
        resolution_reply=resolution_reply.strip(),
    )
    IncidentComponent.objects.bulk_create(
        IncidentComponent(tenant=tenant, incident=incident, component_id=pk, status=value)
        for pk, value in sorted(wanted.items())
    )
    update = _update_write(
        incident=incident, actor=actor, status=status, body=body, notify=notify, now=now
    )
    components_restate(tenant=tenant, component_ids=wanted, now=now, incident=incident)
    _after_change(incident, update, clocks=incident.is_maintenance)
    return incident


def _check_owner(tenant, owner) -> None:
    if owner is not None and (owner.tenant_id != tenant.pk or not owner.is_agent):
        raise ValidationError({"owner": _("Choose an engineer of this help desk.")})


@transaction.atomic
def incident_update_post(
    *,
    incident: Incident,
    actor: User | None,
    status: str,
    body: str,
    affected: Mapping | None = None,
    notify: bool = True,
    now: datetime | None = None,
) -> IncidentUpdate:
    """Post an update: a message, with a move of the status through the transitions map
    (``status`` equal to the current one posts a message alone). ``affected``, when given,
    replaces the components and the states the incident puts them in. Ending the incident
    (resolved, completed, cancelled) gives its components back the state the other open
    incidents leave them in. ``actor`` None is the help desk itself (a maintenance window
    starting or ending on time)."""
    _check_actor(actor)
    now = now or timezone.now()
    body = _check_body(body)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident_transition_allowed(incident, status):
        raise ValidationError(
            {
                "status": _("An incident that is %(old)s cannot move to %(new)s.")
                % {
                    "old": incident.get_status_display().lower(),
                    "new": IncidentStatus(status).label.lower(),
                }
            }
        )
    touched = set(incident.affected.values_list("component_id", flat=True))
    if affected is not None:
        wanted = _check_components(incident.tenant, affected)
        if incident.is_maintenance:
            wanted = dict.fromkeys(wanted, ComponentStatus.MAINTENANCE)
        _affected_replace(incident, wanted)
        touched |= set(wanted)
    reopened = incident.status in ENDED_STATUSES and status not in ENDED_STATUSES
    incident.status = status
    incident.updated_at = now
    if status in ENDED_STATUSES:
        incident.ended_at = incident.ended_at or now
        # Completed early: the pause ends now, not at the announced end.
        early = incident.ends_at is None or incident.ends_at > now
        if incident.is_maintenance and status == IncidentStatus.COMPLETED and early:
            incident.ends_at = now
    elif reopened:
        incident.ended_at = None
    if (
        incident.is_maintenance
        and status in RUNNING_MAINTENANCE
        and incident.starts_at is not None
        and incident.starts_at > now
    ):
        # Started early: the window (and the pause) begins now.
        incident.starts_at = now
    if incident.is_maintenance and status == IncidentStatus.CANCELLED:
        incident.ends_at = incident.ends_at if incident.ends_at else now
    incident.save(update_fields=["status", "updated_at", "ended_at", "starts_at", "ends_at"])
    update = _update_write(
        incident=incident, actor=actor, status=status, body=body, notify=notify, now=now
    )
    components_restate(tenant=incident.tenant, component_ids=touched, now=now, incident=incident)
    _after_change(incident, update, clocks=incident.is_maintenance)
    return update


@transaction.atomic
def incident_edit(
    *,
    incident: Incident,
    actor: User,
    title: str,
    impact: str,
    owner: User | None,
    resolution_reply: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    now: datetime | None = None,
) -> Incident:
    """Correct what an incident says about itself (no update is posted): its title, impact,
    owner, the reply for linked tickets and, for maintenance, the announced window."""
    _check_actor(actor)
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the incident a title.")})
    if impact not in IncidentImpact.values:
        raise ValidationError({"impact": _("Choose an impact.")})
    _check_owner(incident.tenant, owner)
    window_moved = False
    if incident.is_maintenance:
        _check_window(incident.kind, starts_at, ends_at)
        window_moved = (starts_at, ends_at) != (incident.starts_at, incident.ends_at)
        incident.starts_at, incident.ends_at = starts_at, ends_at
    owner_changed = owner != incident.owner
    incident.title = title[:200]
    incident.impact = impact
    incident.owner = owner
    incident.resolution_reply = (resolution_reply or "").strip()
    incident.updated_at = now
    incident.save()
    if owner_changed and owner is not None:
        for link in incident.ticket_links.select_related("ticket").order_by("ticket_id"):
            ticket_follow_owner(link.ticket, incident, actor, now)
    _after_change(incident, None, clocks=window_moved)
    return incident


def _affected_replace(incident: Incident, wanted: dict[int, str]) -> None:
    current = {row.component_id: row for row in incident.affected.all()}
    gone = [row.pk for pk, row in current.items() if pk not in wanted]
    if gone:
        IncidentComponent.objects.filter(pk__in=gone).delete()
    for component_id, value in sorted(wanted.items()):
        row = current.get(component_id)
        if row is None:
            IncidentComponent.objects.create(
                tenant_id=incident.tenant_id,
                incident=incident,
                component_id=component_id,
                status=value,
            )
        elif row.status != value:
            row.status = value
            row.save(update_fields=["status"])


def _update_write(*, incident, actor, status, body, notify, now) -> IncidentUpdate:
    return IncidentUpdate.objects.create(
        tenant_id=incident.tenant_id,
        incident=incident,
        status=status,
        body=body,
        body_html=render_markdown(body),
        author=actor,
        created_at=now,
        notify=notify,
    )


def _after_change(incident: Incident, update: IncidentUpdate | None, *, clocks: bool) -> None:
    status_page_changed(incident.tenant_id)
    incident_updated_emit(incident=incident, update=update)
    incident_id = incident.pk
    if update is not None and update.notify:
        update_id = update.pk

        def notify():
            from ..tasks import notify_incident_update

            notify_incident_update.delay(update_id)

        transaction.on_commit(notify, robust=True)
    if clocks:

        def refresh():
            from ..tasks import refresh_incident_clocks

            refresh_incident_clocks.delay(incident_id)

        transaction.on_commit(refresh, robust=True)
