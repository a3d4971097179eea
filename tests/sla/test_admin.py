"""Tenant admins edit calendars and plan matrices in Django admin, for their tenant only."""

from datetime import date, time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sla.models import BusinessCalendar, Holiday, SlaTarget, WeeklyInterval
from tests.factories import SuperuserFactory

from .factories import BusinessCalendarFactory, PlanFactory, plan_with_matrix

pytestmark = pytest.mark.django_db

FR, RES = "first_response", "resolution"


def client_for(world, user=None):
    client = Client(HTTP_HOST=world.host)
    client.force_login(user or world.tenant_admin)
    return client


def matrix_url(plan):
    return f"/admin/sla/supportplan/{plan.pk}/matrix/"


def matrix_post(calendar, cells=None, examples=False, **overrides):
    data = {"calendar": calendar.pk if calendar else ""}
    if examples:
        data["targets_are_examples"] = "on"
    for priority in ("P1", "P2", "P3", "P4"):
        data[f"cell_{priority}_{FR}"] = "8 business hours"
        data[f"cell_{priority}_{RES}"] = "N/A"
    data.update(cells or {})
    data.update(overrides)
    return data


def labels(plan):
    return {(t.priority, t.metric): t.label for t in SlaTarget.objects.filter(plan=plan)}


@pytest.fixture
def acme_plan(acme):
    return plan_with_matrix(
        tenant=acme.tenant,
        name="Gold",
        cells={("P1", FR): "1 hour (24/7)", ("P1", RES): "7 business days"},
    )


def test_matrix_shows_every_cell_as_people_write_it(acme, acme_plan):
    page = client_for(acme).get(matrix_url(acme_plan))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="1 hour (24/7)"' in html
    assert 'value="7 business days"' in html
    assert html.count('value="N/A"') == 6  # cells never set are N/A
    assert "P1 – Critical: first response" in html  # every input has a label
    assert "csrfmiddlewaretoken" in html


def test_tenant_admin_edits_the_whole_matrix_in_one_form(acme, acme_plan):
    calendar = acme_plan.calendar
    response = client_for(acme).post(
        matrix_url(acme_plan),
        matrix_post(
            calendar,
            {
                f"cell_P1_{FR}": "30 min 24/7",
                f"cell_P1_{RES}": "4 h 24/7",
                f"cell_P2_{FR}": "2 bh",
                f"cell_P2_{RES}": "2 business days",
            },
        ),
        follow=True,
    )
    assert response.status_code == 200
    assert "Saved the SLA matrix of Gold" in response.content.decode()
    assert labels(acme_plan) == {
        ("P1", FR): "30 minutes (24/7)",
        ("P1", RES): "4 hours (24/7)",
        ("P2", FR): "2 business hours",
        ("P2", RES): "2 business days",
        ("P3", FR): "8 business hours",
        ("P3", RES): "N/A",
        ("P4", FR): "8 business hours",
        ("P4", RES): "N/A",
    }
    assert all(t.tenant_id == acme.tenant.pk for t in SlaTarget.objects.filter(plan=acme_plan))


def test_unreadable_cells_are_refused_and_keep_what_was_typed(acme, acme_plan):
    before = labels(acme_plan)
    response = client_for(acme).post(
        matrix_url(acme_plan),
        matrix_post(acme_plan.calendar, {f"cell_P2_{FR}": "2 hours", f"cell_P3_{RES}": "soonish"}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say which clock “2 hours” runs on" in html
    assert "is not a target we can read" in html
    assert 'value="2 hours"' in html and 'value="soonish"' in html
    assert 'aria-invalid="true"' in html
    assert labels(acme_plan) == before


def test_business_hours_need_a_calendar(acme, acme_plan):
    response = client_for(acme).post(matrix_url(acme_plan), matrix_post(None))
    assert "Business-hours targets need a business calendar" in response.content.decode()
    acme_plan.refresh_from_db()
    assert acme_plan.calendar is not None


def test_matrix_offers_only_the_tenants_own_calendars(two_tenants, acme_plan):
    acme, globex = two_tenants
    theirs = BusinessCalendarFactory(tenant=globex.tenant, name="Globex hours")
    html = client_for(acme).get(matrix_url(acme_plan)).content.decode()
    assert "Globex hours" not in html
    response = client_for(acme).post(matrix_url(acme_plan), matrix_post(theirs))
    assert "Select a valid choice" in response.content.decode()
    acme_plan.refresh_from_db()
    assert acme_plan.calendar_id != theirs.pk


def test_example_values_are_flagged_as_a_warning(acme, acme_plan):
    client = client_for(acme)
    client.post(matrix_url(acme_plan), matrix_post(acme_plan.calendar, examples=True))
    acme_plan.refresh_from_db()
    assert acme_plan.targets_are_examples
    assert "Example values." in client.get(matrix_url(acme_plan)).content.decode()
    change = client.get(f"/admin/sla/supportplan/{acme_plan.pk}/change/").content.decode()
    assert "Example values." in change and "Edit SLA matrix" in change


def test_another_tenants_admin_gets_404(two_tenants, acme_plan):
    _, globex = two_tenants
    client = client_for(globex)
    assert client.get(matrix_url(acme_plan)).status_code == 404
    before = labels(acme_plan)
    assert client.post(matrix_url(acme_plan), matrix_post(None)).status_code == 404
    assert labels(acme_plan) == before
    calendar = acme_plan.calendar
    assert (
        client.get(f"/admin/sla/businesscalendar/{calendar.pk}/import-holidays/").status_code == 404
    )
    listing = client.get("/admin/sla/supportplan/").content.decode()
    assert "Gold" not in listing
    change = client.get(f"/admin/sla/businesscalendar/{calendar.pk}/change/", follow=True)
    assert calendar.name not in change.content.decode()


@pytest.mark.parametrize(
    "role", ["customer", "org_admin", "other_org_customer", "engineer", "manager"]
)
def test_people_other_than_tenant_admins_cannot_open_the_matrix(acme, acme_plan, role):
    response = client_for(acme, getattr(acme, role)).get(matrix_url(acme_plan), follow=True)
    assert response.status_code == 403
    assert "1 hour (24/7)" not in response.content.decode()


def test_superuser_edits_any_tenants_matrix_on_the_platform_host(acme, acme_plan):
    client = Client(HTTP_HOST="localhost")
    client.force_login(SuperuserFactory(email="root@platform.test"))
    response = client.post(
        matrix_url(acme_plan), matrix_post(acme_plan.calendar, {f"cell_P4_{RES}": "15 bd"})
    )
    assert response.status_code == 302
    assert labels(acme_plan)[("P4", RES)] == "15 business days"


def test_calendar_with_hours_and_holidays_in_one_page(acme):
    client = client_for(acme)
    data = {
        "name": "Support hours",
        "time_zone": "America/Los_Angeles",
        "business_day_minutes": "480",
        "intervals-TOTAL_FORMS": "2",
        "intervals-INITIAL_FORMS": "0",
        "intervals-0-weekday": "0",
        "intervals-0-start": "08:00",
        "intervals-0-end": "12:00",
        "intervals-1-weekday": "0",
        "intervals-1-start": "13:00",
        "intervals-1-end": "17:00",
        "holidays-TOTAL_FORMS": "1",
        "holidays-INITIAL_FORMS": "0",
        "holidays-0-date": "2026-12-24",
        "holidays-0-name": "Christmas Eve",
    }
    response = client.post("/admin/sla/businesscalendar/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar = BusinessCalendar.objects.get(name="Support hours")
    assert calendar.tenant == acme.tenant
    assert set(
        WeeklyInterval.objects.filter(calendar=calendar).values_list("tenant_id", "start")
    ) == {
        (acme.tenant.pk, time(8)),
        (acme.tenant.pk, time(13)),
    }
    assert Holiday.objects.get(calendar=calendar).tenant == acme.tenant


@pytest.mark.parametrize(
    "intervals,message",
    [
        (
            [("0", "08:00", "12:00"), ("0", "11:00", "17:00")],
            "Mon 08:00–12:00 overlaps 11:00–17:00",
        ),
        ([("2", "17:00", "08:00")], "The start must be before the end"),
        ([], "Add at least one opening interval"),
    ],
)
def test_calendar_hours_are_validated_together(acme, intervals, message):
    data = {
        "name": "Bad hours",
        "time_zone": "America/Los_Angeles",
        "business_day_minutes": "480",
        "intervals-TOTAL_FORMS": str(len(intervals)),
        "intervals-INITIAL_FORMS": "0",
        "holidays-TOTAL_FORMS": "0",
        "holidays-INITIAL_FORMS": "0",
    }
    for i, (weekday, start, end) in enumerate(intervals):
        data.update(
            {
                f"intervals-{i}-weekday": weekday,
                f"intervals-{i}-start": start,
                f"intervals-{i}-end": end,
            }
        )
    response = client_for(acme).post("/admin/sla/businesscalendar/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="Bad hours"' in response.content.decode()
    assert not BusinessCalendar.objects.filter(name="Bad hours").exists()


def test_a_24_7_calendar_has_no_hours_or_holidays(acme):
    data = {
        "name": "Round the clock",
        "time_zone": "UTC",
        "business_day_minutes": "1440",
        "always_open": "on",
        "intervals-TOTAL_FORMS": "1",
        "intervals-INITIAL_FORMS": "0",
        "intervals-0-weekday": "0",
        "intervals-0-start": "08:00",
        "intervals-0-end": "17:00",
        "holidays-TOTAL_FORMS": "1",
        "holidays-INITIAL_FORMS": "0",
        "holidays-0-date": "2026-12-25",
        "holidays-0-name": "Christmas",
    }
    html = client_for(acme).post("/admin/sla/businesscalendar/add/", data).content.decode()
    assert "A 24/7 calendar is always open: remove its opening hours" in html
    assert "A 24/7 calendar never closes: remove its holidays" in html
    assert not BusinessCalendar.objects.filter(name="Round the clock").exists()


def test_calendar_names_are_unique_per_tenant_only(two_tenants):
    acme, globex = two_tenants
    BusinessCalendarFactory(tenant=acme.tenant, name="Office")
    data = {
        "name": "Office",
        "time_zone": "UTC",
        "business_day_minutes": "480",
        "always_open": "on",
        "intervals-TOTAL_FORMS": "0",
        "intervals-INITIAL_FORMS": "0",
        "holidays-TOTAL_FORMS": "0",
        "holidays-INITIAL_FORMS": "0",
    }
    clash = client_for(acme).post("/admin/sla/businesscalendar/add/", data)
    assert "Another business calendar has this name." in clash.content.decode()
    assert client_for(globex).post("/admin/sla/businesscalendar/add/", data).status_code == 302


def test_import_public_holidays(acme):
    calendar = BusinessCalendarFactory(tenant=acme.tenant)
    Holiday.objects.create(
        tenant=acme.tenant, calendar=calendar, date=date(2026, 11, 26), name="Turkey day"
    )
    client = client_for(acme)
    url = f"/admin/sla/businesscalendar/{calendar.pk}/import-holidays/"
    assert "United States (US)" in client.get(url).content.decode()
    response = client.post(
        url,
        {"country": "US", "subdivision": "", "first_year": "2026", "last_year": "2026"},
        follow=True,
    )
    assert "Imported 11 holidays" in response.content.decode()
    days = dict(Holiday.objects.filter(calendar=calendar).values_list("date", "name"))
    assert days[date(2026, 7, 3)] == "Independence Day (observed)"
    assert days[date(2026, 11, 26)] == "Turkey day"  # a hand-named day keeps its name
    assert len(days) == 12
    assert all(h.tenant_id == acme.tenant.pk for h in Holiday.objects.filter(calendar=calendar))


def test_import_refuses_an_unknown_subdivision_and_keeps_the_form(acme):
    calendar = BusinessCalendarFactory(tenant=acme.tenant)
    url = f"/admin/sla/businesscalendar/{calendar.pk}/import-holidays/"
    response = client_for(acme).post(
        url, {"country": "US", "subdivision": "ZZ", "first_year": "2026", "last_year": "2030"}
    )
    html = response.content.decode()
    assert "US has no subdivision “ZZ”" in html
    assert 'value="ZZ"' in html and 'value="2030"' in html
    assert not Holiday.objects.filter(calendar=calendar).exists()


def _changelist_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/admin/sla/businesscalendar/", "/admin/sla/supportplan/"])
def test_changelists_cost_the_same_queries_for_one_or_many_rows(acme, url):
    client = client_for(acme)
    BusinessCalendarFactory(tenant=acme.tenant)
    PlanFactory(tenant=acme.tenant, calendar=BusinessCalendar.objects.first())
    _changelist_queries(client, url)  # warm the per-process caches (tenant host, content types)
    few = _changelist_queries(client, url)
    for _ in range(4):
        calendar = BusinessCalendarFactory(tenant=acme.tenant)
        PlanFactory(tenant=acme.tenant, calendar=calendar)
    assert _changelist_queries(client, url) == few


def test_admin_sets_which_targets_pause_during_declared_maintenance(acme, acme_plan):
    client = client_for(acme)
    page = client.get(matrix_url(acme_plan)).content.decode()
    assert "Pause during declared maintenance (P1 – Critical, resolution)" in page
    client.post(
        matrix_url(acme_plan),
        matrix_post(acme_plan.calendar, {f"pause_P1_{RES}": "on", f"cell_P1_{RES}": "7 bd"}),
    )
    paused = {
        (t.priority, t.metric): t.pause_during_maintenance
        for t in SlaTarget.objects.filter(plan=acme_plan)
    }
    assert paused[("P1", RES)] is True
    assert not any(value for cell, value in paused.items() if cell != ("P1", RES))
    page = client.get(matrix_url(acme_plan)).content.decode()
    assert f'id="id_pause_P1_{RES}" aria-label' in page and "checked" in page
    # Unticking it gives the target back its running clock, and keeps the old term as a
    # revision for the tickets opened under it.
    client.post(matrix_url(acme_plan), matrix_post(acme_plan.calendar, {f"cell_P1_{RES}": "7 bd"}))
    assert not SlaTarget.objects.get(
        plan=acme_plan, priority="P1", metric=RES
    ).pause_during_maintenance
    assert acme_plan.revisions.exists()
