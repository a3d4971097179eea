"""Telling subscribers of incident updates, each of them once.

The update row is locked while its emails are queued and marked ``notified_at`` in the same
transaction, and every email has a dedupe key per update and subscriber: a task run twice,
two workers at once, or the re-drive after a lost task all end with one email each.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import STAFF_ROLES
from helpdesk.emails import render_email
from helpdesk.languages import person_language
from helpdesk.links import tenant_base_url
from helpdesk.services import email_queue_many
from helpdesk.zones import readable_zone

from ..models import IncidentUpdate, StatusSubscriber

logger = logging.getLogger(__name__)

REDRIVE_AFTER = timedelta(minutes=1)
REDRIVE_BATCH = 200


def status_subject_prefix(tenant) -> str:
    return "[%s]" % (_("%(name)s status") % {"name": tenant.name})


def unsubscribe_url(base_url: str, subscriber: StatusSubscriber) -> str:
    return base_url.rstrip("/") + reverse("status:unsubscribe", args=[subscriber.token])


def _recipients(update: IncidentUpdate) -> list[StatusSubscriber]:
    incident = update.incident
    affected = list(incident.affected.select_related("component"))
    component_ids = [row.component_id for row in affected]
    subscribers = StatusSubscriber.objects.for_tenant(incident.tenant).filter(
        confirmed_at__isnull=False, unsubscribed_at__isnull=True
    )
    if component_ids:
        subscribers = subscribers.filter(
            Q(all_components=True) | Q(components__in=component_ids)
        ).distinct()
    if affected and not any(row.component.is_public for row in affected):
        # Only the tenant's staff hear of incidents on private components.
        subscribers = subscribers.filter(
            user__tenant_id=incident.tenant_id, user__role__in=STAFF_ROLES, user__is_active=True
        )
    return list(subscribers.select_related("user").order_by("pk"))


def _email(update, subscriber, *, base_url: str) -> dict:
    incident = update.incident
    tenant = incident.tenant
    user = subscriber.user
    language = subscriber.language or person_language(user, tenant)
    zone = (user.time_zone if user else "") or tenant.time_zone or "UTC"
    unsubscribe = unsubscribe_url(base_url, subscriber)
    with translation.override(language), timezone.override(readable_zone(zone)):
        context = {
            "tenant": tenant,
            "incident": incident,
            "update": update,
            "status_label": update.get_status_display(),
            "incident_url": base_url.rstrip("/") + reverse("status:incident", args=[incident.pk]),
            "page_url": base_url.rstrip("/") + reverse("status:page"),
            "unsubscribe_url": unsubscribe,
        }
        subject, text, html = render_email("status/email/update", context)
        subject = f"{status_subject_prefix(tenant)} {subject}"
    return {
        "tenant": tenant,
        "to": [subscriber.email],
        "subject": subject,
        "text": text,
        "html": html,
        "from_email": tenant.from_email,
        "dedupe_key": f"status-update:{update.pk}:{subscriber.pk}",
        "thread": f"incident:{incident.pk}",
        "headers": {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    }


def incident_update_notify(*, update_id: int) -> int:
    """Queue the update's email to each active subscriber concerned; returns how many were
    queued (0 when it was told already, needs no telling, or is gone)."""
    with transaction.atomic():
        update = (
            IncidentUpdate.objects.select_for_update(of=("self",))
            .select_related("incident", "incident__tenant")
            .filter(pk=update_id)
            .first()
        )
        if update is None or not update.notify or update.notified_at is not None:
            return 0
        if update.incident.published_at is None:
            return 0
        base_url = tenant_base_url(tenant=update.incident.tenant)
        emails = [_email(update, s, base_url=base_url) for s in _recipients(update)]
        rows = email_queue_many(emails=emails) if emails else []
        update.notified_at = timezone.now()
        update.save(update_fields=["notified_at"])
    return len(rows)


def incident_updates_redrive(*, now: datetime) -> int:
    """Tell the subscribers of updates whose task was lost (older than a minute, not yet
    told); returns how many emails were queued."""
    ids = list(
        IncidentUpdate.objects.filter(
            notify=True,
            notified_at__isnull=True,
            created_at__lt=now - REDRIVE_AFTER,
            incident__published_at__isnull=False,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:REDRIVE_BATCH]
    )
    queued = 0
    for update_id in ids:
        try:
            queued += incident_update_notify(update_id=update_id)
        except Exception:  # one failing update must not hold back the others
            logger.exception("Could not notify the subscribers of incident update %s", update_id)
    return queued
