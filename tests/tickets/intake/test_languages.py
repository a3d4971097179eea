"""Automatic answers to senders in their language, outcomes in the tenant's, and quoted
history cut at the reply marker of either language."""

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from tickets.intake import actions
from tickets.intake.process import inbound_process
from tickets.intake.store import inbound_store
from tickets.models import InboundEmail, Message
from tickets.reply_address import REPLY_MARKER

from .conftest import SUPPORT, email_bytes, emails_to, reply_to_ticket

pytestmark = pytest.mark.django_db


def in_spanish(text: str) -> str:
    with translation.override("es"):
        return gettext(text)


def test_an_unknown_sender_of_a_spanish_help_desk_is_answered_in_spanish(acme, mailbox, receive):
    acme.tenant.default_language = "es"
    acme.tenant.save(update_fields=["default_language"])

    inbound = receive(email_bytes(sender="desconocido@nowhere.test", subject="Ayuda"))

    assert inbound.state == InboundEmail.State.REFUSED
    assert inbound.outcome == "Rechazado: remitente desconocido desconocido@nowhere.test"
    [answer] = emails_to("desconocido@nowhere.test")
    subject = in_spanish("We could not open a request from your email")
    assert subject != "We could not open a request from your email"
    assert answer.subject == f"[{acme.tenant.portal_title}] {subject}: Ayuda"
    assert "Gracias por escribirnos" in answer.body_text
    assert "Thank you" not in answer.body_text


def test_refused_files_are_explained_in_the_senders_language(acme, mailbox, receive):
    acme.customer.language = "es"
    acme.customer.save(update_fields=["language"])

    inbound = receive(
        email_bytes(attachments=[("setup.exe", "application/octet-stream", b"MZ...")])
    )

    # The tenant's admins read English; the customer reads Spanish.
    assert inbound.outcome == f"New ticket {inbound.ticket.reference}"
    [answer] = [
        email
        for email in emails_to(acme.customer.email)
        if email.headers.get("Auto-Submitted") == "auto-replied"
    ]
    assert "“setup.exe” no es un tipo de archivo que aceptemos" in answer.body_text
    assert "documentos de Office" in answer.body_text
    assert "not a file type" not in answer.body_text


def test_a_reply_quoting_the_spanish_marker_keeps_only_the_new_text(
    acme, ticket_type, make_ticket, mailbox, receive
):
    ticket = make_ticket()
    marker = in_spanish(REPLY_MARKER)
    body = (
        "Ya funciona, gracias.\n\n"
        f"El mar, 1 dic 2026 a las 10:02, Acme Soporte <{SUPPORT}> escribió:\n"
        f"> {marker}\n>\n> El ingeniero escribió en el ticket:\n> Envíe los registros.\n"
    )

    receive(email_bytes(to=reply_to_ticket(ticket, acme.customer.email), body=body))

    message = Message.objects.get(ticket=ticket)
    assert message.body == "Ya funciona, gracias."


def test_a_failure_says_when_it_is_tried_again_in_the_tenants_language_and_zone(
    acme, mailbox, monkeypatch
):
    acme.tenant.default_language = "es"
    acme.tenant.time_zone = "America/Bogota"
    acme.tenant.save(update_fields=["default_language", "time_zone"])
    stored = inbound_store(mailbox=mailbox, raw=email_bytes(), source=InboundEmail.Source.PIPE)

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "_new_ticket", crash)
    outcome = inbound_process(inbound_id=stored.email.pk)

    stored.email.refresh_from_db()
    at = timezone.localtime(stored.email.next_attempt_at, timezone.get_fixed_timezone(-300))
    assert outcome == f"Falló; se intenta de nuevo a las {at:%H:%M} COT"
