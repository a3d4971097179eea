"""What people read about SLAs, in Spanish for a Spanish reader (Colombian dates, "COT",
"2 h 15 min") and unchanged in English."""

import re
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from helpdesk.zones import readable_zone
from sla.clock import Calendar
from sla.engine import (
    FIRST_RESPONSE,
    RESOLUTION,
    MetricStatus,
    PlanBook,
    TargetRule,
    TicketClockFacts,
    evaluate,
    format_duration,
)
from sla.models import Holiday, SlaTarget
from sla.targets import ALWAYS, BUSINESS, TargetSpec, format_target, parse_target

from .factories import BusinessCalendarFactory, plan_with_matrix

BOGOTA = "America/Bogota"
CALENDAR = Calendar.from_hours(
    BOGOTA,
    {d: [("08:00", "18:00")] for d in range(5)},
    holidays={date(2026, 12, 8)},  # Inmaculada Concepción
    business_day_minutes=10 * 60,
)
# Business, IVCISA's plan: P2 first response in 4 business hours, resolution in 3 business days.
BUSINESS_P2 = PlanBook(
    plan_id=1,
    plan_name="Business",
    rules=(
        TargetRule("P2", FIRST_RESPONSE, parse_target("4 business hours"), CALENDAR, "Horario"),
        TargetRule("P2", RESOLUTION, parse_target("3 business days"), CALENDAR, "Horario"),
    ),
    calendar=CALENDAR,
)
DUE = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # Monday 7 December, 10:00 in Bogotá


def bogota(*args):
    return datetime(*args, tzinfo=readable_zone(BOGOTA))


def status(state="running", remaining=8100, clock=BUSINESS, metric=FIRST_RESPONSE):
    target = TargetSpec(clock, 4, "hours")
    return MetricStatus(
        metric=metric,
        target_label=format_target(target),
        due_at=DUE,
        state=state,
        ended_at=DUE if state == "breached" else None,
        elapsed_fraction=0.4,
        remaining_seconds=remaining,
        explanation=(),
        clock=clock,
        target=target,
    )


def render(template, **context):
    return Template("{% load sla_tags %}" + template).render(Context(context)).strip()


@pytest.mark.parametrize(
    "seconds,english,spanish",
    [
        (8100, "2 h 15 m", "2 h 15 min"),
        (2700, "45 m", "45 min"),
        (0, "0 m", "0 min"),
        (51 * 3600, "2 d 3 h", "2 d 3 h"),
        (7200, "2 h", "2 h"),
    ],
)
def test_durations(seconds, english, spanish):
    assert format_duration(seconds) == english
    with translation.override("es"):
        assert format_duration(seconds) == spanish
        assert render("{{ n|sla_duration }}", n=seconds) == spanish
    assert render("{{ n|sla_duration }}", n=seconds) == english


@pytest.mark.parametrize(
    "item,spanish,english",
    [
        (status(), "2 h 15 min de tiempo hábil restante", "2 h 15 m business time left"),
        (status(clock=ALWAYS, remaining=2400), "quedan 40 min", "40 m left"),
        (status("breached", -7200), "incumplido hace 2 h", "breached 2 h ago"),
        (status("paused"), "en pausa", "paused"),
        (status("met"), "cumplido", "met"),
        (status("none"), "sin objetivo", "no target"),
    ],
)
def test_badges(item, spanish, english):
    with translation.override("es"):
        assert f">{spanish}</span>" in render("{% sla_badge s %}", s=item)
    assert f">{english}</span>" in render("{% sla_badge s %}", s=item)


def test_the_due_time_in_spanish_with_the_colombian_zone():
    with translation.override("es"), timezone.override(readable_zone(BOGOTA)):
        badge = render("{% sla_badge s %}", s=status())
        promise = render("{% sla_promise s %}", s=status())
    # Django capitalises the month's abbreviation ("dic." or "Dic.").
    assert re.search(
        r'title="Primera respuesta 4 horas hábiles · vence el lun\. 7 [dD]ic\. 2026, 10:00 COT"',
        badge,
    )
    assert "Responderemos a más tardar el" in promise
    assert re.search(r"lun\. 7 [dD]ic\. 2026, 10:00 COT</time>", promise)
    with timezone.override(readable_zone(BOGOTA)):
        english = render("{% sla_badge s %}", s=status())
    assert 'title="First response 4 business hours · due Mon 7 Dec 2026, 10:00 COT"' in english


def test_targets_read_and_written_in_both_languages():
    with translation.override("es"):
        assert format_target(parse_target("2 business hours")) == "2 horas hábiles"
        assert format_target(parse_target("1 hour (24/7)")) == "1 hora (24/7)"
        assert format_target(parse_target("1 business day")) == "1 día hábil"
    # The matrix shows Spanish cells to a Spanish admin and reads them back.
    assert parse_target("2 horas hábiles") == TargetSpec(BUSINESS, 2, "hours")
    assert parse_target("3 días hábiles") == TargetSpec(BUSINESS, 3, "days")
    assert parse_target("30 minutos (24/7)") == TargetSpec(ALWAYS, 30, "minutes")
    assert parse_target("1 hora hábil") == TargetSpec(BUSINESS, 1, "hours")
    assert format_target(parse_target("2 horas hábiles")) == "2 business hours"


def test_the_explanation_of_a_due_time_in_spanish():
    opened = bogota(2026, 12, 4, 17, 0)  # Friday, an hour before closing
    facts = TicketClockFacts(opened_at=opened, priority="P2", first_response_at=None)
    now = bogota(2026, 12, 4, 17, 30)
    with translation.override("es"):
        lines = evaluate(BUSINESS_P2, facts, now)[FIRST_RESPONSE].explanation
        resolution = evaluate(BUSINESS_P2, facts, now)[RESOLUTION]
    assert lines[0] == "Business, P2: objetivo de primera respuesta de 4 horas hábiles."
    assert lines[1] == (
        "Corre en el horario hábil «Horario»: lun–vie 08:00–18:00 (America/Bogota), sin "
        "contar los festivos; un día hábil es de 10 h."
    )
    assert re.fullmatch(r"Abierto el vie\. 4 [dD]ic\. 2026, 17:00 COT\.", lines[2])
    assert "La primera respuesta pública del personal detiene este reloj; nunca se pausa." in lines
    # One hour on Friday, three on Monday 7 December.
    assert re.fullmatch(r"Vence el lun\. 7 [dD]ic\. 2026, 11:00 COT\.", lines[-1])
    # Three business days skip the holiday on Tuesday 8 December.
    assert re.fullmatch(r"Vence el jue\. 10 [dD]ic\. 2026, 17:00 COT\.", resolution.explanation[-1])
    assert resolution.metric_label == "Resolution"

    english = evaluate(BUSINESS_P2, facts, now)[FIRST_RESPONSE].explanation
    assert english[0] == "Business, P2: first response target 4 business hours."
    assert "Due Mon 7 Dec 2026, 11:00 COT." in english


def test_the_engine_still_imports_and_computes_without_django():
    code = (
        "from datetime import datetime, UTC\n"
        "from sla import engine\n"
        "from sla.clock import Calendar\n"
        "import sys\n"
        "assert 'django' not in sys.modules\n"
        "print(engine.format_duration(8100), '|', Calendar.from_hours('UTC', {0: [('08:00', "
        "'17:00')]}).describe())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        cwd=".",
        check=True,
    )
    assert result.stdout.strip() == "2 h 15 m | Mon 08:00–17:00 (UTC)"


@pytest.mark.django_db
def test_the_sla_matrix_admin_in_spanish(acme):
    plan = plan_with_matrix(
        tenant=acme.tenant,
        name="Enterprise",
        cells={("P1", FIRST_RESPONSE): "30 minutes (24/7)", ("P2", FIRST_RESPONSE): "2 bh"},
    )
    acme.tenant_admin.language = "es"
    acme.tenant_admin.save(update_fields=["language"])
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    url = f"/admin/sla/supportplan/{plan.pk}/matrix/"
    html = client.get(url).content.decode()
    assert "Objetivos de Enterprise por prioridad" in html
    assert 'value="30 minutos (24/7)"' in html
    assert 'value="2 horas hábiles"' in html
    assert "Guardar la matriz" in html
    # The Spanish cells are read back as they are shown; a new one is read in Spanish.
    data = {"calendar": plan.calendar_id}
    for priority in ("P1", "P2", "P3", "P4"):
        for metric in (FIRST_RESPONSE, RESOLUTION):
            data[f"cell_{priority}_{metric}"] = "N/A"
    data[f"cell_P1_{FIRST_RESPONSE}"] = "30 minutos (24/7)"
    data[f"cell_P2_{FIRST_RESPONSE}"] = "2 horas hábiles"
    data[f"cell_P3_{FIRST_RESPONSE}"] = "3 días hábiles"
    response = client.post(url, data, follow=True)
    assert "Se guardó la matriz del ANS de Enterprise (" in response.content.decode()
    stored = {
        (t.priority, t.metric): t.spec
        for t in SlaTarget.objects.filter(plan=plan, clock="business")
    }
    assert stored[("P2", FIRST_RESPONSE)] == TargetSpec(BUSINESS, 2, "hours")
    assert stored[("P3", FIRST_RESPONSE)] == TargetSpec(BUSINESS, 3, "days")
    p1 = SlaTarget.objects.get(plan=plan, priority="P1", metric=FIRST_RESPONSE)
    assert p1.spec == TargetSpec(ALWAYS, 30, "minutes")
    bad = client.post(url, {**data, f"cell_P4_{RESOLUTION}": "pronto"}).content.decode()
    assert "«pronto» no es un objetivo que podamos leer" in bad


@pytest.mark.django_db
def test_colombian_holidays_imported_in_the_readers_language(acme):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    form = {"country": "CO", "subdivision": "", "first_year": "2026", "last_year": "2026"}

    spanish_calendar = BusinessCalendarFactory(tenant=acme.tenant, time_zone=BOGOTA)
    acme.tenant_admin.language = "es"
    acme.tenant_admin.save(update_fields=["language"])
    url = f"/admin/sla/businesscalendar/{spanish_calendar.pk}/import-holidays/"
    page = client.get(url).content.decode()
    assert "Importar festivos oficiales" in page
    assert "Colombia (CO)" in page and "Estados Unidos (US)" in page
    response = client.post(url, form, follow=True)
    assert "Se importaron 19 festivos" in response.content.decode()
    names = dict(Holiday.objects.filter(calendar=spanish_calendar).values_list("date", "name"))
    assert names[date(2026, 1, 1)] == "Año Nuevo"
    assert names[date(2026, 1, 12)] == "Día de los Reyes Magos (observado)"

    english_calendar = BusinessCalendarFactory(tenant=acme.tenant, time_zone=BOGOTA)
    acme.tenant_admin.language = "en"
    acme.tenant_admin.save(update_fields=["language"])
    url = f"/admin/sla/businesscalendar/{english_calendar.pk}/import-holidays/"
    response = client.post(url, form, follow=True)
    assert "Imported 19 holidays" in response.content.decode()
    names = dict(Holiday.objects.filter(calendar=english_calendar).values_list("date", "name"))
    assert names[date(2026, 1, 1)] == "New Year's Day"
