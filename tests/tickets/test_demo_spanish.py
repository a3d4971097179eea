"""IVCISA's demo help desk is Colombian: its request types and tickets are written in
Spanish, while Invoca's stay English."""

from io import StringIO

import pytest
from django.core.management import call_command

from tickets.models import Mailbox, Message, Ticket, TicketType

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command(*args, stdout=StringIO())


def types_of(slug: str) -> dict:
    return dict(
        TicketType.objects.filter(tenant__slug=slug, parent=None)
        .order_by("position")
        .values_list("slug", "name")
    )


def test_ivcisa_reads_its_request_types_and_tickets_in_spanish_and_invoca_in_english():
    seed("seed_demo")

    assert types_of("ivcisa") == {
        "ia-ml-machine-learning": "IA / ML – Aprendizaje automático",
        "cloud-compute": "Cómputo en la nube",
        "cloud-infrastructure": "Infraestructura en la nube",
        "networking": "Redes",
        "consultancy": "Consultoría",
        "data-analytics": "Analítica de datos",
        "incident": "Incidente",
        "request": "Solicitud",
        "security": "Seguridad",
    }
    assert Mailbox.objects.get(address="support@ivcisa.example").default_ticket_type.name == (
        "Solicitud"
    )
    vpn = Ticket.objects.get(tenant__slug="ivcisa", title__startswith="La VPN sitio a sitio")
    assert vpn.ticket_type.name == "Redes"
    reply = Message.objects.filter(ticket=vpn, is_internal=False).exclude(author=vpn.requester)
    assert "¿Nos puede enviar la propuesta de fase 1" in reply.get().body

    assert "Call tracking" in types_of("invoca").values()
    assert Ticket.objects.filter(
        tenant__slug="invoca", title="Inbound calls to claims line fail"
    ).exists()


def test_a_help_desk_seeded_in_english_keeps_its_types_until_reset():
    seed("seed_demo")
    TicketType.objects.filter(tenant__slug="ivcisa", slug="networking").update(name="Networking")

    seed("seed_demo")
    assert types_of("ivcisa")["networking"] == "Networking"

    seed("reset_demo", "--no-input")
    assert types_of("ivcisa")["networking"] == "Redes"
