"""A Spanish-speaking customer on a help desk whose browser and tenant speak English: she
switches to Spanish on the sign-in page, opens a ticket, talks with an English-speaking
engineer, and every email reaches each of them in their own language."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.pages import sign_in
from tests.factories import PASSWORD
from tests.i18n.spanish import english_leftovers
from tests.tickets.factories import TicketTypeFactory
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _emails_to(address: str):
    return [message for message in mail.outbox if message.to == [address]]


def test_a_customer_works_her_ticket_in_spanish(browser, portal, acme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    TicketTypeFactory(tenant=acme.tenant, name="Redes", slug="redes")
    acme.engineer.language = "en"
    acme.engineer.save(update_fields=["language"])
    url = portal("acme")
    brand = [acme.tenant.portal_title]  # the help desk's name, as its admins wrote it
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    customer = context.new_page()
    engineer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    # The sign-in page follows the browser (English) until she chooses Español.
    customer.goto(url + "/accounts/login/")
    expect(customer.get_by_role("heading", name="Sign in")).to_be_visible()
    customer.get_by_role("button", name="Español").click()
    expect(customer.locator("html")).to_have_attribute("lang", "es")
    expect(customer.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    customer.get_by_label("Correo electrónico").fill(acme.customer.email)
    customer.get_by_label("Contraseña").fill(PASSWORD)
    customer.get_by_role("button", name="Iniciar sesión").click()
    expect(customer.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    # Signing in kept the choice in her profile: emails will be Spanish too.
    assert User.objects.get(pk=acme.customer.pk).language == "es"

    # She opens a ticket from the Spanish form.
    customer.get_by_role("link", name="Nuevo ticket").first.click()
    customer.get_by_label("Título").fill("El túnel VPN se cae cada 30 minutos")
    customer.get_by_label("Tipo", exact=True).select_option(label="Redes")
    customer.get_by_label("P2 – Alta").check()
    customer.get_by_label("Servicio o recurso afectado").fill("VPN bog-prod")
    customer.get_by_label("Descripción").fill("El túnel **se cae** y las sesiones se pierden.")
    customer.get_by_role("button", name="Abrir ticket").click()
    ticket = Ticket.objects.get(tenant=acme.tenant)
    expect(customer.get_by_role("heading", level=1)).to_contain_text(ticket.reference)
    expect(customer.get_by_text(re.compile(rf"Su ticket {ticket.reference}"))).to_be_visible()

    # Her confirmation is Spanish; the queue's notice to the help desk is English.
    [confirmation] = _emails_to(acme.customer.email)
    assert ticket.reference in confirmation.subject
    assert not english_leftovers(confirmation.body, plain=True, data=brand), confirmation.body
    assert not english_leftovers(confirmation.alternatives[0][0], data=brand)
    [notice] = _emails_to(acme.tenant.support_email)
    assert english_leftovers(notice.body, plain=True), "the queue reads English"

    # The English-speaking engineer takes it and replies (in Spanish, to her).
    sign_in(engineer, url, acme.engineer.email)
    engineer.goto(url + ticket.get_absolute_url())
    engineer.get_by_role("button", name="Assign to me").click()
    expect(engineer.get_by_text(f"{ticket.reference} is assigned to you")).to_be_visible()
    engineer.get_by_label("Message").fill("Por favor envíe los registros del firewall.")
    engineer.get_by_role("button", name="Send", exact=True).click()
    expect(engineer.get_by_text("Reply sent.")).to_be_visible()

    # She reads the reply on the Spanish page and in a Spanish email.
    expect(customer.get_by_text("Por favor envíe los registros")).to_be_visible(timeout=30_000)
    reply = _emails_to(acme.customer.email)[-1]
    assert "Por favor envíe los registros" in reply.body
    assert not english_leftovers(reply.body, plain=True, data=brand), reply.body
    assert not english_leftovers(reply.alternatives[0][0], data=brand)

    # She answers in Spanish; the engineer's email about it is English.
    customer.get_by_label("Mensaje").fill("Adjunto los registros de esta mañana.")
    customer.get_by_role("button", name="Enviar respuesta").click()
    expect(customer.get_by_text("Respuesta enviada.")).to_be_visible()
    answer = _emails_to(acme.engineer.email)[-1]
    assert "Adjunto los registros" in answer.body
    assert english_leftovers(answer.body, plain=True), "the engineer reads English"
    expect(customer.locator("html")).to_have_attribute("lang", "es")
