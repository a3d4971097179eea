"""A tenant admin connects a webhook in admin: adds the URL and events, copies the signing
secret, sees a new ticket's delivery in the log and sends it again with Redeliver. The
receiver is a local HTTP server started by the test."""

import hashlib
import hmac
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Receiver(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/helpdesk", Receiver.received
    server.shutdown()


def test_tenant_admin_connects_a_webhook_and_redelivers_from_the_log(
    page: Page, portal, acme, receiver, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    url, received = receiver
    page.goto(portal("acme") + "/admin/")
    page.get_by_label("Email").fill(acme.tenant_admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Webhooks").first.click()
    page.get_by_role("link", name=re.compile("Add webhook")).click()
    page.get_by_label("Name").fill("Ops chat")
    page.get_by_label("URL").fill(url)
    page.get_by_label("Ticket created").check()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    secret = re.search(r"whsec_[\w-]+", page.locator("body").inner_text()).group(0)

    ticket = open_ticket(acme, TicketTypeFactory(tenant=acme.tenant), title="Core switch down")

    [(headers, body)] = received
    assert json.loads(body)["data"]["ticket"]["reference"] == ticket.reference
    signed = headers["X-Helpdesk-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Helpdesk-Signature"], expected)

    page.goto(portal("acme") + "/admin/helpdesk/webhookdelivery/")
    row = page.locator("#result_list tbody tr").first
    expect(row).to_contain_text("Delivered")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="Redeliver the selected deliveries")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("will be sent again now")).to_be_visible()
    assert len(received) == 2
    assert received[1][0]["X-Helpdesk-Delivery"] == headers["X-Helpdesk-Delivery"]
