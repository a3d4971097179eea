"""Tickets' staff pages stand on their own: the escalation panel, badges and queues are
escalation's parts, added where the site's URLs are put together (helpdesk/urls.py)."""

import pytest
from django.urls import include, path

from tickets.views import home

pytestmark = pytest.mark.django_db

# The site's URLs with tickets' own pages in place of the ones escalation adds to.
urlpatterns = [
    path("accounts/", include("accounts.allauth_urls")),
    path("kb/", include("knowledge_base.urls")),
    path("reports/", include("tickets.reports.urls")),
    path("", home.home, name="home"),
    path("", include("accounts.urls")),
    path("", include("tickets.urls")),
]


@pytest.fixture
def tickets_alone(settings):
    settings.ROOT_URLCONF = __name__


def test_the_site_shows_escalation_on_the_ticket_page_and_queues(acme, make_ticket, login):
    ticket = make_ticket(title="Printer on fire")
    client = login(acme.engineer)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert '<h2 id="escalation-title">Escalation</h2>' in page
    assert "No escalations yet." in page
    queue = client.get("/queue/open/").content.decode()
    assert ">Escalated <span" in queue
    assert client.get("/queue/escalated/").status_code == 200


def test_tickets_pages_alone_have_no_escalation(tickets_alone, acme, make_ticket, login):
    ticket = make_ticket(title="Printer on fire")
    client = login(acme.engineer)
    response = client.get(ticket.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Printer on fire" in page
    assert 'id="escalation-title"' not in page
    assert "No escalations yet." not in page
    queue = client.get("/queue/open/").content.decode()
    assert "Printer on fire" in queue
    assert ">All open <span" in queue
    assert "Escalated" not in queue
    assert client.get("/queue/escalated/").status_code == 404
    assert client.get("/queue/my-level/").status_code == 404
