"""Loading plan books for the engine: a handful of queries, never another tenant's rows."""

from datetime import UTC, date, datetime

import pytest

from sla.engine import FIRST_RESPONSE, RESOLUTION, TicketClockFacts, evaluate
from sla.models import Holiday
from sla.selectors import plan_book_for, plan_books_for_tenant

from .factories import BusinessCalendarFactory, PlanFactory, plan_with_matrix

pytestmark = pytest.mark.django_db


def test_plan_book_carries_the_matrix_with_its_calendar(acme):
    calendar = BusinessCalendarFactory(tenant=acme.tenant, name="Office hours")
    Holiday.objects.create(tenant=acme.tenant, calendar=calendar, date=date(2026, 2, 16))
    plan = plan_with_matrix(
        tenant=acme.tenant,
        calendar=calendar,
        name="Premium",
        cells={
            ("P2", FIRST_RESPONSE): "4 business hours",
            ("P2", RESOLUTION): "10 business days",
            ("P1", FIRST_RESPONSE): "1 hour (24/7)",
            ("P3", RESOLUTION): "N/A",
        },
    )
    book = plan_book_for(tenant=acme.tenant, plan=plan)
    assert book.plan_name == "Premium"
    rule = book.rule("P2", RESOLUTION)
    assert rule.calendar.tz == "America/Los_Angeles"
    assert rule.calendar_name == "Office hours"
    assert date(2026, 2, 16) in rule.calendar.holidays
    assert book.rule("P1", FIRST_RESPONSE).calendar.always_open
    assert book.rule("P3", RESOLUTION) is None
    assert book.rule("P4", FIRST_RESPONSE) is None
    opened = datetime(2026, 2, 2, 17, 0, tzinfo=UTC)  # Mon 09:00 PST
    status = evaluate(book, TicketClockFacts(opened, "P2", None), now=opened)
    assert status[RESOLUTION].due_at == datetime(2026, 2, 17, 17, 0, tzinfo=UTC)


def test_plan_book_by_id_and_for_no_plan(acme, django_assert_num_queries):
    plan = plan_with_matrix(tenant=acme.tenant, cells={("P1", FIRST_RESPONSE): "2 bh"})
    assert plan_book_for(tenant=acme.tenant, plan=None) is None
    with django_assert_num_queries(4):  # plan + calendar, targets, hours, holidays
        book = plan_book_for(tenant=acme.tenant, plan=plan.pk)
    assert book.rule("P1", FIRST_RESPONSE).spec.amount == 2


def test_another_tenants_plan_is_no_plan(two_tenants):
    acme, globex = two_tenants
    theirs = plan_with_matrix(tenant=globex.tenant, cells={("P1", FIRST_RESPONSE): "2 bh"})
    assert plan_book_for(tenant=acme.tenant, plan=theirs) is None
    assert plan_book_for(tenant=acme.tenant, plan=theirs.pk) is None


def test_books_for_a_tenant_cost_four_queries_whatever_the_number_of_plans(
    two_tenants, django_assert_num_queries
):
    acme, globex = two_tenants
    plans = [
        plan_with_matrix(tenant=acme.tenant, cells={("P1", FIRST_RESPONSE): f"{n} bh"})
        for n in range(1, 6)
    ]
    no_targets = PlanFactory(tenant=acme.tenant)
    plan_with_matrix(tenant=globex.tenant, cells={("P1", FIRST_RESPONSE): "9 bh"})
    with django_assert_num_queries(4):
        books = plan_books_for_tenant(tenant=acme.tenant)
    assert set(books) == {p.pk for p in plans} | {no_targets.pk}
    assert [books[p.pk].rule("P1", FIRST_RESPONSE).spec.amount for p in plans] == [1, 2, 3, 4, 5]
    assert books[no_targets.pk].rule("P1", FIRST_RESPONSE) is None


def test_business_targets_without_a_calendar_give_no_due_time(acme):
    plan = plan_with_matrix(tenant=acme.tenant, cells={("P1", FIRST_RESPONSE): "2 bh"})
    plan.calendar = None
    plan.save()
    book = plan_book_for(tenant=acme.tenant, plan=plan)
    assert book.rule("P1", FIRST_RESPONSE) is None
