"""Escalation emails are written in each recipient's language and zone: the same breach
reaches a Spanish-speaking manager in Spanish (Bogotá time) and an English-speaking one in
English, as before."""

import re

import pytest
from django.core import mail
from django.utils import translation

from escalation.models import Audience, EscalationRule, Threshold
from escalation.services import escalations_run_due

from .conftest import at, pacific
from .factories import level, rule


@pytest.fixture
def managers(acme):
    acme.manager.language = "es"
    acme.manager.time_zone = "America/Bogota"
    acme.manager.save(update_fields=["language", "time_zone"])
    acme.tenant_admin.language = "en"
    acme.tenant_admin.save(update_fields=["language"])
    return acme.manager, acme.tenant_admin


def breach_p1(acme, make_ticket, django_capture_on_commit_callbacks):
    l3 = level(acme.tenant, 3, "L3 Support manager", audience=Audience.MANAGERS)
    rule(acme.tenant, priority="P1", level=l3)
    with at(pacific(2026, 11, 24, 10, 0)):
        ticket = make_ticket(priority="P1")
    mail.outbox.clear()
    with at(pacific(2026, 11, 24, 11, 1)) as now, django_capture_on_commit_callbacks(execute=True):
        assert escalations_run_due(now=now) == 1
    return ticket


def email_to(address):
    [email] = [m for m in mail.outbox if m.to == [address]]
    return email, email.alternatives[0][0] if email.alternatives else ""


def test_one_breach_emails_each_manager_in_their_language(
    acme, plan, managers, make_ticket, django_capture_on_commit_callbacks
):
    spanish, english = managers
    ticket = breach_p1(acme, make_ticket, django_capture_on_commit_callbacks)

    email, html = email_to(spanish.email)
    assert email.subject.endswith(
        f"ANS incumplido, escalado a L3 Support manager: {ticket.reference} {ticket.title}"
    )
    assert "fue escalado a L3 Support manager por la matriz de escalamiento." in email.body
    assert (
        "Motivo: Objetivo de primera respuesta incumplido (P1, primera respuesta al "
        "incumplirse: L3 Support manager)." in email.body
    )
    # The due time in the manager's own zone and the Spanish date format.
    # (Django capitalises the month's abbreviation: "nov." or "Nov.".)
    assert re.search(
        r"Reloj del ANS: Primera respuesta, objetivo de 1 hora \(24/7\), vence el "
        r"mar\. 24 [Nn]ov\. 2026, 14:00 COT \(incumplido\)\.",
        email.body,
    )
    assert "Responsable:" in email.body
    assert "<strong>Reloj del ANS:</strong>" in html
    assert f"Abrir {ticket.reference}" in html

    email, html = email_to(english.email)
    assert email.subject.endswith(
        f"SLA breached, escalated to L3 Support manager: {ticket.reference} {ticket.title}"
    )
    assert (
        "Reason: First response target breached (P1, first response at breach: L3 Support "
        "manager)." in email.body
    )
    assert (
        "SLA clock: First response target 1 hour (24/7), due Tue 24 Nov 2026, 11:00 PST "
        "(breached)." in email.body
    )
    assert f"Open {ticket.reference}" in html


def test_the_stored_reason_is_in_the_help_desks_language(
    acme, plan, managers, make_ticket, django_capture_on_commit_callbacks
):
    acme.tenant.default_language = "es"
    acme.tenant.save(update_fields=["default_language"])
    ticket = breach_p1(acme, make_ticket, django_capture_on_commit_callbacks)
    [event] = ticket.escalations.all()
    assert event.reason.startswith("Objetivo de primera respuesta incumplido")
    # The English manager's email still says it in English.
    email, _html = email_to(managers[1].email)
    assert "Reason: First response target breached" in email.body


def test_rules_read_in_spanish(acme):
    l2 = level(acme.tenant, 2, "N2 Ingeniero sénior", audience=Audience.ENGINEERS, tier="L2")
    percent = rule(acme.tenant, priority="P1", level=l2, threshold=Threshold.PERCENT, amount=50)
    after = rule(acme.tenant, priority="P2", level=l2, threshold=Threshold.AFTER_DUE, amount=90)
    warn = EscalationRule.objects.create(
        tenant=acme.tenant,
        matrix=l2.matrix,
        metric="resolution",
        threshold=Threshold.AT_DUE,
        notify_assignee=True,
    )
    with translation.override("es"):
        assert percent.describe() == "P1, primera respuesta al 50 %: N2 Ingeniero sénior"
        assert (
            after.describe()
            == "P2, primera respuesta 1 h 30 min después del vencimiento: N2 Ingeniero sénior"
        )
        assert (
            warn.describe()
            == "Cualquier prioridad, resolución al incumplirse: avisar al responsable"
        )
    assert percent.describe() == "P1, first response at 50 %: N2 Ingeniero sénior"
    assert warn.describe() == "Any priority, resolution at breach: warn the assignee"


def test_the_escalation_panel_and_messages_for_a_spanish_engineer(acme, plan, make_ticket, login):
    import html as html_lib

    level(acme.tenant, 1, "N1 Ingeniero", audience=Audience.ENGINEERS)
    l2 = level(acme.tenant, 2, "N2 Ingeniero sénior", audience=Audience.MANAGERS)
    l3 = level(acme.tenant, 3, "N3 Gerente de soporte", audience=Audience.MANAGERS)
    rule(acme.tenant, priority="P1", threshold=Threshold.PERCENT, amount=50, level=l2)
    acme.engineer.language = "es"
    acme.engineer.time_zone = "America/Bogota"
    acme.engineer.save(update_fields=["language", "time_zone"])
    with at(pacific(2026, 11, 24, 15, 0)):
        ticket = make_ticket(priority="P1")
    with at(pacific(2026, 11, 24, 15, 10)):
        client = login(acme.engineer)
        page = html_lib.unescape(client.get(ticket.get_absolute_url()).content.decode())
        panel = page[page.index('id="escalation-title"') :]
        assert ">Escalamiento</h2>" in panel
        assert "<strong>N2 Ingeniero sénior</strong> el" in panel
        assert ">24/11/2026 18:30</time> si nadie ha respondido" in panel
        assert "Regla: P1, primera respuesta al 50 %: N2 Ingeniero sénior" in panel
        assert "Todavía no hay escalamientos." in panel
        assert "Por qué hay que escalarlo" in panel

        response = client.post(
            f"/tickets/{ticket.reference}/escalate/",
            {"escalate-level": l3.pk, "escalate-reason": "Se cayó la VPN de Bogotá"},
            follow=True,
        )
    page = html_lib.unescape(response.content.decode())
    assert f"{ticket.reference} está escalado a N3 Gerente de soporte: se avisó a" in page
    assert "escaló a <strong>N3 Gerente de soporte</strong>" in page
    # What the engineer typed stays as typed.
    assert "“Se cayó la VPN de Bogotá”" in page
