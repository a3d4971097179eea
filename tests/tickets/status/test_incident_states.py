"""The incident state machine: which moves are allowed, and what each does to components."""

import pytest
from django.core.exceptions import ValidationError

from tickets.models import ComponentStatus, IncidentKind, IncidentStatus
from tickets.status.services import incident_create, incident_update_post

from ..factories import ComponentFactory

pytestmark = pytest.mark.django_db

INCIDENT_MOVES = [
    ("investigating", "identified", True),
    ("investigating", "monitoring", True),
    ("investigating", "resolved", True),
    ("identified", "investigating", True),
    ("monitoring", "identified", True),
    ("monitoring", "resolved", True),
    ("resolved", "investigating", True),
    ("resolved", "monitoring", False),
    ("investigating", "scheduled", False),
    ("investigating", "completed", False),
]


def _declare(world, component, status="investigating"):
    return incident_create(
        tenant=world.tenant,
        actor=world.manager,
        title="Calls are not tracked",
        body="We are looking into it.",
        status=status,
        affected={component: ComponentStatus.MAJOR_OUTAGE},
    )


@pytest.mark.parametrize(("start", "to", "allowed"), INCIDENT_MOVES)
def test_incident_moves(acme, start, to, allowed):
    component = ComponentFactory(tenant=acme.tenant)
    incident = _declare(acme, component)
    if start != "investigating":
        incident_update_post(incident=incident, actor=acme.manager, status=start, body="Moving.")
        incident.refresh_from_db()
    if allowed:
        incident_update_post(incident=incident, actor=acme.manager, status=to, body="Next.")
        incident.refresh_from_db()
        assert incident.status == to
    else:
        with pytest.raises(ValidationError):
            incident_update_post(incident=incident, actor=acme.manager, status=to, body="Next.")
        incident.refresh_from_db()
        assert incident.status == start


def test_component_follows_the_incident_and_comes_back_when_resolved(acme):
    component = ComponentFactory(tenant=acme.tenant)
    incident = _declare(acme, component)
    component.refresh_from_db()
    assert component.status == ComponentStatus.MAJOR_OUTAGE
    incident_update_post(
        incident=incident,
        actor=acme.manager,
        status=IncidentStatus.MONITORING,
        body="A fix is out.",
        affected={component: ComponentStatus.DEGRADED},
    )
    component.refresh_from_db()
    assert component.status == ComponentStatus.DEGRADED
    incident_update_post(
        incident=incident, actor=acme.manager, status=IncidentStatus.RESOLVED, body="Fixed."
    )
    component.refresh_from_db()
    incident.refresh_from_db()
    assert component.status == ComponentStatus.OPERATIONAL
    assert incident.ended_at is not None
    spans = list(component.spans.values_list("status", "ended_at"))
    assert [status for status, _end in spans] == ["major_outage", "degraded", "operational"]
    assert spans[-1][1] is None and all(end is not None for _status, end in spans[:-1])


def test_worst_open_incident_wins(acme):
    component = ComponentFactory(tenant=acme.tenant)
    first = _declare(acme, component)
    incident_create(
        tenant=acme.tenant,
        actor=acme.manager,
        title="Slow reports",
        body="Reports are slow.",
        affected={component: ComponentStatus.DEGRADED},
    )
    incident_update_post(
        incident=first, actor=acme.manager, status=IncidentStatus.RESOLVED, body="Fixed."
    )
    component.refresh_from_db()
    assert component.status == ComponentStatus.DEGRADED


def test_scheduled_maintenance_leaves_components_until_it_starts(acme):
    from datetime import timedelta

    from django.utils import timezone

    component = ComponentFactory(tenant=acme.tenant)
    start = timezone.now() + timedelta(hours=2)
    window = incident_create(
        tenant=acme.tenant,
        actor=acme.manager,
        kind=IncidentKind.MAINTENANCE,
        title="Database upgrade",
        body="We upgrade the database.",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        affected={component: ComponentStatus.MAINTENANCE},
    )
    component.refresh_from_db()
    assert window.status == IncidentStatus.SCHEDULED
    assert component.status == ComponentStatus.OPERATIONAL
    incident_update_post(
        incident=window, actor=acme.manager, status=IncidentStatus.IN_PROGRESS, body="Started."
    )
    component.refresh_from_db()
    window.refresh_from_db()
    assert component.status == ComponentStatus.MAINTENANCE
    # Started early: the window now begins when it started.
    assert window.starts_at < start


def test_customers_cannot_declare(acme):
    from django.core.exceptions import PermissionDenied

    component = ComponentFactory(tenant=acme.tenant)
    with pytest.raises(PermissionDenied):
        incident_create(
            tenant=acme.tenant,
            actor=acme.customer,
            title="x",
            body="y",
            affected={component: ComponentStatus.DEGRADED},
        )


def test_another_tenants_component_is_refused(acme, globex):
    theirs = ComponentFactory(tenant=globex.tenant)
    with pytest.raises(ValidationError):
        incident_create(
            tenant=acme.tenant,
            actor=acme.manager,
            title="x",
            body="y",
            affected={theirs: ComponentStatus.DEGRADED},
        )
