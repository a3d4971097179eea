"""The new-ticket form's affected component: stored on the ticket, its known incidents and
maintenance shown before sending (by htmx and without it), and tickets opened anyway linked
to them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tickets.models import ComponentStatus, IncidentKind, Ticket, TicketIncident
from tickets.services import ticket_create
from tickets.status.services import incident_create, incident_update_post

from ..factories import ComponentFactory

pytestmark = pytest.mark.django_db


def form_data(ticket_type, **overrides):
    data = {
        "title": "Calls missing since 09:10",
        "ticket_type": ticket_type.pk,
        "priority": "P2",
        "affected_service": "Account 1042",
        "text": "No calls were tracked this morning.",
        "steps": "",
    }
    data.update(overrides)
    return data


def _incident(world, component, title="Calls are not tracked", **kwargs):
    return incident_create(
        tenant=world.tenant,
        actor=world.manager,
        title=title,
        body=kwargs.pop("body", "We are **looking into it**."),
        affected={component: ComponentStatus.MAJOR_OUTAGE},
        **kwargs,
    )


def _maintenance(world, component, starts_in, title="Database upgrade"):
    start = timezone.now() + starts_in
    return _incident(
        world,
        component,
        title=title,
        kind=IncidentKind.MAINTENANCE,
        body="The database is upgraded.",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )


@pytest.fixture
def calls(acme):
    return ComponentFactory(tenant=acme.tenant, name="Call tracking", slug="calls")


def test_the_chosen_component_is_stored_on_the_ticket(acme, ticket_type, calls, login):
    response = login(acme.customer).post("/tickets/new/", form_data(ticket_type, component="calls"))
    assert response.status_code == 302
    assert Ticket.objects.get(tenant=acme.tenant).component == calls


def test_choosing_nothing_changes_nothing(acme, ticket_type, calls, login):
    _incident(acme, calls)
    response = login(acme.customer).post("/tickets/new/", form_data(ticket_type))
    assert response.status_code == 302
    ticket = Ticket.objects.get(tenant=acme.tenant)
    assert ticket.component is None
    assert not TicketIncident.objects.filter(ticket=ticket).exists()


def test_the_partial_shows_the_known_incident_with_its_latest_update(acme, calls, login):
    incident = _incident(acme, calls)
    incident_update_post(
        incident=incident, actor=acme.manager, status="identified", body="A bad deploy."
    )
    page = (
        login(acme.customer)
        .get("/tickets/new/known-incidents/", {"component": "calls"})
        .content.decode()
    )
    assert "Known incident:" in page
    assert "Calls are not tracked" in page
    assert "A bad deploy." in page
    assert f'href="/status/incidents/{incident.pk}/">follow it here' in page


def test_the_form_shows_the_known_incident_when_preselected_and_on_errors(
    acme, ticket_type, calls, login
):
    _incident(acme, calls)
    client = login(acme.customer)

    page = client.get("/tickets/new/?component=calls").content.decode()
    assert "Known incident:" in page
    assert 'hx-get="/tickets/new/known-incidents/"' in page

    response = client.post("/tickets/new/", form_data(ticket_type, component="calls", title=""))
    page = response.content.decode()
    assert "Known incident:" in page
    assert "No calls were tracked this morning." in page  # what was typed is kept
    assert not Ticket.objects.filter(tenant=acme.tenant).exists()


def test_a_ticket_opened_anyway_is_linked_to_the_incident(acme, ticket_type, calls, login):
    incident = _incident(acme, calls)
    response = login(acme.customer).post(
        "/tickets/new/", form_data(ticket_type, component="calls"), follow=True
    )
    ticket = Ticket.objects.get(tenant=acme.tenant)
    assert list(
        TicketIncident.objects.filter(ticket=ticket).values_list("incident", flat=True)
    ) == [incident.pk]
    page = response.content.decode()
    assert "This ticket is linked to the incident “Calls are not tracked”" in page


def test_maintenance_within_a_day_is_shown_and_later_ones_are_not(acme, calls, login):
    _maintenance(acme, calls, timedelta(hours=3), title="Database upgrade")
    _maintenance(acme, calls, timedelta(days=3), title="Network move")
    page = (
        login(acme.customer)
        .get("/tickets/new/known-incidents/", {"component": "calls"})
        .content.decode()
    )
    assert "Known maintenance:" in page
    assert "Database upgrade" in page
    assert "Network move" not in page


def test_ended_incidents_are_not_shown_nor_linked(acme, ticket_type, calls, login):
    incident = _incident(acme, calls)
    incident_update_post(incident=incident, actor=acme.manager, status="resolved", body="Fixed.")
    client = login(acme.customer)
    page = client.get("/tickets/new/known-incidents/", {"component": "calls"}).content.decode()
    assert "Calls are not tracked" not in page
    client.post("/tickets/new/", form_data(ticket_type, component="calls"))
    assert not TicketIncident.objects.exists()


def test_another_tenants_component_is_refused(acme, globex, ticket_type, calls, login):
    ComponentFactory(tenant=globex.tenant, name="Globex mail", slug="mail")
    response = login(acme.customer).post("/tickets/new/", form_data(ticket_type, component="mail"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Ticket.objects.filter(tenant=acme.tenant).exists()
    page = (
        login(acme.customer)
        .get("/tickets/new/known-incidents/", {"component": "mail"})
        .content.decode()
    )
    assert page.strip() == ""


def test_the_service_refuses_another_tenants_component(acme, globex, ticket_type):
    mail = ComponentFactory(tenant=globex.tenant, name="Globex mail", slug="mail")
    with pytest.raises(ValidationError):
        ticket_create(
            actor=acme.customer,
            tenant=acme.tenant,
            title="Mail down",
            text="No mail.",
            ticket_type=ticket_type,
            priority="P2",
            affected_service="Mail",
            base_url=f"http://{acme.host}/",
            component=mail,
        )
    assert not Ticket.objects.filter(tenant=acme.tenant).exists()


def test_private_components_are_not_offered_to_customers(acme, ticket_type, calls, login):
    internal = ComponentFactory(
        tenant=acme.tenant, name="Internal ETL", slug="etl", is_public=False
    )
    _incident(acme, internal, title="ETL backlog")
    client = login(acme.customer)
    page = client.get("/tickets/new/").content.decode()
    assert "Call tracking" in page
    assert "Internal ETL" not in page
    assert (
        "ETL backlog"
        not in client.get("/tickets/new/known-incidents/", {"component": "etl"}).content.decode()
    )
    response = client.post("/tickets/new/", form_data(ticket_type, component="etl"))
    assert response.status_code == 200
    assert not Ticket.objects.filter(tenant=acme.tenant).exists()
