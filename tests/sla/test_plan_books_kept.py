"""Plan books are kept in each process between requests, and never outlive a change."""

from datetime import time

import pytest
from django.core.cache import cache

from helpdesk import tenant_data
from sla.engine import FIRST_RESPONSE
from sla.models import SlaTarget
from sla.selectors import plan_book_for, plan_books_for_tenant
from sla.services import calendar_set_hours, plan_set_matrix
from sla.targets import parse_target

from .factories import plan_with_matrix

pytestmark = pytest.mark.django_db


def amount(tenant, plan):
    return plan_book_for(tenant=tenant, plan=plan).rule("P1", FIRST_RESPONSE).spec.amount


def test_books_load_once_then_cost_no_query(acme, django_assert_num_queries):
    plan = plan_with_matrix(tenant=acme.tenant, cells={("P1", FIRST_RESPONSE): "2 bh"})
    plan_books_for_tenant(tenant=acme.tenant)
    with django_assert_num_queries(0):
        assert amount(acme.tenant, plan) == 2
        plan_books_for_tenant(tenant=acme.tenant)


def test_a_matrix_saved_shows_at_once(acme):
    plan = plan_with_matrix(tenant=acme.tenant, cells={("P1", FIRST_RESPONSE): "2 bh"})
    assert amount(acme.tenant, plan) == 2
    plan_set_matrix(
        plan=plan, calendar=plan.calendar, cells={("P1", FIRST_RESPONSE): parse_target("3 bh")}
    )
    assert amount(acme.tenant, plan) == 3


def test_a_row_edited_outside_the_services_shows_too(acme):
    plan = plan_with_matrix(tenant=acme.tenant, cells={("P1", FIRST_RESPONSE): "2 bh"})
    assert amount(acme.tenant, plan) == 2
    target = SlaTarget.objects.get(plan=plan, priority="P1", metric=FIRST_RESPONSE)
    target.amount = 5
    target.save()
    assert amount(acme.tenant, plan) == 5


def test_calendar_hours_replaced_in_bulk_show_at_once(acme):
    plan = plan_with_matrix(tenant=acme.tenant, cells={("P1", FIRST_RESPONSE): "2 bh"})
    before = plan_book_for(tenant=acme.tenant, plan=plan).calendar
    calendar_set_hours(calendar=plan.calendar, intervals=[(0, time(10), time(12))])
    after = plan_book_for(tenant=acme.tenant, plan=plan).calendar
    assert after != before
    assert after.weekly[0] == ((10 * 3600, 12 * 3600),)


def test_another_process_change_reloads_on_the_next_read(acme):
    plan = plan_with_matrix(tenant=acme.tenant, cells={("P1", FIRST_RESPONSE): "2 bh"})
    assert amount(acme.tenant, plan) == 2
    # Another process changes the row and, once committed, drops the tenant's token; this
    # process still holds the old books in memory.
    SlaTarget.objects.filter(plan=plan, priority="P1").update(amount=7)
    assert amount(acme.tenant, plan) == 2
    cache.delete(tenant_data.TOKEN_KEY.format(tenant_id=acme.tenant.pk))
    assert amount(acme.tenant, plan) == 7


def test_kept_books_expire_even_without_a_change_signal(acme, monkeypatch):
    plan = plan_with_matrix(tenant=acme.tenant, cells={("P1", FIRST_RESPONSE): "2 bh"})
    assert amount(acme.tenant, plan) == 2
    SlaTarget.objects.filter(plan=plan, priority="P1").update(amount=4)
    monkeypatch.setattr(tenant_data, "MAX_AGE", 0.0)
    assert amount(acme.tenant, plan) == 4


def test_books_are_kept_per_tenant(acme, globex):
    mine = plan_with_matrix(tenant=acme.tenant, cells={("P1", FIRST_RESPONSE): "2 bh"})
    theirs = plan_with_matrix(tenant=globex.tenant, cells={("P1", FIRST_RESPONSE): "9 bh"})
    assert amount(acme.tenant, mine) == 2
    assert amount(globex.tenant, theirs) == 9
    assert plan_book_for(tenant=acme.tenant, plan=theirs) is None
    assert plan_book_for(tenant=globex.tenant, plan=mine) is None
