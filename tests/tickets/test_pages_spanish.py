"""The ticket pages and the ticket emails in the reader's language: a Spanish-speaking
customer or engineer reads Spanish headings, buttons and dates; an English-speaking one reads
them in English."""

import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from helpdesk.zones import readable_zone
from tickets.models import Status
from tickets.services import ticket_transition

pytestmark = pytest.mark.django_db

SPANISH_DATE = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")
ENGLISH_DATE = re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}")


@pytest.fixture(autouse=True)
def _language_reset():
    """A request leaves its reader's language active in the thread: later tests start in
    English again."""
    yield
    translation.deactivate()


def assert_shows(page: str, *texts: str) -> None:
    missing = [text for text in texts if text not in page]
    assert not missing, missing


def first_time_shown(page: str) -> str:
    shown = re.search(r'<time datetime="[^"]+">([^<]+)</time>', page)
    assert shown, "no time on the page"
    return shown.group(1)


def speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_a_spanish_speaking_customer_reads_their_ticket_page_in_spanish(acme, make_ticket, login):
    ticket = make_ticket(title="VPN caída")
    page = login(speaking(acme.customer, "es")).get(ticket.get_absolute_url()).content.decode()

    assert_shows(
        page,
        "Conversación",
        "Su respuesta",
        "Enviar respuesta",
        "Ingeniero asignado",
        "Aún sin asignar",
        "Servicio o recurso afectado",
        "Personas en copia",
        "Agregar evidencia",
        "Cargar",
        "Cerrar ticket",
        "← Mis tickets",
    )
    assert "abrió el ticket con prioridad P2" in page
    opened = re.search(r"abierto el (\S+ \S+) por", page)
    assert opened and SPANISH_DATE.fullmatch(opened.group(1))
    assert "Send reply" not in page and "Conversation" not in page


def test_an_english_speaking_customer_reads_the_same_page_in_english(acme, make_ticket, login):
    ticket = make_ticket()
    page = login(speaking(acme.customer, "en")).get(ticket.get_absolute_url()).content.decode()

    assert "Send reply" in page and "Add evidence" in page
    opened = re.search(r"opened (.+?) by ", page)
    assert opened and ENGLISH_DATE.fullmatch(opened.group(1))
    assert "Enviar respuesta" not in page


def test_the_new_ticket_form_in_spanish(acme, ticket_type, login):
    page = login(speaking(acme.customer, "es")).get("/tickets/new/").content.decode()

    assert_shows(
        page,
        "Abrir un ticket",
        "Antes de enviar",
        "<strong>Capturas de pantalla</strong> de los errores que ve.",
        "¿Qué tipo debo elegir?",
        "Propuesta según el tipo que eligió; cámbiela si no corresponde.",
        ">Abrir ticket</button>",
    )
    assert "Before you send" not in page


def test_the_customers_list_in_spanish(acme, make_ticket, login):
    make_ticket(title="Impresora")
    page = login(speaking(acme.customer, "es")).get("/tickets/").content.decode()

    assert_shows(
        page, "Mis tickets", "+ Nuevo ticket", "Última actualización", "Abiertos", "Aplicar"
    )
    assert SPANISH_DATE.fullmatch(first_time_shown(page))


def test_an_engineers_queue_in_spanish(acme, make_ticket, login):
    make_ticket(title="Correo rebotado")
    page = login(speaking(acme.engineer, "es")).get("/queue/open/").content.decode()

    assert_shows(
        page,
        "Colas",
        "Nuevo ticket para un cliente",
        ">Número</th>",
        ">Responsable</th>",
        ">Actualizado</th>",
        ">ANS</th>",
        "Ordenar por",
        "Cualquier abierto",
        ">Aplicar</button>",
    )
    assert SPANISH_DATE.fullmatch(first_time_shown(page))
    assert ">Assignee</th>" not in page


def test_an_engineers_ticket_page_and_its_messages_in_spanish(acme, make_ticket, login):
    ticket = make_ticket()
    client = login(speaking(acme.engineer, "es"))
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert_shows(page, "Responder o agregar una nota", "Trabajar este ticket", "Asignarme", "ANS")

    done = client.post(f"/tickets/{ticket.reference}/assign/", {"assign_to_me": "1"}, follow=True)
    assert f"{ticket.reference} está asignado a usted." in done.content.decode()


def test_a_status_email_tells_each_recipient_what_happens_next_in_their_language(acme, make_ticket):
    from helpdesk.models import OutboxEmail

    ticket = make_ticket()
    speaking(acme.customer, "es")
    ticket_transition(
        ticket=ticket, actor=acme.engineer, to_status=Status.ON_HOLD, base_url="http://x/"
    )
    [spanish] = OutboxEmail.objects.filter(dedupe_key__startswith="ticket-status:")
    assert "Estamos esperando su respuesta" in spanish.body_text
    assert "Estamos esperando su respuesta" in spanish.body_html

    speaking(acme.customer, "en")
    ticket_transition(
        ticket=ticket, actor=acme.engineer, to_status=Status.IN_PROGRESS, base_url="http://x/"
    )
    english = OutboxEmail.objects.filter(dedupe_key__startswith="ticket-status:").latest("pk")
    assert "An engineer is working on it" in english.body_text


def test_the_resolved_note_gives_the_reopen_deadline_in_spanish():
    context = {
        "ticket": SimpleNamespace(status="resolved"),
        "reopen_deadline": datetime(2026, 12, 7, 15, 0, tzinfo=UTC),
        "reopen_days": 7,
    }
    with translation.override("es"), timezone.override(readable_zone("America/Bogota")):
        note = render_to_string("tickets/email/status_note.txt", context)

    # The month's case is the Spanish date format's ("dic." or "Dic.").
    assert note.lower() == (
        "consideramos que el problema está resuelto. el ticket se cierra solo 7 días después "
        "de resuelto, el lun. 7 dic. 2026, 10:00 cot. si el problema no está resuelto, "
        "reábralo en la página del ticket antes de esa fecha."
    )
