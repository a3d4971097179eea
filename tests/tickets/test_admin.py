import pytest
from django.test import Client

from tickets.models import TicketType

from .factories import PriorityDefinitionFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


def admin_client(world):
    client = Client(HTTP_HOST=world.host)
    client.force_login(world.tenant_admin)
    return client


def test_tenant_admin_edits_own_catalogue_only(two_tenants):
    acme, globex = two_tenants
    reason = TicketTypeFactory(tenant=acme.tenant, name="Call tracking", slug="call-tracking")
    foreign = TicketTypeFactory(tenant=globex.tenant, name="Globex billing", slug="gx-billing")
    client = admin_client(acme)
    listing = client.get("/admin/tickets/tickettype/").content.decode()
    assert "Call tracking" in listing and "Globex billing" not in listing
    assert client.get(f"/admin/tickets/tickettype/{foreign.pk}/change/").status_code in (302, 404)

    form = client.get("/admin/tickets/tickettype/add/").content.decode()
    assert "Call tracking" in form and "Globex billing" not in form
    response = client.post(
        "/admin/tickets/tickettype/add/",
        {
            "parent": reason.pk,
            "name": "Calls not connecting",
            "slug": "calls-not-connecting",
            "description": "",
            "default_priority": "P1",
            "position": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = TicketType.objects.get(slug="calls-not-connecting")
    assert created.tenant == acme.tenant and created.parent == reason
    assert str(created) == "Call tracking › Calls not connecting"

    # A third level is refused with a clear message.
    response = client.post(
        "/admin/tickets/tickettype/add/",
        {
            "parent": created.pk,
            "name": "Too deep",
            "slug": "too-deep",
            "default_priority": "P3",
            "position": 0,
        },
    )
    assert "two levels at most" in response.content.decode()
    # Another tenant's entry cannot be chosen as the parent.
    response = client.post(
        "/admin/tickets/tickettype/add/",
        {"parent": foreign.pk, "name": "X", "slug": "x", "default_priority": "P3", "position": 0},
    )
    assert "Select a valid choice" in response.content.decode()


def test_priority_definitions_and_tickets_in_admin(two_tenants, make_ticket):
    acme, globex = two_tenants
    PriorityDefinitionFactory(tenant=acme.tenant, summary="Acme critical")
    PriorityDefinitionFactory(tenant=globex.tenant, summary="Globex critical")
    ticket = make_ticket(title="Visible to acme admin")
    client = admin_client(acme)
    page = client.get("/admin/tickets/prioritydefinition/").content.decode()
    assert "Acme critical" in page and "Globex critical" not in page
    page = client.get("/admin/tickets/ticket/").content.decode()
    assert "Visible to acme admin" in page
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    assert "Visible to acme admin" in page
    assert 'type="submit" value="Save"' not in page  # read-only for audits
    assert admin_client(globex).get(f"/admin/tickets/ticket/{ticket.pk}/change/").status_code in (
        302,
        404,
    )


def test_duplicate_slug_in_own_catalogue_is_a_form_error_not_a_crash(two_tenants):
    acme, globex = two_tenants
    TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
    TicketTypeFactory(tenant=globex.tenant, name="Security", slug="security")
    client = admin_client(acme)
    data = {"name": "Networking again", "default_priority": "P3", "position": 0}
    response = client.post("/admin/tickets/tickettype/add/", {**data, "slug": "networking"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    # The same slug in another tenant's catalogue is no conflict.
    response = client.post("/admin/tickets/tickettype/add/", {**data, "slug": "security"})
    assert response.status_code == 302
