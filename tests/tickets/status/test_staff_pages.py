"""The staff's incident pages: who sees them, declaring with a preview, updating, linking
tickets by number, and the list's query count."""

import pytest

from tickets.models import (
    Component,
    ComponentStatus,
    Incident,
    IncidentKind,
    IncidentStatus,
    IncidentUpdate,
    TicketIncident,
)
from tickets.status.services import incident_create, incident_update_post, ticket_incident_link

from ..factories import ComponentFactory

pytestmark = pytest.mark.django_db


def _declare(world, component=None, **kwargs):
    affected = {component: ComponentStatus.MAJOR_OUTAGE} if component else {}
    return incident_create(
        tenant=world.tenant,
        actor=world.manager,
        title=kwargs.pop("title", "Calls are not tracked"),
        body="We are looking into it.",
        affected=affected,
        owner=world.engineer,
        **kwargs,
    )


def _urls(incident, component, link):
    pk = incident.pk
    return [
        ("get", "/incidents/"),
        ("get", "/incidents/new/"),
        ("get", "/incidents/maintenance/new/"),
        ("get", f"/incidents/{pk}/"),
        ("post", f"/incidents/{pk}/update/"),
        ("post", f"/incidents/{pk}/edit/"),
        ("post", f"/incidents/{pk}/link/"),
        ("post", f"/incidents/{pk}/unlink/{link.pk}/"),
        ("post", f"/incidents/{pk}/reply/"),
        ("post", f"/incidents/components/{component.pk}/state/"),
    ]


def test_customers_and_another_tenants_staff_get_404_everywhere(two_tenants, login, make_ticket):
    acme, globex = two_tenants
    component = ComponentFactory(tenant=acme.tenant)
    incident = _declare(acme, component)
    ticket = make_ticket()
    link = ticket_incident_link(ticket=ticket, incident=incident, actor=acme.engineer)
    for person in (acme.customer, acme.org_admin):
        client = login(person)
        for method, url in _urls(incident, component, link):
            assert getattr(client, method)(url).status_code == 404, (person, url)
            # Asking a form's address the wrong way tells nothing either.
            assert client.get(url).status_code == 404, (person, url)
    # Another tenant's manager on their own host: the incident and component are not there.
    client = login(globex.manager)
    for method, url in _urls(incident, component, link)[3:]:
        assert getattr(client, method)(url).status_code == 404, url
    incident.refresh_from_db()
    assert incident.updates.count() == 1
    assert TicketIncident.objects.filter(pk=link.pk).exists()


def test_engineers_cannot_set_components_by_hand(acme, login):
    component = ComponentFactory(tenant=acme.tenant)
    response = login(acme.engineer).post(
        f"/incidents/components/{component.pk}/state/", {"status": "major_outage"}
    )
    assert response.status_code == 404
    component.refresh_from_db()
    assert component.status == ComponentStatus.OPERATIONAL


def test_manager_sets_a_component_by_hand(acme, login):
    component = ComponentFactory(tenant=acme.tenant, name="Call tracking")
    client = login(acme.manager)
    response = client.post(
        f"/incidents/components/{component.pk}/state/", {"status": "degraded"}, follow=True
    )
    component.refresh_from_db()
    assert component.status == ComponentStatus.DEGRADED
    assert "Call tracking is now: Degraded performance." in response.content.decode()


def _declare_data(component, **overrides):
    data = {
        "title": "Calls are not tracked",
        "body": "We are **looking** into it.",
        "status": "investigating",
        "impact": "major",
        "owner": "",
        "resolution_reply": "Fixed for {ticket}: {incident}.",
        "notify": "on",
        f"component_{component.pk}": "major_outage",
        "action": "publish",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["engineer", "manager"])
def test_staff_declare_an_incident(acme, login, who):
    component = ComponentFactory(tenant=acme.tenant, name="Call tracking")
    person = getattr(acme, who)
    client = login(person)
    form = client.get("/incidents/new/").content.decode()
    assert "{ticket}" in form and "{incident}" in form
    response = client.post("/incidents/new/", _declare_data(component, owner=person.pk))
    incident = Incident.objects.get(tenant=acme.tenant)
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.owner == person
    assert incident.resolution_reply == "Fixed for {ticket}: {incident}."
    component.refresh_from_db()
    assert component.status == ComponentStatus.MAJOR_OUTAGE
    page = client.get(response["Location"]).content.decode()
    assert "Calls are not tracked" in page
    assert "<strong>looking</strong>" in page


def test_preview_shows_the_message_as_customers_will_and_saves_nothing(acme, login):
    component = ComponentFactory(tenant=acme.tenant, name="Call tracking")
    client = login(acme.manager)
    response = client.post("/incidents/new/", _declare_data(component, action="preview"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "We are <strong>looking</strong> into it." in page
    assert "Call tracking: Major outage" in page
    assert 'value="Calls are not tracked"' in page
    assert not Incident.objects.exists()
    component.refresh_from_db()
    assert component.status == ComponentStatus.OPERATIONAL


def test_bad_input_is_explained_and_kept(acme, login):
    component = ComponentFactory(tenant=acme.tenant)
    client = login(acme.manager)
    response = client.post(
        "/incidents/maintenance/new/",
        _declare_data(
            component,
            status="scheduled",
            title="Database upgrade",
            body="We upgrade the database.",
            starts_at="2030-05-01T22:00",
            ends_at="2030-05-01T21:00",
            **{f"component_{component.pk}": "maintenance"},
        ),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The window must end after it starts." in page
    assert 'value="Database upgrade"' in page
    assert "We upgrade the database." in page
    assert 'value="2030-05-01T22:00"' in page
    assert not Incident.objects.exists()


def test_maintenance_window_is_read_in_the_tenants_time_zone(acme, login):
    acme.tenant.time_zone = "America/Bogota"
    acme.tenant.save()
    component = ComponentFactory(tenant=acme.tenant)
    client = login(acme.manager)
    form = client.get("/incidents/maintenance/new/").content.decode()
    assert "America/Bogota" in form
    client.post(
        "/incidents/maintenance/new/",
        _declare_data(
            component,
            status="scheduled",
            starts_at="2030-05-01T22:00",
            ends_at="2030-05-01T23:30",
            **{f"component_{component.pk}": "maintenance"},
        ),
    )
    window = Incident.objects.get(kind=IncidentKind.MAINTENANCE)
    assert window.starts_at.isoformat() == "2030-05-02T03:00:00+00:00"
    assert window.ends_at.isoformat() == "2030-05-02T04:30:00+00:00"
    listed = client.get("/incidents/").content.decode()
    assert "(America/Bogota)" in listed
    assert "(America/Bogota)" in client.get(f"/incidents/{window.pk}/").content.decode()


def test_update_offers_only_allowed_moves_and_keeps_input_when_refused(acme, login):
    component = ComponentFactory(tenant=acme.tenant)
    incident = _declare(acme, component)
    client = login(acme.engineer)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'value="identified"' in page and 'value="scheduled"' not in page
    response = client.post(
        f"/incidents/{incident.pk}/update/",
        {"status": "completed", "body": "Done, we think.", "action": "publish"},
    )
    assert response.status_code == 400
    assert "Done, we think." in response.content.decode()
    assert incident.updates.count() == 1


def test_update_preview_then_publish(acme, login):
    component = ComponentFactory(tenant=acme.tenant)
    incident = _declare(acme, component)
    client = login(acme.engineer)
    data = {
        "status": "identified",
        "body": "The *cause* is found.",
        f"component_{component.pk}": "partial_outage",
        "notify": "on",
    }
    preview = client.post(f"/incidents/{incident.pk}/update/", {**data, "action": "preview"})
    assert "The <em>cause</em> is found." in preview.content.decode()
    assert IncidentUpdate.objects.filter(incident=incident).count() == 1
    response = client.post(f"/incidents/{incident.pk}/update/", {**data, "action": "publish"})
    assert response.status_code == 302
    incident.refresh_from_db()
    component.refresh_from_db()
    assert incident.status == IncidentStatus.IDENTIFIED
    assert component.status == ComponentStatus.PARTIAL_OUTAGE


def test_edit_details(acme, login):
    incident = _declare(acme)
    response = login(acme.manager).post(
        f"/incidents/{incident.pk}/edit/",
        {
            "title": "Calls are lost",
            "impact": "critical",
            "owner": acme.manager.pk,
            "resolution_reply": "All good again.",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.title, incident.impact, incident.owner) == (
        "Calls are lost",
        "critical",
        acme.manager,
    )


def test_link_by_number_reports_unknown_and_other_tenants_numbers(
    two_tenants, login, make_ticket, ticket_type
):
    acme, globex = two_tenants
    incident = _declare(acme)
    first, second = make_ticket(title="One"), make_ticket(title="Two")
    from tests.tickets.conftest import open_ticket
    from tests.tickets.factories import TicketTypeFactory

    foreign = open_ticket(globex, TicketTypeFactory(tenant=globex.tenant))
    foreign.number = 777
    foreign.save(update_fields=["number"])
    client = login(acme.engineer)
    response = client.post(
        f"/incidents/{incident.pk}/link/",
        {"numbers": f"{first.number}, {second.reference} 777 nonsense"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "No tickets of this help desk have the numbers 777, nonsense." in page
    assert "2 tickets linked." in page
    linked = set(TicketIncident.objects.filter(incident=incident).values_list("ticket", flat=True))
    assert linked == {first.pk, second.pk}
    assert not TicketIncident.objects.filter(ticket=foreign).exists()
    detail = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert first.reference in detail and "Acme Customer A" in detail


def test_unlink(acme, login, make_ticket):
    incident = _declare(acme)
    ticket = make_ticket()
    link = ticket_incident_link(ticket=ticket, incident=incident, actor=acme.engineer)
    response = login(acme.engineer).post(f"/incidents/{incident.pk}/unlink/{link.pk}/")
    assert response.status_code == 302
    assert not TicketIncident.objects.filter(pk=link.pk).exists()


def test_reply_form_only_once_the_incident_is_over(acme, login, make_ticket):
    incident = _declare(acme)
    ticket_incident_link(ticket=make_ticket(), incident=incident, actor=acme.engineer)
    client = login(acme.manager)
    assert (
        "Reply to linked tickets</h2>"
        not in client.get(f"/incidents/{incident.pk}/").content.decode()
    )
    refused = client.post(f"/incidents/{incident.pk}/reply/", {"reply": "Fixed."})
    assert refused.status_code == 400
    incident_update_post(incident=incident, actor=acme.manager, status="resolved", body="Fixed.")
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Reply to linked tickets</h2>" in page
    assert "1 linked ticket has not had the reply yet." in page


def test_list_shows_each_kind_in_a_fixed_number_of_queries(
    acme, login, make_ticket, django_assert_num_queries
):
    components = [ComponentFactory(tenant=acme.tenant) for _ in range(3)]
    for index in range(4):
        incident = _declare(acme, components[index % 3], title=f"Incident {index}")
        ticket_incident_link(ticket=make_ticket(), incident=incident, actor=acme.engineer)
    ended = _declare(acme, components[0], title="Old trouble")
    incident_update_post(incident=ended, actor=acme.manager, status="resolved", body="Fixed.")
    client = login(acme.manager)
    client.get("/incidents/")  # sessions and caches warm
    # The person, the incidents with their owners and linked-ticket counts, their
    # components, and the components a manager may set by hand (the session is cached).
    with django_assert_num_queries(4):
        first = client.get("/incidents/")
    for index in range(4, 8):
        _declare(acme, components[index % 3], title=f"Incident {index}")
    ComponentFactory(tenant=acme.tenant)
    with django_assert_num_queries(4):
        response = client.get("/incidents/")
    assert first.status_code == 200
    page = response.content.decode()
    assert "Incident 7" in page and "Old trouble" in page
    assert Component.objects.for_tenant(acme.tenant).count() == 4


def test_a_cancelled_window_offers_no_reply_a_completed_one_does(acme, login, make_ticket):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    windows = []
    for end in ("cancelled", "completed"):
        window = incident_create(
            tenant=acme.tenant,
            actor=acme.manager,
            kind=IncidentKind.MAINTENANCE,
            title=f"Upgrade {end}",
            body="We upgrade the database.",
            starts_at=now + timedelta(hours=1),
            ends_at=now + timedelta(hours=2),
        )
        ticket_incident_link(ticket=make_ticket(), incident=window, actor=acme.engineer)
        incident_update_post(incident=window, actor=acme.manager, status=end, body="Over.")
        windows.append(window)
    client = login(acme.manager)
    cancelled, completed = (client.get(f"/incidents/{w.pk}/").content.decode() for w in windows)
    assert "Reply to linked tickets</h2>" not in cancelled
    assert "Reply to linked tickets</h2>" in completed
    refused = client.post(f"/incidents/{windows[0].pk}/reply/", {"reply": "Done."})
    assert refused.status_code == 400
