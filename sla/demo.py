"""The SLA tables of the two demo help desks, written as the documents state them.

``seed_sla()`` is idempotent and keeps an admin's work: it creates what is missing (a
calendar with its hours and holidays, a plan, a matrix cell never set, the holidays of a year
not imported yet) and never changes what exists, so an edited cell or a deleted holiday stays
as the admin left it. ``reset=True`` (``manage.py reset_demo``, and ``sla_seed`` on a real
deployment) brings calendars, plans and cells back to the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Tenant

from .models import BusinessCalendar, Holiday, SlaTarget, SupportPlan
from .services import calendar_import_holidays, calendar_set_hours, plan_set_matrix
from .targets import parse_target

FR = "first_response"
RES = "resolution"
WEEKDAYS = range(5)


@dataclass(frozen=True)
class CalendarSeed:
    name: str
    time_zone: str
    opens: time
    closes: time
    business_day_minutes: int
    holiday_country: str
    # The name an earlier demo gave the calendar: a help desk seeded then keeps its own.
    former_name: str = ""


def _row(p1, p2, p3, p4=None):
    """A plan's matrix from (first response, resolution) pairs per priority; P4 as P3 unless
    given."""
    p4 = p4 or p3
    cells = {}
    for priority, (first, resolution) in zip(
        ("P1", "P2", "P3", "P4"), (p1, p2, p3, p4), strict=True
    ):
        cells[(priority, FR)] = first
        cells[(priority, RES)] = resolution
    return cells


# Invoca's published tables ("P2 or lower" covers P3 and P4).
INVOCA_MATRIX = {
    "Mission Critical": _row(
        ("1 hour (24/7)", "7 business days"),
        ("4 business hours", "10 business days"),
        ("8 business hours", "N/A"),
    ),
    "Premium": _row(
        ("2 business hours", "7 business days"),
        ("4 business hours", "10 business days"),
        ("8 business hours", "N/A"),
    ),
    "Core": _row(
        ("8 business hours", "N/A"),
        ("16 business hours", "N/A"),
        ("24 business hours", "N/A"),
    ),
    "Basic": _row(
        ("12 business hours", "N/A"),
        ("24 business hours", "N/A"),
        ("32 business hours", "N/A"),
    ),
}

# IVCISA publishes no numbers ("consult your service agreement"); only that P1 is covered
# 24/7/365. These are example values for the tenant to replace with its contracts' terms.
IVCISA_MATRIX = {
    "Enterprise": _row(
        ("30 minutes (24/7)", "4 hours (24/7)"),
        ("2 business hours", "2 business days"),
        ("4 business hours", "5 business days"),
        ("8 business hours", "10 business days"),
    ),
    "Business": _row(
        ("1 hour (24/7)", "8 hours (24/7)"),
        ("4 business hours", "3 business days"),
        ("8 business hours", "7 business days"),
        ("2 business days", "15 business days"),
    ),
    "Essentials": _row(
        ("2 hours (24/7)", "24 hours (24/7)"),
        ("8 business hours", "5 business days"),
        ("2 business days", "10 business days"),
        ("3 business days", "N/A"),
    ),
}

# What each plan offers, as the help desk's customers read it (IVCISA writes in Spanish).
# Set when a plan is created; an admin's own wording stays.
DESCRIPTIONS = {
    "invoca": {
        "Mission Critical": "Around-the-clock first response for P1 incidents and the fastest "
        "resolution targets, for operations that cannot wait.",
        "Premium": "Priority handling in business hours with resolution targets for P1 and P2.",
        "Core": "Business-hours support with first-response targets for every priority.",
        "Basic": "Business-hours support for everyday questions.",
    },
    "ivcisa": {
        "Enterprise": "Atención 24/7/365 de los incidentes P1 con los objetivos de primera "
        "respuesta y resolución más cortos, para operaciones que no pueden detenerse.",
        "Business": "Atención 24/7 de los incidentes P1 y soporte en horario hábil para las "
        "demás prioridades, con objetivos de resolución.",
        "Essentials": "Soporte en horario hábil para las consultas del día a día; los "
        "incidentes P1 se atienden 24/7.",
    },
}

SEEDS = {
    "invoca": {
        "calendar": CalendarSeed(
            "Invoca business hours", "America/Los_Angeles", time(8), time(17), 9 * 60, "US"
        ),
        "matrix": INVOCA_MATRIX,
        "examples": False,
    },
    "ivcisa": {
        "calendar": CalendarSeed(
            "Horario hábil IVCISA",
            "America/Bogota",
            time(8),
            time(18),
            10 * 60,
            "CO",
            former_name="IVCISA business hours",
        ),
        "matrix": IVCISA_MATRIX,
        "examples": True,
    },
}
ALWAYS_OPEN_NAME = "24/7"


def holiday_years(today=None) -> range:
    """Years whose holidays are imported: from 2025 (the oldest tickets the demo shows) to
    three years ahead."""
    year = (today or timezone.now()).year
    return range(min(2025, year - 1), max(2030, year + 3) + 1)


def _seed_calendar(tenant: Tenant, cal_seed: CalendarSeed, *, reset: bool) -> tuple:
    """The tenant's business calendar and how many holidays were added. A new calendar (or a
    reset) gets the seed's hours; holidays are imported for the years that have none yet, so
    a holiday an admin removed does not come back."""
    values = {
        "time_zone": cal_seed.time_zone,
        "business_day_minutes": cal_seed.business_day_minutes,
        "always_open": False,
    }
    names = [cal_seed.name, cal_seed.former_name] if cal_seed.former_name else [cal_seed.name]
    calendar = BusinessCalendar.objects.filter(tenant=tenant, name__in=names).order_by("pk").first()
    created = calendar is None
    if created or reset:
        calendar = calendar or BusinessCalendar(tenant=tenant)
        calendar.name = cal_seed.name
        for field, value in values.items():
            setattr(calendar, field, value)
        calendar.save()
        calendar_set_hours(
            calendar=calendar,
            intervals=[(day, cal_seed.opens, cal_seed.closes) for day in WEEKDAYS],
        )
    if calendar.always_open:
        return calendar, 0
    years = list(holiday_years())
    if not reset:
        done = set(
            Holiday.objects.for_tenant(tenant)
            .filter(calendar=calendar)
            .values_list("date__year", flat=True)
        )
        years = [year for year in years if year not in done]
    if not years:
        return calendar, 0
    imported = calendar_import_holidays(
        calendar=calendar,
        country=cal_seed.holiday_country,
        years=years,
        language=tenant.default_language or None,
    )
    return calendar, imported.created


@transaction.atomic
def seed_tenant_sla(tenant: Tenant, *, reset: bool = False) -> dict:
    """Create one tenant's missing calendars, plans and matrix cells (``reset``: bring the
    existing ones back to the tables too); returns what it did."""
    spec = SEEDS[tenant.slug]
    cal_seed: CalendarSeed = spec["calendar"]
    calendar, holidays_added = _seed_calendar(tenant, cal_seed, reset=reset)
    always_open = {
        "time_zone": cal_seed.time_zone,
        "business_day_minutes": 24 * 60,
        "always_open": True,
    }
    if reset:
        BusinessCalendar.objects.update_or_create(
            tenant=tenant, name=ALWAYS_OPEN_NAME, defaults=always_open
        )
    else:
        BusinessCalendar.objects.get_or_create(
            tenant=tenant, name=ALWAYS_OPEN_NAME, defaults=always_open
        )
    changed = 0
    existing = {p.slug: p for p in SupportPlan.objects.for_tenant(tenant)}
    for position, (name, cells) in enumerate(spec["matrix"].items()):
        plan = existing.get(slugify(name))
        new_plan = plan is None
        if new_plan:
            plan = SupportPlan.objects.create(
                tenant=tenant,
                name=name,
                slug=slugify(name),
                position=position,
                description=DESCRIPTIONS.get(tenant.slug, {}).get(name, ""),
            )
        elif not plan.description and DESCRIPTIONS.get(tenant.slug, {}).get(name):
            # A plan seeded before it had a description gets one; a written one stays.
            plan.description = DESCRIPTIONS[tenant.slug][name]
            plan.save(update_fields=["description"])
        present = set(
            SlaTarget.objects.for_tenant(tenant).filter(plan=plan).values_list("priority", "metric")
        )
        # A plan without a single cell is still the seed's to fill in.
        fresh = reset or new_plan or not present
        if not reset:
            cells = {cell: text for cell, text in cells.items() if cell not in present}
            if not cells and not fresh:
                continue
        changed += plan_set_matrix(
            plan=plan,
            calendar=calendar if fresh or plan.calendar_id is None else plan.calendar,
            cells={cell: parse_target(text) for cell, text in cells.items()},
            targets_are_examples=spec["examples"] if fresh else None,
        )
    return {"tenant": tenant.slug, "holidays_added": holidays_added, "cells_changed": changed}


def seed_sla(*, slugs=None, reset: bool = False) -> list[dict]:
    """Seed the SLA tables of the demo tenants that exist (all of them, or ``slugs``);
    ``reset`` brings what exists back to the tables."""
    wanted = list(SEEDS) if slugs is None else list(slugs)
    unknown = [slug for slug in wanted if slug not in SEEDS]
    if unknown:
        raise KeyError(f"No SLA seed for {', '.join(unknown)}; known: {', '.join(SEEDS)}.")
    results = []
    for tenant in Tenant.objects.filter(slug__in=wanted).order_by("slug"):
        results.append(seed_tenant_sla(tenant, reset=reset))
    return results
