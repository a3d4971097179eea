"""Each token has its own request budget per minute; over it the API answers 429 with
Retry-After and writes nothing."""

import pytest

from tickets.models import Message

from ..tickets.conftest import open_ticket
from ..tickets.factories import TicketTypeFactory

pytestmark = pytest.mark.django_db


def test_a_token_over_its_limit_waits_and_other_tokens_go_on(acme, api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.API_READS_PER_MINUTE = 3
    settings.API_WRITES_PER_MINUTE = 2
    ticket = open_ticket(acme, TicketTypeFactory(tenant=acme.tenant))
    busy = api_as(acme.customer, host=acme.host)
    for _ in range(3):
        assert busy.get("/api/v1/tickets/").status_code == 200
    refused = busy.get("/api/v1/tickets/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()
    # Writes count apart, and a refused write saves nothing.
    url = f"/api/v1/tickets/{ticket.reference}/replies/"
    for n in range(2):
        assert busy.post(url, {"body": f"update {n}"}, format="json").status_code == 201
    assert busy.post(url, {"body": "one too many"}, format="json").status_code == 429
    assert not Message.objects.filter(body="one too many").exists()
    # Another token of the same help desk has its own budget.
    other = api_as(acme.org_admin, host=acme.host)
    assert other.get("/api/v1/tickets/").status_code == 200
