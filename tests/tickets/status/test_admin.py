"""The status page in admin: each tenant admin sees and edits only their help desk's."""

import pytest
from django.test import Client
from django.utils import timezone

from tickets.models import Component, StatusSubscriber
from tickets.status.services import incident_create

pytestmark = pytest.mark.django_db


def admin_client(world):
    client = Client(HTTP_HOST=world.host)
    client.force_login(world.tenant_admin)
    return client


def component(world, name, slug):
    return Component.objects.create(
        tenant=world.tenant, name=name, slug=slug, created_at=timezone.now()
    )


def subscriber(world, email, token):
    return StatusSubscriber.objects.create(
        tenant=world.tenant,
        email=email,
        token=token,
        created_at=timezone.now(),
        confirmed_at=timezone.now(),
    )


def test_tenant_admin_sees_only_their_components_and_creates_one(two_tenants):
    acme, globex = two_tenants
    component(acme, "Call tracking", "call-tracking")
    foreign = component(globex, "Globex billing", "billing")
    client = admin_client(acme)

    listing = client.get("/admin/tickets/component/").content.decode()
    assert "Call tracking" in listing and "Globex billing" not in listing
    assert client.get(f"/admin/tickets/component/{foreign.pk}/change/").status_code == 404

    response = client.post(
        "/admin/tickets/component/add/",
        {
            "name": "Reporting",
            "slug": "reporting",
            "description": "Dashboards and scheduled reports",
            "position": 2,
            "is_public": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = Component.objects.get(slug="reporting")
    assert created.tenant == acme.tenant
    assert created.status == "operational"
    # The same slug is free in another help desk.
    assert Component.objects.filter(slug="reporting").count() == 1


def test_incidents_are_read_only_with_a_link_to_the_incident_page(two_tenants):
    acme, globex = two_tenants
    ours = incident_create(
        tenant=acme.tenant, actor=acme.engineer, title="Calls are not tracked", body="Looking."
    )
    theirs = incident_create(
        tenant=globex.tenant, actor=globex.engineer, title="Globex outage", body="Looking."
    )
    client = admin_client(acme)

    listing = client.get("/admin/tickets/incident/?kind__exact=incident").content.decode()
    assert "Calls are not tracked" in listing and "Globex outage" not in listing
    page = client.get(f"/admin/tickets/incident/{ours.pk}/change/").content.decode()
    assert f'href="/incidents/{ours.pk}/"' in page
    assert 'name="title"' not in page, "edited on the portal, not here"
    assert client.get(f"/admin/tickets/incident/{theirs.pk}/change/").status_code == 404


def test_subscribers_are_searched_and_unsubscribed_within_the_tenant(two_tenants):
    acme, globex = two_tenants
    ana = subscriber(acme, "ana@customer.test", "t1")
    subscriber(acme, "bob@customer.test", "t2")
    foreign = subscriber(globex, "ana@globex.test", "t3")
    client = admin_client(acme)

    found = client.get("/admin/tickets/statussubscriber/?q=ana").content.decode()
    assert "ana@customer.test" in found
    assert "bob@customer.test" not in found and "ana@globex.test" not in found
    assert client.get(f"/admin/tickets/statussubscriber/{foreign.pk}/change/").status_code == 404

    response = client.post(
        "/admin/tickets/statussubscriber/",
        {"action": "unsubscribe", "_selected_action": [ana.pk, foreign.pk]},
    )
    assert response.status_code == 302
    ana.refresh_from_db()
    foreign.refresh_from_db()
    assert ana.unsubscribed_at is not None
    assert foreign.unsubscribed_at is None, "another help desk's subscriber is untouched"
