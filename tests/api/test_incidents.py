"""Incidents in the API: staff read all of their help desk's, customers what the public
status page shows them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tickets.models import ComponentStatus, Incident, IncidentKind, IncidentStatus
from tickets.status.services import incident_create, incident_update_post

from ..tickets.factories import ComponentFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = ["customer", "org_admin", "other_org_customer"]
STAFF = ["engineer", "manager", "tenant_admin"]


def _declare(world, components, title, **extra):
    return incident_create(
        tenant=world.tenant,
        actor=world.manager,
        title=title,
        body=f"We are looking into {title.lower()}.",
        affected=dict.fromkeys(components, ComponentStatus.MAJOR_OUTAGE),
        notify=False,
        **extra,
    )


def _post(world, incident, status, body):
    return incident_update_post(
        incident=incident, actor=world.manager, status=status, body=body, notify=False
    )


@pytest.fixture
def board(two_tenants):
    acme, globex = two_tenants
    calls = ComponentFactory(tenant=acme.tenant, name="Call tracking", slug="calls", position=1)
    internal = ComponentFactory(
        tenant=acme.tenant, name="Internal ETL", slug="etl", is_public=False, position=2
    )
    other = ComponentFactory(tenant=globex.tenant, name="Globex mail", slug="mail")
    now = timezone.now()
    public = _declare(acme, [calls], "Calls are not tracked", impact="major")
    mixed = _declare(acme, [calls, internal], "Calls and ETL are slow")
    private = _declare(acme, [internal], "ETL backlog")
    draft = _declare(acme, [calls], "Draft about calls")
    Incident.objects.filter(pk=draft.pk).update(published_at=None)
    window = incident_create(
        tenant=acme.tenant,
        actor=acme.manager,
        kind=IncidentKind.MAINTENANCE,
        title="Database upgrade",
        body="We upgrade the database.",
        affected={calls: ComponentStatus.MAINTENANCE},
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=2),
        notify=False,
    )
    resolved = _declare(acme, [calls], "Calls dropped yesterday")
    _post(acme, resolved, IncidentStatus.RESOLVED, "Fixed.")
    foreign = _declare(globex, [other], "Globex mail is slow")
    return {
        "acme": acme,
        "globex": globex,
        "public": public,
        "mixed": mixed,
        "private": private,
        "draft": draft,
        "window": window,
        "resolved": resolved,
        "foreign": foreign,
    }


def _titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


PUBLIC_TITLES = {
    "Calls are not tracked",
    "Calls and ETL are slow",
    "Database upgrade",
    "Calls dropped yesterday",
}


@pytest.mark.parametrize("role", CUSTOMERS)
def test_customers_list_what_the_status_page_shows(board, api_as, role):
    acme = board["acme"]
    api = api_as(getattr(acme, role), host=acme.host)
    assert _titles(api.get("/api/v1/incidents/")) == PUBLIC_TITLES
    rows = {row["title"]: row for row in api.get("/api/v1/incidents/").json()["results"]}
    # The private component of a mixed incident is not named to customers.
    assert [c["slug"] for c in rows["Calls and ETL are slow"]["components"]] == ["calls"]


@pytest.mark.parametrize("role", CUSTOMERS)
def test_customers_do_not_find_private_or_draft_incidents(board, api_as, role):
    acme = board["acme"]
    api = api_as(getattr(acme, role), host=acme.host)
    for name in ("private", "draft", "foreign"):
        response = api.get(f"/api/v1/incidents/{board[name].pk}/")
        assert response.status_code == 404, name
        assert "title" not in response.json()
    assert api.get(f"/api/v1/incidents/{board['public'].pk}/").status_code == 200


@pytest.mark.parametrize("role", STAFF)
def test_staff_list_every_incident_of_their_help_desk(board, api_as, role):
    acme = board["acme"]
    api = api_as(getattr(acme, role), host=acme.host)
    assert _titles(api.get("/api/v1/incidents/")) == PUBLIC_TITLES | {
        "ETL backlog",
        "Draft about calls",
    }
    for name in ("private", "draft", "mixed"):
        assert api.get(f"/api/v1/incidents/{board[name].pk}/").status_code == 200
    mixed = api.get(f"/api/v1/incidents/{board['mixed'].pk}/").json()
    assert [c["slug"] for c in mixed["components"]] == ["calls", "etl"]
    draft = api.get(f"/api/v1/incidents/{board['draft'].pk}/").json()
    assert draft["published_at"] is None and draft["url"] is None


def test_an_incident_reads_with_components_and_updates(board, api_as):
    acme, resolved = board["acme"], board["resolved"]
    body = api_as(acme.customer, host=acme.host).get(f"/api/v1/incidents/{resolved.pk}/").json()
    assert body["kind"] == "incident"
    assert body["status"] == "resolved"
    assert body["impact"] == "minor"
    assert body["components"] == [
        {"name": "Call tracking", "slug": "calls", "state": "major_outage"}
    ]
    assert [(u["status"], u["body"]) for u in body["updates"]] == [
        ("resolved", "Fixed."),
        ("investigating", "We are looking into calls dropped yesterday."),
    ]
    assert "<p>Fixed.</p>" in body["updates"][0]["body_html"]
    assert body["resolved_at"] is not None
    assert body["url"] == f"http://acme.localhost/status/incidents/{resolved.pk}/"
    window = api_as(acme.customer, host=acme.host).get(f"/api/v1/incidents/{board['window'].pk}/")
    window = window.json()
    assert window["kind"] == "maintenance"
    assert window["status"] == "scheduled"
    assert window["starts_at"] and window["ends_at"] and window["resolved_at"] is None


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("status=resolved", {"Calls dropped yesterday"}),
        ("status=ended", {"Calls dropped yesterday"}),
        ("status=scheduled", {"Database upgrade"}),
        ("kind=maintenance", {"Database upgrade"}),
        (
            "status=open",
            {"Calls are not tracked", "Calls and ETL are slow", "Database upgrade"},
        ),
    ],
)
def test_customers_filter_by_status_and_kind(board, api_as, query, titles):
    acme = board["acme"]
    api = api_as(acme.customer, host=acme.host)
    assert _titles(api.get(f"/api/v1/incidents/?{query}")) == titles


def test_an_unknown_status_says_which_there_are(board, api_as):
    acme = board["acme"]
    response = api_as(acme.engineer, host=acme.host).get("/api/v1/incidents/?status=burning")
    assert response.status_code == 400
    assert "investigating" in response.json()["status"][0]


def test_another_tenants_incidents_stay_there(board, api_as):
    acme, globex = board["acme"], board["globex"]
    for person in (globex.customer, globex.engineer):
        refused = api_as(person, host=acme.host)
        assert refused.get("/api/v1/incidents/").status_code == 401
        assert refused.get(f"/api/v1/incidents/{board['public'].pk}/").status_code == 401
        theirs = api_as(person, host=globex.host)
        assert _titles(theirs.get("/api/v1/incidents/")) == {"Globex mail is slow"}
        for name in ("public", "private", "draft"):
            assert theirs.get(f"/api/v1/incidents/{board[name].pk}/").status_code == 404
    ours = api_as(acme.engineer, host=acme.host)
    assert ours.get(f"/api/v1/incidents/{board['foreign'].pk}/").status_code == 404


def test_incidents_come_a_page_at_a_time(board, api_as):
    acme = board["acme"]
    api = api_as(acme.engineer, host=acme.host)
    seen, url = [], "/api/v1/incidents/?page_size=2"
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 6
    assert seen == sorted(seen, reverse=True)  # declared one after the other: newest first


@pytest.mark.parametrize(("role", "pinned"), [("engineer", 4), ("customer", 4)])
def test_the_list_costs_the_same_queries_for_2_rows_as_for_10(
    acme, api_as, django_assert_num_queries, role, pinned
):
    calls = ComponentFactory(tenant=acme.tenant, name="Call tracking", slug="calls")
    api = api_as(getattr(acme, role), host=acme.host)
    api.get("/api/v1/incidents/")  # the token's first use is recorded once
    counts = []
    for total in (2, 10):
        while Incident.objects.filter(tenant=acme.tenant).count() < total:
            incident = _declare(acme, [calls], "Calls are slow")
            _post(acme, incident, IncidentStatus.IDENTIFIED, "Found it.")
        # An incident's change makes each process read the tenant's kept rows again once.
        api.get("/api/v1/incidents/")
        # Token, the page, its updates, its components.
        with django_assert_num_queries(pinned) as captured:
            response = api.get("/api/v1/incidents/")
        assert len(response.json()["results"]) == total
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
