"""The catalogue, priority words and links' domain are kept in memory between requests,
and a change shows on the very next page."""

import pytest
from django.core.cache import cache

from accounts.models import Domain
from helpdesk import tenant_data
from helpdesk.links import tenant_host
from tickets.models import PriorityDefinition
from tickets.selectors import selectable_types

from .conftest import open_ticket
from .factories import TicketTypeFactory

pytestmark = pytest.mark.django_db


def test_a_renamed_type_shows_on_the_next_queue_page(acme, ticket_type, login):
    ticket = open_ticket(acme, ticket_type, title="Tunnel flaps")
    client = login(acme.engineer)
    assert "Networking" in client.get("/queue/open/").content.decode()
    ticket_type.name = "Network and VPN"
    ticket_type.save()
    page = client.get("/queue/open/").content.decode()
    assert "Network and VPN" in page and ticket.reference in page


def test_a_new_type_is_offered_at_once_and_a_retired_one_no_longer(acme, ticket_type, login):
    client = login(acme.customer)
    assert "Billing" not in client.get("/tickets/new/").content.decode()
    billing = TicketTypeFactory(tenant=acme.tenant, name="Billing", slug="billing")
    assert "Billing" in client.get("/tickets/new/").content.decode()
    billing.is_active = False
    billing.save()
    assert "Billing" not in client.get("/tickets/new/").content.decode()
    # A type retired meanwhile is refused on submit, with the form kept.
    response = client.post(
        "/tickets/new/",
        {
            "title": "Invoice wrong",
            "ticket_type": billing.pk,
            "priority": "P3",
            "text": "The November invoice counts two seats too many.",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Invoice wrong" in page and "The November invoice" in page


def test_the_catalogue_is_kept_per_tenant(acme, globex, ticket_type):
    TicketTypeFactory(tenant=globex.tenant, name="Globex only", slug="globex-only")
    assert [t.name for t in selectable_types(tenant=acme.tenant)] == ["Networking"]
    assert [t.name for t in selectable_types(tenant=globex.tenant)] == ["Globex only"]


def test_priority_words_changed_show_on_the_new_ticket_form(acme, ticket_type, login):
    client = login(acme.customer)
    client.get("/tickets/new/")
    PriorityDefinition.objects.update_or_create(
        tenant=acme.tenant,
        priority="P1",
        defaults={"summary": "Everything is down", "description": "Production stopped."},
    )
    assert "Everything is down" in client.get("/tickets/new/").content.decode()


def test_links_follow_a_new_primary_domain(acme):
    assert tenant_host(tenant=acme.tenant) == "acme.localhost"
    Domain.objects.filter(tenant=acme.tenant).update(is_primary=False)
    Domain.objects.create(tenant=acme.tenant, domain="support.acme.test", is_primary=True)
    assert tenant_host(tenant=acme.tenant) == "support.acme.test"


def test_another_process_change_is_seen_once_its_token_goes(acme, ticket_type):
    assert [t.name for t in selectable_types(tenant=acme.tenant)] == ["Networking"]
    # Another process renames it and, once committed, drops the tenant's token.
    type(ticket_type).objects.filter(pk=ticket_type.pk).update(name="Renamed elsewhere")
    assert [t.name for t in selectable_types(tenant=acme.tenant)] == ["Networking"]
    cache.delete(tenant_data.TOKEN_KEY.format(tenant_id=acme.tenant.pk))
    assert [t.name for t in selectable_types(tenant=acme.tenant)] == ["Renamed elsewhere"]


def test_the_components_a_ticket_may_be_about_follow_a_change_but_not_a_state(
    acme, ticket_type, login
):
    from django.utils import timezone

    from tickets.models import ComponentStatus
    from tickets.status.components import component_status_apply

    from .factories import ComponentFactory

    client = login(acme.customer)
    calls = ComponentFactory(tenant=acme.tenant, name="Call tracking", slug="calls", is_public=True)
    assert "Call tracking" in client.get("/tickets/new/").content.decode()
    calls.name = "Call tracking API"
    calls.save()
    assert "Call tracking API" in client.get("/tickets/new/").content.decode()
    calls.is_public = False
    calls.save()
    assert "Call tracking" not in client.get("/tickets/new/").content.decode()
    # An incident moving a component's state leaves what the processes keep in place.
    kept = tenant_data.tenant_data(acme.tenant.pk, "ticket-components", list)
    component_status_apply(component=calls, status=ComponentStatus.MAJOR_OUTAGE, now=timezone.now())
    assert tenant_data.tenant_data(acme.tenant.pk, "ticket-components", list) is kept


def test_a_renamed_organization_or_a_new_plan_shows_on_the_next_pages(acme, ticket_type, login):
    from ..sla.factories import plan_with_matrix

    ticket = open_ticket(acme, ticket_type, title="Tunnel flaps")
    client = login(acme.engineer)
    assert acme.org.name in client.get("/queue/open/").content.decode()
    assert acme.org.name in client.get(ticket.get_absolute_url()).content.decode()
    acme.org.name = "Acme Renamed Ltd"
    acme.org.plan = plan_with_matrix(
        tenant=acme.tenant, cells={("P3", "first_response"): "8 hours (24/7)"}, name="Gold"
    )
    acme.org.save()
    assert "Acme Renamed Ltd" in client.get("/queue/open/").content.decode()
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Acme Renamed Ltd" in page
    assert "· Gold" in page  # the SLA panel names the organization's plan
