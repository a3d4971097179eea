"""Declared maintenance on real tickets: the clocks of tickets on an affected component (or
linked to the window) stand still while it runs, when their target says so."""

from contextlib import contextmanager
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from sla.models import SlaTarget
from tickets.models import ComponentStatus, Incident, IncidentKind, IncidentStatus
from tickets.services.creation import ticket_create
from tickets.services.maintenance import maintenance_clocks_refresh
from tickets.status.maintenance import maintenance_windows_run
from tickets.status.services import incident_create

from ...sla.factories import plan_with_matrix
from ..factories import ComponentFactory

pytestmark = pytest.mark.django_db
PT = ZoneInfo("America/Los_Angeles")
UTC = ZoneInfo("UTC")


def pt(day, hour, minute=0):
    return datetime(2026, 2, day, hour, minute, tzinfo=PT)


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(UTC)):
        yield


@pytest.fixture
def planned(acme):
    plan = plan_with_matrix(
        tenant=acme.tenant,
        cells={("P2", "first_response"): "4 bh", ("P2", "resolution"): "2 bd"},
    )
    acme.org.plan = plan
    acme.org.save(update_fields=["plan"])
    acme.plan = plan
    return acme


def _pausing(world, flag=True):
    SlaTarget.objects.filter(plan=world.plan).update(pause_during_maintenance=flag)


def _ticket(world, ticket_type, component=None):
    return ticket_create(
        actor=world.customer,
        tenant=world.tenant,
        title="Calls are not tracked",
        text="Since this morning.",
        ticket_type=ticket_type,
        priority="P2",
        affected_service="",
        steps="",
        attachment_ids=[],
        base_url=f"http://{world.host}/",
        component=component,
    )


def _window(world, components, title="Database upgrade"):
    return incident_create(
        tenant=world.tenant,
        actor=world.manager,
        kind=IncidentKind.MAINTENANCE,
        title=title,
        body="We upgrade the database.",
        affected=dict.fromkeys(components, ComponentStatus.MAINTENANCE),
        starts_at=pt(10, 10),
        ends_at=pt(10, 12),
    )


def test_a_window_on_the_ticket_component_moves_its_resolution_due_time(
    planned, ticket_type, login
):
    _pausing(planned)
    database = ComponentFactory(tenant=planned.tenant, name="Database", slug="database")
    other = ComponentFactory(tenant=planned.tenant, name="Dialer", slug="dialer")
    with at(pt(9, 9)):
        ticket = _ticket(planned, ticket_type, database)
        elsewhere = _ticket(planned, ticket_type, other)
        window = _window(planned, [database])
    # 2 business days = 18 h from Mon 09:00: Wed 09:00; the 2 h window moves it to 11:00.
    assert ticket.resolution_due_at == pt(11, 9)
    with at(pt(10, 13)):
        assert maintenance_clocks_refresh(incident_id=window.pk) == 1
    ticket.refresh_from_db()
    elsewhere.refresh_from_db()
    assert ticket.resolution_due_at == pt(11, 11)
    assert elsewhere.resolution_due_at == pt(11, 9)
    with at(pt(10, 13)):
        page = login(planned.engineer).get(ticket.get_absolute_url()).content.decode()
    assert "during the declared maintenance “Database upgrade”" in page


def test_a_target_without_the_flag_does_not_pause(planned, ticket_type):
    database = ComponentFactory(tenant=planned.tenant, name="Database", slug="database")
    with at(pt(9, 9)):
        ticket = _ticket(planned, ticket_type, database)
        window = _window(planned, [database])
    with at(pt(10, 13)):
        maintenance_clocks_refresh(incident_id=window.pk)
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == pt(11, 9)


def test_windows_start_and_complete_on_time_once(planned, ticket_type):
    _pausing(planned)
    database = ComponentFactory(tenant=planned.tenant, name="Database", slug="database")
    with at(pt(9, 9)):
        ticket = _ticket(planned, ticket_type, database)
        window = _window(planned, [database])
    with at(pt(10, 10, 1)):
        assert maintenance_windows_run(now=pt(10, 10, 1)) >= 1
        assert maintenance_windows_run(now=pt(10, 10, 1)) == 0
    assert Incident.objects.get(pk=window.pk).status == IncidentStatus.IN_PROGRESS
    ticket.refresh_from_db()
    assert ticket.resolution_due_at is None  # paused while the window runs
    with at(pt(10, 12, 1)):
        assert maintenance_windows_run(now=pt(10, 12, 1)) >= 1
        assert maintenance_windows_run(now=pt(10, 12, 1)) == 0
    assert Incident.objects.get(pk=window.pk).status == IncidentStatus.COMPLETED
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == pt(11, 11)


def test_a_ticket_linked_to_the_window_pauses_and_reports_count_the_paused_time(
    planned, ticket_type
):
    from tickets.models import SlaOutcome
    from tickets.services import ticket_transition
    from tickets.status.services import ticket_incident_link

    _pausing(planned)
    database = ComponentFactory(tenant=planned.tenant, name="Database", slug="database")
    with at(pt(9, 9)):
        # No component chosen: the engineer links it to the window.
        ticket = _ticket(planned, ticket_type)
        window = _window(planned, [database])
        ticket_incident_link(ticket=ticket, incident=window, actor=planned.engineer)
    with at(pt(10, 13)):
        maintenance_clocks_refresh(incident_id=window.pk)
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == pt(11, 11)
    with at(pt(10, 15)):
        ticket_transition(ticket=ticket, actor=planned.engineer, to_status="resolved")
    outcome = SlaOutcome.objects.get(ticket=ticket, metric="resolution")
    assert outcome.state == "met"
    assert outcome.paused_seconds == 2 * 3600
    # Mon 09:00–17:00 and Tue 08:00–15:00 less the 2 h window: 13 business hours.
    assert outcome.business_seconds == 13 * 3600


def test_a_window_cancelled_before_it_starts_pauses_nothing(planned, ticket_type):
    from tickets.status.services import incident_update_post

    _pausing(planned)
    database = ComponentFactory(tenant=planned.tenant, name="Database", slug="database")
    with at(pt(9, 9)):
        ticket = _ticket(planned, ticket_type, database)
        window = _window(planned, [database])
        incident_update_post(
            incident=window,
            actor=planned.manager,
            status=IncidentStatus.CANCELLED,
            body="Postponed to next month.",
        )
    with at(pt(10, 13)):
        maintenance_clocks_refresh(incident_id=window.pk)
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == pt(11, 9)
