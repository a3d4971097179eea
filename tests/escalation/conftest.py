from contextlib import contextmanager
from datetime import UTC, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from tests.sla.factories import plan_with_matrix
from tests.tickets.conftest import _media, login, make_ticket, open_ticket, ticket_type  # noqa: F401

PACIFIC = ZoneInfo("America/Los_Angeles")


@contextmanager
def at(moment: datetime):
    """Run with ``timezone.now()`` at ``moment`` (a local or UTC datetime)."""
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(UTC)):
        yield moment.astimezone(UTC)


def pacific(*args) -> datetime:
    return datetime(*args, tzinfo=PACIFIC)


@pytest.fixture
def plan(acme):
    """Mon–Fri 8–17 Pacific; P1 first response 1 hour on the 24/7 clock, resolution 4 hours;
    P2 first response 2 business hours, resolution 1 business day."""
    plan = plan_with_matrix(
        tenant=acme.tenant,
        cells={
            ("P1", "first_response"): "1 hour (24/7)",
            ("P1", "resolution"): "4 hours (24/7)",
            ("P2", "first_response"): "2 business hours",
            ("P2", "resolution"): "1 business day",
        },
    )
    acme.org.plan = plan
    acme.org.save(update_fields=["plan"])
    return plan
