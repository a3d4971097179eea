"""Tenant admins keep the on-call rota in Django admin: who is paged for a P1 outside
business hours, for their own help desk only."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from escalation.models import OnCallShift
from tests.factories import EngineerFactory

from .factories import shift

pytestmark = pytest.mark.django_db

SHIFTS = "/admin/escalation/oncallshift/"


def client_for(world):
    client = Client(HTTP_HOST=world.host)
    client.force_login(world.tenant_admin)
    return client


def test_rota_lists_shifts_and_marks_who_is_on_call_now(two_tenants):
    acme, globex = two_tenants
    now = timezone.now()
    shift(acme.tenant, acme.engineer, now - timedelta(days=1), now + timedelta(days=6), "Week 1")
    shift(acme.tenant, acme.manager, now + timedelta(days=6), now + timedelta(days=13), "Week 2")
    shift(acme.tenant, acme.manager, now - timedelta(days=8), now - timedelta(days=1), "Week 0")
    shift(globex.tenant, globex.engineer, now, now + timedelta(days=1), "Globex week")
    client = client_for(acme)
    page = client.get(SHIFTS).content.decode()
    assert "Week 0" in page and "Week 1" in page and "Week 2" in page
    assert "Globex week" not in page
    assert page.count('alt="True"') == 1  # only the current shift is on call now

    upcoming = client.get(SHIFTS, {"when": "upcoming"}).content.decode()
    assert "Week 2" in upcoming and "Week 1" not in upcoming and "Week 0" not in upcoming
    past = client.get(SHIFTS, {"when": "past"}).content.decode()
    assert "Week 0" in past and "Week 1" not in past
    current = client.get(SHIFTS, {"when": "now"}).content.decode()
    assert "Week 1" in current and "Week 2" not in current


def test_rota_offers_the_tenants_active_staff_only(two_tenants):
    acme, globex = two_tenants
    gone = EngineerFactory(tenant=acme.tenant, full_name="Gone Engineer", is_active=False)
    page = client_for(acme).get(f"{SHIFTS}add/").content.decode()
    assert acme.engineer.full_name in page and acme.manager.full_name in page
    for outsider in (acme.customer, globex.engineer, gone):
        assert outsider.full_name not in page

    response = client_for(acme).post(
        f"{SHIFTS}add/",
        {
            "user": globex.engineer.pk,
            "starts_at_0": "2026-11-23",
            "starts_at_1": "08:00",
            "ends_at_0": "2026-11-30",
            "ends_at_1": "08:00",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not OnCallShift.objects.exists()


def test_a_shift_must_end_after_it_starts(acme):
    data = {
        "user": acme.engineer.pk,
        "starts_at_0": "2026-11-30",
        "starts_at_1": "08:00",
        "ends_at_0": "2026-11-23",
        "ends_at_1": "08:00",
        "note": "Backwards",
    }
    response = client_for(acme).post(f"{SHIFTS}add/", data)
    assert response.status_code == 200
    assert "The shift must end after it starts." in response.content.decode()
    assert not OnCallShift.objects.exists()

    data["ends_at_0"] = "2026-12-07"
    assert client_for(acme).post(f"{SHIFTS}add/", data).status_code == 302
    saved = OnCallShift.objects.get()
    assert saved.tenant == acme.tenant and saved.user == acme.engineer


def test_another_tenants_shift_is_not_reachable(two_tenants):
    acme, globex = two_tenants
    now = timezone.now()
    theirs = shift(globex.tenant, globex.engineer, now, now + timedelta(days=7), "Globex week")
    response = client_for(acme).get(f"{SHIFTS}{theirs.pk}/change/", follow=True)
    assert "Globex week" not in response.content.decode()
    client_for(acme).post(f"{SHIFTS}{theirs.pk}/delete/", {"post": "yes"})
    assert OnCallShift.objects.filter(pk=theirs.pk).exists()
