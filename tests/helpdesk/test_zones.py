"""Times show a zone people read: "COT" or "PST", never tzdata's bare "-05"."""

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from helpdesk.models import OutboxEmail
from helpdesk.zones import offset_label, readable_zone, zone_abbreviation
from tickets.models import Ticket

from ..sla.factories import plan_with_matrix
from ..tickets.conftest import open_ticket
from ..tickets.factories import TicketTypeFactory

# A time followed by tzdata's bare offset, as "10:00 -05" was shown.
BARE_OFFSET = re.compile(r"\d\d:\d\d [+-]\d\d\b")
JANUARY = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
JULY = datetime(2026, 7, 15, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "zone,moment,name",
    [
        ("America/Bogota", JANUARY, "COT"),
        ("America/Lima", JULY, "PET"),
        ("America/Sao_Paulo", JANUARY, "BRT"),
        ("America/Santiago", JANUARY, "CLST"),
        ("America/Santiago", JULY, "CLT"),
        ("America/Los_Angeles", JANUARY, "PST"),
        ("America/Los_Angeles", JULY, "PDT"),
        ("Europe/Madrid", JULY, "CEST"),
        ("Asia/Kolkata", JANUARY, "IST"),
        ("UTC", JANUARY, "UTC"),
        # No customary abbreviation: the offset, spelled out.
        ("Asia/Yakutsk", JANUARY, "UTC+09:00"),
        ("Atlantic/South_Georgia", JANUARY, "UTC\u221202:00"),
    ],
)
def test_every_zone_has_a_readable_name(zone, moment, name):
    local = moment.astimezone(readable_zone(zone))
    assert local.tzname() == name
    assert local.strftime("%Z") == name
    assert zone_abbreviation(moment.astimezone(readable_zone(zone))) == name


def test_the_zone_keeps_its_name():
    with timezone.override(readable_zone("America/Bogota")):
        assert timezone.get_current_timezone_name() == "America/Bogota"


def test_offsets_with_minutes():
    from datetime import timedelta

    assert offset_label(timedelta(hours=5, minutes=30)) == "UTC+05:30"
    assert offset_label(timedelta(hours=-3, minutes=-30)) == "UTC\u221203:30"


def test_the_date_filter_prints_the_abbreviation_in_the_viewers_zone():
    from django.template import Context, Template

    with timezone.override(readable_zone("America/Bogota")):
        text = Template('{{ moment|date:"D j M Y, H:i T" }}').render(Context({"moment": JANUARY}))
    assert text == "Thu 15 Jan 2026, 10:00 COT"


@pytest.fixture
def bogota(acme):
    acme.tenant.time_zone = "America/Bogota"
    acme.tenant.save()
    plan = plan_with_matrix(
        tenant=acme.tenant,
        cells={("P2", "first_response"): "1 hour (24/7)", ("P2", "resolution"): "N/A"},
    )
    acme.org.plan = plan
    acme.org.save(update_fields=["plan"])
    return acme


@pytest.mark.django_db(transaction=True)
def test_a_bogota_customer_reads_cot_on_the_ticket_page_and_in_the_email(bogota, settings):
    ticket_type = TicketTypeFactory(tenant=bogota.tenant, name="Networking", slug="networking")
    ticket = open_ticket(bogota, ticket_type)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.first_response_due_at
    client = Client(HTTP_HOST=bogota.host)
    client.force_login(bogota.customer)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "We will respond by" in page
    assert re.search(r"\d\d:\d\d COT", page)
    assert not BARE_OFFSET.search(page)
    address = bogota.customer.email
    email = next((e for e in OutboxEmail.objects.order_by("pk") if address in e.to), None)
    body = email.body_text if email and email.body_text else "".join(m.body for m in mail.outbox)
    assert re.search(r"\d\d:\d\d COT", body)
    assert not BARE_OFFSET.search(body)
