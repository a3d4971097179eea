"""SLA rollups count per local day of the tenant: a new time zone recounts them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.services import tenant_admin_save
from tickets.models import RollupDimension, SlaRollup
from tickets.services import ticket_reply

from .conftest import open_ticket
from .test_sla_on_tickets import at, planned  # noqa: F401

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def _days(tenant):
    return sorted(
        SlaRollup.objects.for_tenant(tenant)
        .filter(dimension=RollupDimension.ALL, targets__gt=0)
        .values_list("day", "metric", "targets")
    )


def test_changing_the_time_zone_moves_outcomes_to_their_local_day(
    planned,  # noqa: F811
    ticket_type,
    django_capture_on_commit_callbacks,
):
    tenant = planned.tenant
    tenant.time_zone = "UTC"
    tenant.save(update_fields=["time_zone"])
    # A P1 answered at 02:00 UTC on 10 Feb: 9 Feb in the evening in Los Angeles.
    with at(datetime(2026, 2, 10, 1, 30, tzinfo=UTC)):
        ticket = open_ticket(planned, ticket_type, priority="P1")
    with at(datetime(2026, 2, 10, 2, 0, tzinfo=UTC)):
        ticket_reply(ticket=ticket, actor=planned.engineer, body="On it.", base_url="http://x/")
    assert _days(tenant) == [(datetime(2026, 2, 10).date(), "first_response", 1)]

    tenant.time_zone = "America/Los_Angeles"
    with django_capture_on_commit_callbacks(execute=True):
        tenant_admin_save(tenant=tenant)

    assert _days(tenant) == [(datetime(2026, 2, 9).date(), "first_response", 1)]
