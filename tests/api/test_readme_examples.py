"""The README's API examples work as printed: the curl body opens a ticket, and the
receiver snippet accepts a real delivery's signature and refuses a forged or stale one."""

import json
import re
import shlex
import time
from pathlib import Path

import pytest
from django.conf import settings

from helpdesk.webhooks import body_bytes, signature
from tests.tickets.factories import TicketTypeFactory
from tickets.models import Ticket

README = (Path(settings.BASE_DIR) / "README.md").read_text()
pytestmark = pytest.mark.django_db


def _block(language: str, marker: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", README, re.S)
    return next(b for b in blocks if marker in b)


def test_the_curl_example_opens_a_ticket(acme, api_as):
    command = _block("sh", "/api/v1/tickets/").split("\n#", 1)[0].replace("\\\n", " ")
    words = shlex.split(command)
    body = json.loads(words[words.index("-d") + 1])
    body["type"] = TicketTypeFactory(tenant=acme.tenant).pk
    assert "Authorization: Bearer $HELPDESK_TOKEN" in words
    response = api_as(acme.customer, host=acme.host).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201, response.content
    assert Ticket.objects.get(tenant=acme.tenant).title == body["title"]


def test_the_receiver_snippet_verifies_our_signature():
    namespace = {}
    exec(_block("python", "def webhook_is_genuine"), namespace)  # noqa: S102
    genuine = namespace["webhook_is_genuine"]
    secret = "whsec-test"
    body = body_bytes({"event": "ticket.created", "id": "e1", "data": {"reference": "IVC-1"}})
    now = int(time.time())
    headers = {
        "X-Helpdesk-Timestamp": str(now),
        "X-Helpdesk-Signature": signature(secret, now, body),
    }
    assert genuine(secret, body, headers)
    assert not genuine("another secret", body, headers)
    assert not genuine(secret, body + b" ", headers)
    stale = now - 600
    old = {
        "X-Helpdesk-Timestamp": str(stale),
        "X-Helpdesk-Signature": signature(secret, stale, body),
    }
    assert not genuine(secret, body, old)
