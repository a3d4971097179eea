"""A support plan in admin counts only on a calendar of its own help desk."""

import pytest
from django.test import Client

from tests.factories import SuperuserFactory

from .factories import BusinessCalendarFactory

pytestmark = pytest.mark.django_db


def test_a_plan_cannot_count_on_another_help_desks_calendar(two_tenants):
    acme, globex = two_tenants
    foreign = BusinessCalendarFactory(tenant=globex.tenant, name="Globex office")
    client = Client(HTTP_HOST="localhost")
    client.force_login(SuperuserFactory(email="root@platform.test"))
    data = {
        "tenant": acme.tenant.pk,
        "name": "Gold",
        "slug": "gold",
        "description": "",
        "position": "0",
        "calendar": foreign.pk,
    }
    refused = client.post("/admin/sla/supportplan/add/", data)
    assert refused.status_code == 200
    assert "Choose a calendar of the plan&#x27;s own help desk." in refused.content.decode()
    data["calendar"] = BusinessCalendarFactory(tenant=acme.tenant, name="Acme office").pk
    assert client.post("/admin/sla/supportplan/add/", data).status_code == 302
