"""Tickets in each reader's language: the emails of one change, labels, form and service
errors, and dates in texts written in Python."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext, pgettext

from helpdesk.models import OutboxEmail
from tickets.forms import CopyAddForm
from tickets.models import Status
from tickets.reply_address import REPLY_MARKER, REPLY_MARKER_PATTERN
from tickets.services import ticket_assign, ticket_cc_add, ticket_reply

pytestmark = pytest.mark.django_db

BASE = "http://acme.localhost/"


def speaks(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


def email_to(user, *, exclude=()) -> OutboxEmail:
    [email] = OutboxEmail.objects.filter(to=[user.email]).exclude(pk__in=exclude)
    return email


def in_spanish(text: str, context: str = "") -> str:
    with translation.override("es"):
        return pgettext(context, text) if context else gettext(text)


@pytest.fixture
def ticket(acme, make_ticket):
    """Ana (the requester) reads Spanish; the engineer and her colleague in copy English."""
    speaks(acme.customer, "es")
    speaks(acme.engineer, "en")
    speaks(acme.org_admin, "en")
    ticket = make_ticket(title="VPN caída")
    ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    ticket_cc_add(ticket=ticket, actor=acme.engineer, user=acme.org_admin)
    ticket.refresh_from_db()
    return ticket


def test_a_customers_reply_reaches_the_engineer_in_english_and_the_requester_in_spanish(
    acme, ticket
):
    before = list(OutboxEmail.objects.values_list("pk", flat=True))
    ticket_reply(ticket=ticket, actor=acme.org_admin, body="Sigue fallando.", base_url=BASE)

    spanish = email_to(acme.customer, exclude=before)
    english = email_to(acme.engineer, exclude=before)
    wrote_es = in_spanish("%(author)s wrote on %(reference)s:") % {
        "author": acme.org_admin,
        "reference": ticket.reference,
    }
    assert wrote_es != f"{acme.org_admin} wrote on {ticket.reference}:"
    assert wrote_es in spanish.body_text
    assert spanish.body_text.startswith(in_spanish(REPLY_MARKER))
    assert "wrote on" not in spanish.body_text
    assert "escribió en" in spanish.body_html
    assert f"{acme.org_admin} wrote on {ticket.reference}:" in english.body_text
    assert english.body_text.startswith(REPLY_MARKER)
    assert "escribió" not in english.body_text + english.body_html


def test_a_status_change_says_the_new_and_old_status_in_each_recipients_language(acme, ticket):
    before = list(OutboxEmail.objects.values_list("pk", flat=True))
    ticket_reply(
        ticket=ticket,
        actor=acme.engineer,
        body="The tunnel is stable again.",
        status=Status.RESOLVED,
        base_url=BASE,
    )

    spanish = email_to(acme.customer, exclude=before)
    english = email_to(acme.org_admin, exclude=before)
    resolved = in_spanish("Resolved", "ticket status")
    in_progress = in_spanish("In progress", "ticket status")
    assert (resolved, in_progress) == ("Resuelto", "En curso")
    now_es = in_spanish("now %(status)s") % {"status": resolved}
    assert spanish.subject.endswith(f"Re: {ticket.reference} VPN caída · {now_es}")
    assert "Resolved" not in spanish.subject
    assert resolved in spanish.body_text and in_progress in spanish.body_text
    assert resolved in spanish.body_html and in_progress in spanish.body_html
    assert "In progress" not in spanish.body_text + spanish.body_html
    assert english.subject.endswith(f"Re: {ticket.reference} VPN caída · now Resolved")
    assert "Status: Resolved (was In progress)." in english.body_text
    assert "Resuelto" not in english.body_text + english.body_html


def test_status_labels_read_in_spanish(acme, ticket):
    with translation.override("es"):
        assert ticket.get_status_display() == "En curso"
        assert str(Status.ON_HOLD.label) == "En pausa – esperando su respuesta"
        ticket.status = Status.ON_HOLD
        assert str(ticket.staff_status_label) == "En pausa – en espera del cliente"
    assert ticket.get_status_display() == "On hold – waiting on you"


def test_form_and_service_errors_read_in_spanish(acme, ticket):
    with translation.override("es"):
        form = CopyAddForm(data={}, candidates=acme.org.members.all(), staff=False)
        assert not form.is_valid()
        assert form.non_field_errors() == ["Elija un colega."]
        with pytest.raises(PermissionDenied, match="Solo los ingenieros asignan tickets."):
            ticket_assign(ticket=ticket, actor=acme.customer, assignee=None, base_url=BASE)


def test_the_reply_marker_pattern_finds_the_spanish_marker_quoted():
    spanish = in_spanish(REPLY_MARKER)
    assert spanish != REPLY_MARKER
    text = f"Ya funciona.\n\n> {spanish}\n> El ingeniero escribió en el ticket:"
    match = REPLY_MARKER_PATTERN.search(text)
    assert match is not None
    assert text[: match.start()].strip() == "Ya funciona."
