"""The demo help desks' status pages: components, 90 days of incidents and next week's
maintenance, seeded once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tickets.models import (
    Component,
    ComponentStatus,
    ComponentStatusSpan,
    Incident,
    IncidentKind,
    IncidentStatus,
)

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=StringIO())


def names(slug):
    return list(
        Component.objects.filter(tenant__slug=slug)
        .order_by("position")
        .values_list("name", flat=True)
    )


def test_both_demo_help_desks_get_components_history_and_a_maintenance_window():
    seed()
    now = timezone.now()

    assert names("invoca") == [
        "Call tracking",
        "Integrations",
        "Reporting",
        "Platform access",
        "Internal telephony routing",
    ]
    assert not Component.objects.get(
        tenant__slug="invoca", slug="internal-telephony-routing"
    ).is_public
    # IVCISA's help desk is written in Spanish.
    assert "Cómputo en la nube" in names("ivcisa")
    assert "Almacenamiento y respaldo" in names("ivcisa")
    assert "Identidad y acceso" in names("ivcisa")

    for slug in ("invoca", "ivcisa"):
        past = Incident.objects.filter(tenant__slug=slug, kind=IncidentKind.INCIDENT)
        assert past.count() >= 3
        for incident in past:
            assert incident.status == IncidentStatus.RESOLVED
            statuses = list(
                incident.updates.order_by("created_at").values_list("status", flat=True)
            )
            assert statuses == ["investigating", "identified", "monitoring", "resolved"]
            assert (now - incident.created_at).days < 90
        # The uptime bars are not all green: outages are in the spans, and each component's
        # history has no gaps or overlaps and one open span.
        spans = ComponentStatusSpan.objects.filter(tenant__slug=slug)
        assert spans.exclude(status=ComponentStatus.OPERATIONAL).exists()
        for component in Component.objects.filter(tenant__slug=slug):
            rows = list(component.spans.order_by("started_at", "pk"))
            assert rows[-1].ended_at is None
            assert rows[-1].status == component.status == ComponentStatus.OPERATIONAL
            for before, after in zip(rows, rows[1:], strict=False):
                assert before.ended_at == after.started_at
        [window] = Incident.objects.filter(tenant__slug=slug, kind=IncidentKind.MAINTENANCE)
        assert window.status == IncidentStatus.SCHEDULED
        assert 0 < (window.starts_at - now).days <= 13
        assert window.ends_at > window.starts_at


def test_seeding_twice_does_not_duplicate():
    seed()
    counts = (
        Component.objects.count(),
        Incident.objects.count(),
        ComponentStatusSpan.objects.count(),
    )
    seed()
    assert (
        Component.objects.count(),
        Incident.objects.count(),
        ComponentStatusSpan.objects.count(),
    ) == counts
