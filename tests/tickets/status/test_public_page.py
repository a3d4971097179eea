"""The public status page: what visitors and staff see, the 90-day bars, feed, JSON, cache."""

import json
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tickets.models import ComponentStatus, ComponentStatusSpan, IncidentStatus
from tickets.status.selectors import uptime_rows
from tickets.status.services import incident_create, incident_update_post

from ..factories import ComponentFactory

pytestmark = pytest.mark.django_db(transaction=True)

ATOM = "{http://www.w3.org/2005/Atom}"


def _declare(world, components, title, status=ComponentStatus.MAJOR_OUTAGE):
    return incident_create(
        tenant=world.tenant,
        actor=world.manager,
        title=title,
        body=f"We are looking into {title.lower()}.",
        affected=dict.fromkeys(components, status),
        notify=False,
    )


@pytest.fixture
def page(two_tenants):
    acme, globex = two_tenants
    calls = ComponentFactory(tenant=acme.tenant, name="Call tracking", position=1)
    billing = ComponentFactory(tenant=acme.tenant, name="Billing", position=2)
    internal = ComponentFactory(tenant=acme.tenant, name="Internal ETL", is_public=False)
    other = ComponentFactory(tenant=globex.tenant, name="Globex mail")
    public_incident = _declare(acme, [calls], "Calls are not tracked")
    private_incident = _declare(acme, [internal], "ETL backlog")
    other_incident = _declare(globex, [other], "Globex mail is slow")
    return {
        "acme": acme,
        "globex": globex,
        "calls": calls,
        "billing": billing,
        "internal": internal,
        "public_incident": public_incident,
        "private_incident": private_incident,
        "other_incident": other_incident,
    }


def visitor(world, **headers):
    return Client(HTTP_HOST=world.host, **headers)


def staff(world):
    client = Client(HTTP_HOST=world.host)
    client.force_login(world.engineer)
    return client


def test_visitor_sees_public_components_and_incidents_only(page):
    response = visitor(page["acme"]).get("/status/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Call tracking" in html and "Billing" in html
    assert "Calls are not tracked" in html
    assert "Internal ETL" not in html and "ETL backlog" not in html
    assert "Globex" not in html
    assert "Major system outage" in html
    assert '<main id="main">' in html


def test_staff_see_private_components_and_their_incidents(page):
    html = staff(page["acme"]).get("/status/").content.decode()
    assert "Internal ETL" in html and "ETL backlog" in html
    assert "Globex" not in html


def test_all_operational_when_nothing_is_wrong(acme):
    ComponentFactory(tenant=acme.tenant, name="Call tracking")
    html = visitor(acme).get("/status/").content.decode()
    assert "All systems operational" in html


def test_spanish_page(page):
    html = visitor(page["acme"], HTTP_ACCEPT_LANGUAGE="es").get("/status/").content.decode()
    assert 'lang="es"' in html


def test_incident_page_and_404s(page):
    acme = page["acme"]
    incident = page["public_incident"]
    incident_update_post(
        incident=incident,
        actor=acme.manager,
        status=IncidentStatus.IDENTIFIED,
        body="A bad deploy.",
        notify=False,
    )
    response = visitor(acme).get(f"/status/incidents/{incident.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "A bad deploy." in html and "We are looking into calls are not tracked." in html
    assert visitor(acme).get("/status/incidents/999999/").status_code == 404
    other = page["other_incident"].pk
    assert visitor(acme).get(f"/status/incidents/{other}/").status_code == 404
    assert staff(acme).get(f"/status/incidents/{other}/").status_code == 404
    private = page["private_incident"].pk
    assert visitor(acme).get(f"/status/incidents/{private}/").status_code == 404
    assert staff(acme).get(f"/status/incidents/{private}/").status_code == 200


def test_resolved_incident_moves_to_past_and_history(page):
    acme = page["acme"]
    incident_update_post(
        incident=page["public_incident"],
        actor=acme.manager,
        status=IncidentStatus.RESOLVED,
        body="Fixed.",
        notify=False,
    )
    html = visitor(acme).get("/status/").content.decode()
    assert "All systems operational" in html
    past = html.split('id="past-heading"')[1]
    assert "Calls are not tracked" in past
    history = visitor(acme).get("/status/history/").content.decode()
    assert "Calls are not tracked" in history and "ETL backlog" not in history


def test_feed_is_atom_and_scoped(page):
    response = visitor(page["acme"]).get("/status/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert titles == ["Investigating: Calls are not tracked"]


def test_summary_json_is_scoped(page):
    response = visitor(page["acme"]).get("/status/summary.json")
    data = json.loads(response.content)
    assert data["page"]["name"] == "Acme"
    assert data["status"]["indicator"] == "critical"
    assert [c["name"] for c in data["components"]] == ["Call tracking", "Billing"]
    assert [i["name"] for i in data["incidents"]] == ["Calls are not tracked"]
    assert data["incidents"][0]["incident_updates"][0]["status"] == "investigating"
    staff_data = json.loads(staff(page["acme"]).get("/status/summary.json").content)
    assert {i["name"] for i in staff_data["incidents"]} == {"Calls are not tracked", "ETL backlog"}


def test_cached_view_runs_no_query_and_a_change_shows_at_once(page):
    acme = page["acme"]
    client = visitor(acme)
    # The host's tenant is read once, then kept in memory: an unknown incident (a 404,
    # never cached) reads it first, so the count below is the page's own.
    assert client.get("/status/incidents/999999/").status_code == 404
    with CaptureQueriesContext(connection) as uncached:
        client.get("/status/")
    with CaptureQueriesContext(connection) as cached:
        response = client.get("/status/")
    # Components, their spans, incidents, their updates and affected components.
    assert len(uncached) == 5
    assert len(cached) == 0
    assert "Calls are not tracked" in response.content.decode()
    assert "public" in response["Cache-Control"]
    assert "sessionid" not in response.cookies
    incident_update_post(
        incident=page["public_incident"],
        actor=acme.manager,
        status=IncidentStatus.RESOLVED,
        body="Fixed.",
        notify=False,
    )
    assert "All systems operational" in client.get("/status/").content.decode()


def test_staff_cache_is_apart_from_visitors(page):
    acme = page["acme"]
    staff(acme).get("/status/")  # fills the staff entry first
    assert "Internal ETL" not in visitor(acme).get("/status/").content.decode()
    signed_in = staff(acme)
    with CaptureQueriesContext(connection) as cached:
        signed_in.get("/status/")
    # The signed-in person's session and account only.
    assert len(cached) <= 2


def test_uptime_bars_from_spans_across_a_clock_change(acme):
    """Bogotá has no clock change; New York's autumn day 2026-11-01 lasts 25 hours."""
    acme.tenant.time_zone = "America/New_York"
    acme.tenant.save()
    component = ComponentFactory(tenant=acme.tenant, name="Call tracking")
    zone = timezone.get_fixed_timezone(-240)  # EDT at midnight of Nov 1
    day_start = datetime(2026, 11, 1, 0, 0, tzinfo=zone)
    day_end = datetime(2026, 11, 2, 5, 0, tzinfo=UTC)  # midnight EST
    assert (day_end - day_start) == timedelta(hours=25)
    outage_end = day_start + timedelta(hours=5)
    ComponentStatusSpan.objects.bulk_create(
        [
            ComponentStatusSpan(
                tenant=acme.tenant,
                component=component,
                status=ComponentStatus.OPERATIONAL,
                started_at=day_start - timedelta(days=3),
                ended_at=day_start,
            ),
            ComponentStatusSpan(
                tenant=acme.tenant,
                component=component,
                status=ComponentStatus.MAJOR_OUTAGE,
                started_at=day_start,
                ended_at=outage_end,
            ),
            ComponentStatusSpan(
                tenant=acme.tenant,
                component=component,
                status=ComponentStatus.OPERATIONAL,
                started_at=outage_end,
            ),
        ]
    )
    now = day_end + timedelta(days=1)  # end of Nov 2 local
    (row,) = uptime_rows(acme.tenant, [component], now=now)
    days = {day.day.isoformat(): day for day in row.days}
    assert len(row.days) == 90
    assert days["2026-11-01"].status == ComponentStatus.MAJOR_OUTAGE
    assert days["2026-11-01"].uptime == pytest.approx(100 * 20 / 25)
    assert days["2026-10-31"].uptime == 100.0
    assert days["2026-11-02"].status == ComponentStatus.OPERATIONAL
    assert days["2026-10-01"].uptime is None  # before the component's history
    covered_hours = 3 * 24 + 25 + 24
    assert row.uptime == pytest.approx(100 * (1 - 5 / covered_hours))


def test_bars_have_text_alternatives(acme):
    component = ComponentFactory(tenant=acme.tenant, name="Call tracking")
    ComponentStatusSpan.objects.create(
        tenant=acme.tenant,
        component=component,
        status=ComponentStatus.OPERATIONAL,
        started_at=timezone.now() - timedelta(days=2),
    )
    html = visitor(acme).get("/status/").content.decode()
    assert "Uptime of Call tracking over the last 90 days" in html
    assert html.count("100.00 % uptime") >= 3
    assert "No data" in html
