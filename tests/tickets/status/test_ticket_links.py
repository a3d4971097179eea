"""Tickets linked to incidents from the ticket page and the queue, and what each side sees."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets.models import ComponentStatus, EventKind, TicketIncident
from tickets.status.services import (
    incident_create,
    incident_update_post,
    ticket_incident_link,
    ticket_incident_unlink,
)

from ..conftest import open_ticket
from ..factories import ComponentFactory, TicketTypeFactory


def _incident(world, title="Calls are not tracked", components=(), **kwargs):
    return incident_create(
        tenant=world.tenant,
        actor=world.manager,
        title=title,
        body=kwargs.pop("body", "We are looking into it."),
        affected=dict.fromkeys(components, ComponentStatus.MAJOR_OUTAGE),
        **kwargs,
    )


def _linked(ticket):
    return list(
        TicketIncident.objects.filter(ticket=ticket).values_list("incident__title", flat=True)
    )


def _url(ticket, tail=""):
    return f"/tickets/{ticket.reference}/{tail}"


@pytest.mark.django_db
def test_engineer_links_and_unlinks_from_the_ticket_page(acme, make_ticket, login):
    ticket = make_ticket()
    incident = _incident(acme)
    client = login(acme.engineer)

    page = client.get(_url(ticket)).content.decode()
    assert "Link to incident" in page
    assert f'<option value="{incident.pk}">Calls are not tracked' in page

    response = client.post(_url(ticket, "incidents/link/"), {"incident": incident.pk}, follow=True)
    page = response.content.decode()
    assert _linked(ticket) == ["Calls are not tracked"]
    assert f"{ticket.reference} is linked to “Calls are not tracked”." in page
    assert f'href="/incidents/{incident.pk}/"' in page
    assert "linked the ticket to the incident “Calls are not tracked”" in page
    assert "Unlink" in page

    response = client.post(_url(ticket, f"incidents/{incident.pk}/unlink/"), follow=True)
    page = response.content.decode()
    assert _linked(ticket) == []
    assert "unlinked the ticket from the incident “Calls are not tracked”" in page
    kinds = list(ticket.events.filter(kind=EventKind.INCIDENT).values_list("data", flat=True))
    assert [d["linked"] for d in kinds] == [True, False]


@pytest.mark.django_db
def test_queue_links_the_selected_tickets_and_returns_to_the_queue(acme, make_ticket, login):
    tickets = [make_ticket(title=f"Calls {n}") for n in range(3)]
    untouched = make_ticket(title="Billing")
    incident = _incident(acme)
    client = login(acme.engineer)

    queue = client.get("/queue/open/?sort=sla").content.decode()
    assert f'aria-label="Select ticket {tickets[0].reference}"' in queue
    assert "Link selected to incident:" in queue

    response = client.post(
        "/queue/link-incident/",
        {
            "tickets": [t.pk for t in tickets],
            "incident": incident.pk,
            "next": "/queue/open/?sort=sla",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/queue/open/?sort=sla"
    page = client.get(response["Location"]).content.decode()
    assert "3 tickets linked to “Calls are not tracked”." in page
    for ticket in tickets:
        assert _linked(ticket) == ["Calls are not tracked"]
    assert _linked(untouched) == []


@pytest.mark.django_db
def test_queue_bulk_link_ignores_another_tenants_tickets_and_refuses_its_incident(
    acme, globex, make_ticket, login
):
    mine = make_ticket()
    other_ticket = open_ticket(globex, TicketTypeFactory(tenant=globex.tenant, slug="other"))
    mine_incident = _incident(acme)
    other_incident = _incident(globex, title="Globex mail down")
    client = login(acme.engineer)

    response = client.post(
        "/queue/link-incident/", {"tickets": [mine.pk], "incident": other_incident.pk}
    )
    assert response.status_code == 404
    assert _linked(mine) == []

    client.post(
        "/queue/link-incident/",
        {"tickets": [mine.pk, other_ticket.pk], "incident": mine_incident.pk},
    )
    assert _linked(mine) == ["Calls are not tracked"]
    assert _linked(other_ticket) == []


@pytest.mark.django_db
def test_another_tenants_incident_or_ticket_is_not_found(acme, globex, make_ticket, login):
    ticket = make_ticket()
    other_incident = _incident(globex, title="Globex mail down")
    other_ticket = open_ticket(globex, TicketTypeFactory(tenant=globex.tenant, slug="other"))
    mine = _incident(acme)
    client = login(acme.engineer)

    assert (
        client.post(_url(ticket, "incidents/link/"), {"incident": other_incident.pk}).status_code
        == 404
    )
    assert (
        client.post(
            f"/tickets/{other_ticket.reference}/incidents/link/", {"incident": mine.pk}
        ).status_code
        == 404
    )
    assert client.post(_url(ticket, f"incidents/{other_incident.pk}/unlink/")).status_code == 404
    assert _linked(ticket) == []
    assert _linked(other_ticket) == []


@pytest.mark.django_db
def test_customers_cannot_link_or_unlink(acme, make_ticket, login):
    ticket = make_ticket()
    incident = _incident(acme)
    ticket_incident_link(ticket=ticket, incident=incident, actor=acme.engineer)
    other = _incident(acme, title="Billing slow")
    client = login(acme.customer)

    page = client.get(_url(ticket)).content.decode()
    assert "Link to incident" not in page
    assert "Unlink" not in page
    assert client.post(_url(ticket, "incidents/link/"), {"incident": other.pk}).status_code == 404
    assert client.post(_url(ticket, f"incidents/{incident.pk}/unlink/")).status_code == 404
    assert (
        client.post(
            "/queue/link-incident/", {"tickets": [ticket.pk], "incident": other.pk}
        ).status_code
        == 404
    )
    assert _linked(ticket) == ["Calls are not tracked"]


@pytest.mark.django_db
def test_customer_sees_the_linked_incident_and_its_latest_update(acme, make_ticket, login):
    calls = ComponentFactory(tenant=acme.tenant, name="Call tracking")
    ticket = make_ticket()
    incident = _incident(acme, components=[calls])
    incident_update_post(
        incident=incident, actor=acme.manager, status="identified", body="A **bad** deploy."
    )
    ticket_incident_link(ticket=ticket, incident=incident, actor=acme.engineer)

    page = login(acme.customer).get(_url(ticket)).content.decode()
    assert "Calls are not tracked" in page
    assert "Identified" in page
    assert "A <strong>bad</strong> deploy." in page
    assert "We are looking into it." not in page  # only the latest update
    assert f'href="/status/incidents/{incident.pk}/"' in page
    assert "This ticket is linked to the incident “Calls are not tracked”" in page


@pytest.mark.django_db
def test_incidents_on_private_components_only_are_hidden_from_customers(acme, make_ticket, login):
    internal = ComponentFactory(tenant=acme.tenant, name="Internal ETL", is_public=False)
    ticket = make_ticket()
    incident = _incident(acme, title="ETL backlog", components=[internal])
    ticket_incident_link(ticket=ticket, incident=incident, actor=acme.engineer)

    assert "ETL backlog" not in login(acme.customer).get(_url(ticket)).content.decode()
    assert "ETL backlog" in login(acme.engineer).get(_url(ticket)).content.decode()


# The ticket page's queries with linked incidents, whatever their number: for customers the
# incidents and their updates (two queries), for staff the ticket's links (one; the open
# incidents they may link it to are kept per process, reloaded once after a change). The
# ticket has nobody in copy: no query for them.
TICKET_PAGE_QUERIES = {"engineer": 6, "customer": 7}


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["engineer", "customer"])
def test_ticket_page_queries_do_not_grow_with_linked_incidents(acme, make_ticket, login, viewer):
    calls = ComponentFactory(tenant=acme.tenant, name="Call tracking")
    ticket = make_ticket()
    ticket_incident_link(
        ticket=ticket, incident=_incident(acme, components=[calls]), actor=acme.engineer
    )
    client = login(getattr(acme, viewer))
    # The first requests of a session read a little more (the person signed in is kept
    # from the second on).
    client.get(_url(ticket))
    client.get(_url(ticket))
    few = _count(client, _url(ticket))
    for n in range(4):
        incident = _incident(acme, title=f"Outage {n}", components=[calls])
        incident_update_post(
            incident=incident, actor=acme.manager, status="identified", body="Found."
        )
        ticket_incident_link(ticket=ticket, incident=incident, actor=acme.engineer)
    # The changes made the process forget what it kept of the tenant (its open incidents,
    # the person signed in): read again over the next two requests.
    client.get(_url(ticket))
    client.get(_url(ticket))
    many = _count(client, _url(ticket))
    assert (few, many) == (TICKET_PAGE_QUERIES[viewer],) * 2
    assert "Outage 3" in client.get(_url(ticket)).content.decode()


@pytest.mark.django_db
def test_staff_read_a_tickets_links_once_it_has_ever_been_linked(acme, make_ticket, login):
    """Every link and unlink writes an incident event on the ticket's timeline: a ticket
    whose timeline has none was never linked, and its page reads no links."""
    ticket = make_ticket()
    incident = _incident(acme, title="Calls are not tracked")
    client = login(acme.engineer)
    client.get(_url(ticket))
    client.get(_url(ticket))
    assert _count(client, _url(ticket)) == TICKET_PAGE_QUERIES["engineer"] - 1
    page = client.get(_url(ticket)).content.decode()
    assert f'<option value="{incident.pk}">Calls are not tracked' in page
    assert f'href="/incidents/{incident.pk}/"' not in page

    ticket_incident_link(ticket=ticket, incident=incident, actor=acme.engineer)
    client.get(_url(ticket))
    assert _count(client, _url(ticket)) == TICKET_PAGE_QUERIES["engineer"]
    page = client.get(_url(ticket)).content.decode()
    assert f'href="/incidents/{incident.pk}/"' in page
    assert f'<option value="{incident.pk}">' not in page  # linked: not offered again

    ticket_incident_unlink(ticket=ticket, incident=incident, actor=acme.engineer)
    page = client.get(_url(ticket)).content.decode()
    assert f'href="/incidents/{incident.pk}/"' not in page
    assert f'<option value="{incident.pk}">Calls are not tracked' in page


@pytest.mark.django_db
def test_the_incidents_to_link_follow_those_declared_and_ended(acme, make_ticket, login):
    ticket = make_ticket()
    first = _incident(acme, title="Calls are not tracked")
    client = login(acme.engineer)
    page = client.get(_url(ticket)).content.decode()
    assert f'<option value="{first.pk}">Calls are not tracked' in page

    second = _incident(acme, title="Reports are late")
    page = client.get(_url(ticket)).content.decode()
    assert f'<option value="{second.pk}">Reports are late' in page

    ticket_incident_link(ticket=ticket, incident=first, actor=acme.engineer)
    incident_update_post(incident=first, actor=acme.manager, status="resolved", body="Fixed.")
    page = client.get(_url(ticket)).content.decode()
    assert f'<option value="{first.pk}">' not in page  # ended: no longer offered
    assert f'href="/incidents/{first.pk}/"' in page  # still listed as linked
    assert f'<option value="{second.pk}">Reports are late' in page
