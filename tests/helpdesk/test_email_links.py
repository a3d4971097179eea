"""Absolute links in emails and pages: the tenant's configured domain, scheme and port,
whoever builds them (a web request, whatever its Host header says, or a worker)."""

import re
import subprocess

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client

from accounts.models import Domain
from escalation.tasks import check_escalations
from tests import workers
from tests.escalation import test_worker_integration as escalation_workers
from tests.tickets.factories import TicketTypeFactory
from tests.workers import WAIT

pytestmark = pytest.mark.django_db(transaction=True)

celery_processes = workers.celery_processes
sink = workers.sink
manager_level = escalation_workers.manager_level

# What the request says, and what the site is configured as.
HOST_HEADER = "acme.localhost:6666"
SITE = "https://acme.localhost:8443"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_SCHEME = "https"
    settings.SITE_PORT = "8443"


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>)]+", text)


def test_password_reset_link_ignores_the_port_and_host_of_the_request(acme):
    Domain.objects.create(tenant=acme.tenant, domain="help.acme.example")

    for host in (HOST_HEADER, "help.acme.example:6666", "ACME.localhost"):
        Client(HTTP_HOST=host).post(
            "/accounts/password/reset/", {"email": acme.customer.email}, follow=True
        )

    assert len(mail.outbox) == 3
    for message in mail.outbox:
        [link] = [link for link in links_in(message.body) if "/password/reset/key/" in link]
        assert link.startswith(f"{SITE}/accounts/password/reset/key/")
        [(html, _)] = message.alternatives
        assert f'href="{link}"' in html


def test_reset_link_from_the_email_opens_the_reset_form(acme, settings):
    settings.SITE_SCHEME, settings.SITE_PORT = "http", ""
    Client(HTTP_HOST=HOST_HEADER).post(
        "/accounts/password/reset/", {"email": acme.customer.email}, follow=True
    )
    [link] = [link for link in links_in(mail.outbox[0].body) if "/reset/key/" in link]
    assert link.startswith("http://acme.localhost/accounts/password/reset/key/")

    response = Client(HTTP_HOST="acme.localhost").get(link, follow=True)
    assert response.status_code == 200
    assert 'name="password1"' in response.content.decode()


def test_invitation_link_uses_the_configured_port(acme):
    client = Client(HTTP_HOST=HOST_HEADER)
    client.force_login(acme.org_admin)

    client.post(
        "/organization/members/",
        {"email": "new.person@acme.test", "full_name": "New Person", "role": "customer"},
    )

    [message] = mail.outbox
    [link] = [link for link in links_in(message.body) if "/invitations/" in link]
    assert link.startswith(f"{SITE}/invitations/")


def test_ticket_email_from_a_request_uses_the_configured_port(acme):
    ticket_type = TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
    client = Client(HTTP_HOST=HOST_HEADER)
    client.force_login(acme.customer)

    client.post(
        "/tickets/new/",
        {
            "title": "VPN tunnel down",
            "ticket_type": ticket_type.pk,
            "priority": "P2",
            "affected_service": "VPN",
            "text": "It drops.",
            "steps": "",
        },
    )

    confirmation = next(m for m in mail.outbox if m.to == [acme.customer.email])
    assert [link for link in links_in(confirmation.body) if "/tickets/" in link] == [
        f"{SITE}/tickets/{acme.tenant.ticket_prefix}-1001/"
    ]


def test_article_links_offered_to_staff_use_the_configured_port(acme):
    from tests.knowledge_base.factories import ArticleFactory

    article = ArticleFactory(tenant=acme.tenant, title="Reset your VPN client")
    engineer = Client(HTTP_HOST=HOST_HEADER)
    engineer.force_login(acme.engineer)
    customer = Client(HTTP_HOST=HOST_HEADER)
    customer.force_login(acme.customer)

    picker = engineer.get("/kb/manage/picker/?q=VPN").content.decode()
    prefill = customer.get(f"/tickets/new/?kb={article.slug}").content.decode()

    assert f"{SITE}{article.get_absolute_url()}" in picker
    assert f"{SITE}{article.get_absolute_url()}" in prefill
    assert ":6666" not in picker + prefill


def test_make_run_gives_web_worker_and_beat_the_port_it_serves():
    """Worker-sent emails (escalations, SLA warnings, on-call pages) link with SITE_PORT:
    `make run` must set it to the port it serves."""
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    [start] = [line for line in dry_run.splitlines() if "Procfile.dev" in line]
    assert "SITE_PORT=8123" in start.split()


@pytest.mark.postgres
@pytest.mark.redis
def test_escalation_email_sent_by_a_worker_links_with_the_configured_port(
    celery_processes, sink, acme, manager_level
):
    # Opened before the workers start: its own emails went out already.
    [ticket] = escalation_workers.open_overdue_p1_tickets(acme, 1)
    celery_processes.env.update(SITE_SCHEME="https", SITE_PORT="8443")
    sink.start()
    celery_processes.start_worker()

    check_escalations.delay()

    [email] = sink.wait_for(1, timeout=WAIT)
    assert email.to == [acme.manager.email]
    ticket_links = [link for link in links_in(email.text) if "/tickets/" in link]
    assert ticket_links and set(ticket_links) == {f"{SITE}/tickets/{ticket.reference}/"}
    assert f'href="{SITE}/tickets/{ticket.reference}/"' in email.html


def test_platform_links_use_the_platform_host(db):
    from tests.factories import SuperuserFactory

    root = SuperuserFactory(email="root@platform.test")
    root.emailaddress_set.create(email=root.email, primary=True, verified=True)

    Client(HTTP_HOST="127.0.0.1:6666").post(
        "/accounts/password/reset/", {"email": root.email}, follow=True
    )

    [message] = mail.outbox
    [link] = [link for link in links_in(message.body) if "/password/reset/key/" in link]
    assert link.startswith("https://localhost:8443/accounts/password/reset/key/")
