"""The staff home page's numbers count what their labels say."""

import re

import pytest
from django.test import Client

from tests.factories import CustomerFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def stat(page: str, label: str) -> int:
    match = re.search(
        r'<span class="stat-value">([\d,]+)</span><span class="stat-label">' + re.escape(label),
        page,
    )
    return int(match.group(1).replace(",", ""))


def test_customer_count_matches_the_organizations_listed(acme):
    closed = OrganizationFactory(tenant=acme.tenant, name="Closed Ltd", is_active=False)
    CustomerFactory(tenant=acme.tenant, organization=closed, email="gone@closed.test")
    CustomerFactory(
        tenant=acme.tenant, organization=acme.org, email="left@acme.test", is_active=False
    )
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.engineer)
    response = client.get("/")
    page = response.content.decode()
    organizations = response.context["overview"]["organizations"]
    assert "Closed Ltd" not in page
    assert stat(page, "Customer organizations") == len(organizations)
    assert stat(page, "Customers") == sum(org.member_count for org in organizations)
