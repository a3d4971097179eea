"""Writes the status page's admin makes (the portal's pages have their own services)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import Component, ComponentStatus, ComponentStatusSpan, StatusSubscriber


@transaction.atomic
def status_subscribers_unsubscribe(*, tenant, subscriber_ids, now=None) -> int:
    """Stop emailing these subscribers of ``tenant``; returns how many were still
    subscribed. Their rows stay, so the unsubscribe is on record."""
    now = now or timezone.now()
    return (
        StatusSubscriber.objects.for_tenant(tenant)
        .filter(pk__in=list(subscriber_ids), unsubscribed_at__isnull=True)
        .update(unsubscribed_at=now)
    )


def component_save(*, component: Component, now=None) -> Component:
    """Save a component set up in admin; a new one starts operational, with the first span
    of its history, so its uptime bar starts the day it was added."""
    now = now or timezone.now()
    with transaction.atomic():
        new = component.pk is None
        if new:
            component.created_at = now
            component.status = ComponentStatus.OPERATIONAL
            component.status_changed_at = now
        component.save()
        if new:
            ComponentStatusSpan.objects.create(
                tenant_id=component.tenant_id,
                component=component,
                status=ComponentStatus.OPERATIONAL,
                started_at=now,
            )
    return component
