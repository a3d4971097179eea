"""Request types for everyone; organizations and customers for staff only, each tenant
seeing its own."""

import pytest

from tests.factories import CustomerFactory, OrganizationFactory, SupportPlanFactory

from ..tickets.factories import TicketTypeFactory

pytestmark = pytest.mark.django_db

STAFF_ONLY = ["/api/v1/organizations/", "/api/v1/customers/"]


@pytest.fixture
def catalogue(acme, globex):
    access = TicketTypeFactory(tenant=acme.tenant, name="Access", slug="access", position=1)
    vpn = TicketTypeFactory(
        tenant=acme.tenant, name="VPN", slug="vpn", parent=access, default_priority="P2"
    )
    billing = TicketTypeFactory(tenant=acme.tenant, name="Billing", slug="billing", position=2)
    retired = TicketTypeFactory(tenant=acme.tenant, name="Fax", slug="fax", is_active=False)
    other = TicketTypeFactory(tenant=globex.tenant, name="Globex only", slug="globex-only")
    return {"access": access, "vpn": vpn, "billing": billing, "retired": retired, "other": other}


@pytest.mark.parametrize("role", ["customer", "org_admin", "engineer", "manager", "tenant_admin"])
def test_everyone_reads_the_selectable_request_types(acme, catalogue, api_as, role):
    response = api_as(getattr(acme, role), host=acme.host, write=False).get(
        "/api/v1/request-types/"
    )
    assert response.status_code == 200
    rows = response.json()
    # A reason with sub-categories is not itself selectable; inactive and Globex's are out.
    # Catalogue order: flat types, then each reason's sub-categories.
    assert [row["slug"] for row in rows] == ["billing", "vpn"]
    vpn = rows[1]
    assert vpn == {
        "id": catalogue["vpn"].pk,
        "slug": "vpn",
        "name": "Access › VPN",
        "description": "What this type is for.",
        "default_priority": "P2",
        "parent": catalogue["access"].pk,
    }
    assert rows[0]["parent"] is None


def test_a_token_of_another_tenant_is_refused_on_this_host(two_tenants, catalogue, api_as):
    acme, globex = two_tenants
    for path in ["/api/v1/request-types/", *STAFF_ONLY, f"/api/v1/organizations/{acme.org.pk}/"]:
        for person in (globex.customer, globex.engineer):
            assert api_as(person, host=acme.host).get(path).status_code == 401, path


@pytest.mark.parametrize("role", ["customer", "org_admin", "other_org_customer"])
def test_customers_do_not_find_the_staff_directory(acme, api_as, role):
    api = api_as(getattr(acme, role), host=acme.host)
    paths = [
        *STAFF_ONLY,
        f"/api/v1/organizations/{acme.org.pk}/",
        f"/api/v1/organizations/{acme.other_org.pk}/",
        f"/api/v1/customers/{acme.customer.pk}/",
        f"/api/v1/customers/{acme.other_org_customer.pk}/",
    ]
    for path in paths:
        response = api.get(path)
        assert response.status_code == 404, path
        assert "results" not in response.json()


@pytest.mark.parametrize("role", ["engineer", "manager", "tenant_admin"])
def test_staff_list_their_organizations_with_plan_and_state(acme, globex, api_as, role):
    gold = SupportPlanFactory(tenant=acme.tenant, name="Gold")
    acme.org.plan = gold
    acme.org.save()
    closed = OrganizationFactory(tenant=acme.tenant, name="Acme Closed Ltd", is_active=False)
    response = api_as(getattr(acme, role), host=acme.host).get("/api/v1/organizations/")
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    by_name = {row["name"]: row for row in body["results"]}
    assert list(by_name) == ["Acme Closed Ltd", "Acme Customer A", "Acme Customer B"]
    assert by_name["Acme Customer A"]["plan"] == {"id": gold.pk, "name": "Gold"}
    assert by_name["Acme Customer B"]["plan"] is None
    assert by_name["Acme Closed Ltd"]["active"] is False
    assert by_name["Acme Closed Ltd"]["id"] == closed.pk


def test_organizations_come_a_page_at_a_time(acme, api_as):
    for n in range(3):
        OrganizationFactory(tenant=acme.tenant, name=f"Acme Extra {n}")
    api = api_as(acme.engineer, host=acme.host)
    seen = []
    url = "/api/v1/organizations/?page_size=2"
    while url:
        body = api.get(url).json()
        seen += [row["name"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 5


def test_an_organization_of_another_tenant_is_not_found(two_tenants, api_as):
    acme, globex = two_tenants
    staff = api_as(acme.engineer, host=acme.host)
    assert staff.get(f"/api/v1/organizations/{acme.org.pk}/").json()["name"] == "Acme Customer A"
    assert staff.get(f"/api/v1/organizations/{globex.org.pk}/").status_code == 404
    assert staff.get("/api/v1/organizations/999999/").status_code == 404
    # Globex's staff on their own host do not reach Acme's rows either.
    theirs = api_as(globex.engineer, host=globex.host)
    assert theirs.get(f"/api/v1/organizations/{acme.org.pk}/").status_code == 404
    names = [row["name"] for row in theirs.get("/api/v1/organizations/").json()["results"]]
    assert names == ["Globex Customer A", "Globex Customer B"]


def test_staff_list_and_filter_customers(two_tenants, api_as):
    acme, globex = two_tenants
    api = api_as(acme.engineer, host=acme.host)
    emails = {row["email"] for row in api.get("/api/v1/customers/").json()["results"]}
    # Customers and organization admins, never staff nor another tenant's people.
    assert emails == {"customer@acme.test", "orgadmin@acme.test", "other@acme.test"}
    only_b = api.get(f"/api/v1/customers/?organization={acme.other_org.pk}").json()
    assert [row["email"] for row in only_b["results"]] == ["other@acme.test"]
    foreign = api.get(f"/api/v1/customers/?organization={globex.org.pk}").json()
    assert foreign["results"] == []
    assert api.get("/api/v1/customers/?organization=x").status_code == 400


def test_customer_search_finds_words_of_name_or_email(acme, globex, api_as):
    CustomerFactory(
        tenant=acme.tenant, organization=acme.other_org, full_name="Marta Quintero",
        email="marta@acme.test",
    )  # fmt: skip
    CustomerFactory(
        tenant=globex.tenant, organization=globex.org, full_name="Marta Globex",
        email="marta@globex.test",
    )  # fmt: skip
    api = api_as(acme.engineer, host=acme.host)
    found = api.get("/api/v1/customers/?q=marta").json()
    assert [row["email"] for row in found["results"]] == ["marta@acme.test"]
    assert found["next"] is None
    in_a = api.get(f"/api/v1/customers/?q=marta&organization={acme.org.pk}").json()
    assert in_a["results"] == []


def test_a_customer_reads_without_anything_security_related(acme, api_as):
    api = api_as(acme.manager, host=acme.host)
    response = api.get(f"/api/v1/customers/{acme.org_admin.pk}/")
    assert response.status_code == 200
    assert response.json() == {
        "id": acme.org_admin.pk,
        "name": acme.org_admin.full_name,
        "email": "orgadmin@acme.test",
        "organization": {"id": acme.org.pk, "name": "Acme Customer A"},
        "role": "org_admin",
        "language": acme.org_admin.language,
        "time_zone": acme.org_admin.time_zone,
        "active": True,
    }


def test_a_customer_of_another_tenant_or_staff_is_not_found(two_tenants, api_as):
    acme, globex = two_tenants
    api = api_as(acme.engineer, host=acme.host)
    assert api.get(f"/api/v1/customers/{globex.customer.pk}/").status_code == 404
    assert api.get(f"/api/v1/customers/{acme.manager.pk}/").status_code == 404
    theirs = api_as(globex.engineer, host=globex.host)
    assert theirs.get(f"/api/v1/customers/{acme.customer.pk}/").status_code == 404


def _rows(api, path) -> list:
    body = api.get(path).json()
    return body["results"] if isinstance(body, dict) else body


def _customer(world):
    return CustomerFactory(tenant=world.tenant, organization=world.other_org)


@pytest.mark.parametrize(
    ("path", "add", "pinned"),
    [
        # Token, page of rows.
        ("/api/v1/organizations/", lambda world: OrganizationFactory(tenant=world.tenant), 2),
        ("/api/v1/customers/", _customer, 2),
        # Token; the catalogue is kept from the previous read until it changes.
        ("/api/v1/request-types/", lambda world: TicketTypeFactory(tenant=world.tenant), 1),
    ],
)
def test_the_lists_cost_the_same_queries_for_few_rows_as_for_10(
    acme, api_as, django_assert_num_queries, path, add, pinned
):
    api = api_as(acme.engineer, host=acme.host)
    counts = []
    for total in (3, 10):
        while len(_rows(api, path)) < total:
            add(acme)
        with django_assert_num_queries(pinned) as captured:
            rows = _rows(api, path)
        assert len(rows) == total
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_customer_search_in_one_organization_looks_past_the_others_matches(acme, api_as):
    for n in range(21):
        CustomerFactory(
            tenant=acme.tenant, organization=acme.other_org, full_name=f"Ana Marta {n:02}"
        )
    CustomerFactory(
        tenant=acme.tenant, organization=acme.org, full_name="Zoe Marta", email="zoe@acme.test"
    )
    api = api_as(acme.engineer, host=acme.host)
    found = api.get(f"/api/v1/customers/?q=marta&organization={acme.org.pk}").json()
    assert [row["email"] for row in found["results"]] == ["zoe@acme.test"]
