"""Writes: plan matrices, calendar hours, holiday import, and the plans' side of a recompute."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from sla import services
from sla.models import Holiday, SlaTarget, WeeklyInterval
from sla.targets import parse_target
from tickets.services.sla import sla_recompute_open_tickets

from .factories import BusinessCalendarFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_matrix_refuses_a_calendar_of_another_tenant(two_tenants):
    acme, globex = two_tenants
    plan = PlanFactory(tenant=acme.tenant)
    theirs = BusinessCalendarFactory(tenant=globex.tenant)
    with pytest.raises(ValidationError, match="own help desk"):
        services.plan_set_matrix(
            plan=plan, calendar=theirs, cells={("P1", "first_response"): parse_target("2 bh")}
        )
    assert not SlaTarget.objects.filter(plan=plan).exists()


def test_matrix_counts_only_changed_cells(acme):
    plan = PlanFactory(tenant=acme.tenant)
    calendar = BusinessCalendarFactory(tenant=acme.tenant)
    cells = {
        ("P1", "first_response"): parse_target("2 bh"),
        ("P1", "resolution"): parse_target("N/A"),
    }
    assert services.plan_set_matrix(plan=plan, calendar=calendar, cells=cells) == 2
    assert services.plan_set_matrix(plan=plan, calendar=calendar, cells=cells) == 0
    cells[("P1", "resolution")] = parse_target("3 bd")
    assert services.plan_set_matrix(plan=plan, calendar=calendar, cells=cells) == 1


def test_calendar_hours_are_replaced_keeping_unchanged_rows(acme):
    calendar = BusinessCalendarFactory(tenant=acme.tenant)  # Mon–Fri 08–17
    monday = WeeklyInterval.objects.get(calendar=calendar, weekday=0)
    services.calendar_set_hours(
        calendar=calendar, intervals=[(0, time(8), time(17)), (5, time(10), time(14))]
    )
    rows = list(WeeklyInterval.objects.filter(calendar=calendar).values_list("pk", "weekday"))
    assert (monday.pk, 0) in rows and len(rows) == 2
    with pytest.raises(ValidationError, match="overlaps"):
        services.calendar_set_hours(
            calendar=calendar, intervals=[(0, time(8), time(12)), (0, time(11), time(13))]
        )


def test_holiday_import_adds_observed_dates_once(acme):
    calendar = BusinessCalendarFactory(tenant=acme.tenant)
    first = services.calendar_import_holidays(calendar=calendar, country="co", years=[2026])
    again = services.calendar_import_holidays(calendar=calendar, country="CO", years=[2026])
    assert first.created == 19 and again.created == 0 and again.unchanged == 19
    # Colombia moves Epiphany (6 Jan 2026, a Tuesday) to Monday 12 January.
    assert Holiday.objects.filter(calendar=calendar, date=date(2026, 1, 12)).exists()
    with pytest.raises(ValidationError, match="No holiday list"):
        services.calendar_import_holidays(calendar=calendar, country="XX", years=[2026])


def test_recompute_refuses_another_tenants_plan(two_tenants):
    acme, globex = two_tenants
    plan = PlanFactory(tenant=acme.tenant)
    with pytest.raises(ValidationError, match="another help desk"):
        sla_recompute_open_tickets(tenant=globex.tenant, plan=plan)
