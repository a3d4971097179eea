"""Every email, as a Spanish-speaking recipient reads it: subject, text and HTML parts hold
no English."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from helpdesk.emails import render_email
from tests.helpdesk.test_email_text import every_ticket_email
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory

from .spanish import MissingTranslations, english_leftovers

pytestmark = pytest.mark.django_db(transaction=True)

# What the customer typed: theirs, in Spanish.
TEXT = "El túnel se cae cada 30 minutos."

TEMPLATES = Path(settings.BASE_DIR) / "templates"
EMAILS = sorted(
    str(path.relative_to(TEMPLATES)).removesuffix("_subject.txt")
    for path in TEMPLATES.glob("**/email/*_subject.txt")
)


# What people typed in ``every_ticket_email`` (replies, a reason, level names): theirs.
TYPED = ("Looking at it", "Thanks!", "Fixed", "Needs <L2>", "Needs &lt;L2&gt;", "L2 & Co")


def _english(subject: str, text: str, html: str, *, typed=()) -> list[str]:
    for words in typed:
        subject, text, html = (part.replace(words, "") for part in (subject, text, html))
    return (
        english_leftovers(subject, plain=True)
        + english_leftovers(text, plain=True)
        + (english_leftovers(html) if html else [])
    )


@pytest.fixture
def spanish_acme(acme):
    acme.tenant.default_language = "es"
    acme.tenant.portal_title = "Centro de soporte Acme"
    acme.tenant.save(update_fields=["default_language", "portal_title"])
    acme.org.name = "Comercializadora Andina S.A.S."
    acme.org.save(update_fields=["name"])
    for person in (acme.customer, acme.engineer, acme.manager, acme.org_admin):
        person.language = "es"
        person.save(update_fields=["language"])
    return acme


def test_there_are_emails_to_check():
    assert len(EMAILS) >= 20, EMAILS


@pytest.mark.parametrize("template", EMAILS)
def test_every_email_template_reads_spanish(spanish_acme, template):
    acme = spanish_acme
    ticket = open_ticket(
        acme, TicketTypeFactory(tenant=acme.tenant, name="Redes"), title="Falla de VPN", text=TEXT
    )
    context = {
        "tenant": acme.tenant,
        "ticket": ticket,
        "user": acme.customer,
        "recipient": acme.customer,
        "inviter": acme.org_admin,
        "organization": acme.org,
        "requester": acme.customer,
        "author": acme.engineer,
        "actor": acme.engineer,
        "admin": acme.tenant_admin,
        "ticket_url": "http://acme.localhost/tickets/x/",
        "portal_url": "http://acme.localhost/",
        "security_url": "http://acme.localhost/profile/",
        "accept_url": "http://acme.localhost/invitations/x/",
        "confirm_url": "http://acme.localhost/profile/email/confirm/x/",
        "password_reset_url": "http://acme.localhost/accounts/password/reset/key/x/",
        "when": timezone.now(),
        "expires": timezone.now(),
        "email": acme.customer.email,
        "new_email": "nuevo@acme.test",
        "old_email": acme.customer.email,
        "reference": ticket.reference,
        "title": ticket.title,
        "portal_title": acme.tenant.portal_title,
        "ip": "203.0.113.7",
        "user_agent": "Firefox 140 en Linux",
        # The incident emails: a digest of linked tickets, a status page update.
        "count": 3,
        "incident": {"title": "Llamadas sin registrar", "pk": 1},
        "level_name": "Jefe de equipo",
        "level_rank": 2,
    }
    missing = MissingTranslations()
    with translation.override("es"), missing.watching():
        subject, text, html = render_email(template, context)
    assert subject and text
    assert not _english(subject, text, html), _english(subject, text, html)
    assert not missing.messages, missing.report()


def test_every_ticket_and_escalation_email_sent_reads_spanish(spanish_acme):
    acme = spanish_acme
    ticket = open_ticket(
        acme, TicketTypeFactory(tenant=acme.tenant, name="Redes"), title="Falla de VPN", text=TEXT
    )
    missing = MissingTranslations()
    with missing.watching():
        every_ticket_email(acme, ticket)
    assert len(mail.outbox) >= 9, [m.subject for m in mail.outbox]
    for message in mail.outbox:
        [(html, _type)] = message.alternatives
        leftovers = _english(message.subject, message.body, html, typed=TYPED)
        assert not leftovers, (message.subject, leftovers)
    assert not missing.messages, missing.report()


def test_the_password_reset_email_reads_spanish(spanish_acme):
    acme = spanish_acme
    missing = MissingTranslations()
    with missing.watching():
        Client(HTTP_HOST=acme.host).post(
            "/accounts/password/reset/", {"email": acme.customer.email}, follow=True
        )
    [message] = mail.outbox
    [(html, _type)] = message.alternatives
    assert not _english(message.subject, message.body, html)
    assert "/accounts/password/reset/key/" in message.body
    assert not missing.messages, missing.report()
