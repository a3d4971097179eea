"""The SLA tables of the two demo help desks, written as the documents state them.

``seed_sla()`` is idempotent: it creates what is missing and resets what differs, so running
it twice changes nothing. A real deployment runs the same code with
``python manage.py sla_seed --tenant invoca``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Tenant

from .models import BusinessCalendar, SupportPlan
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
            "IVCISA business hours", "America/Bogota", time(8), time(18), 10 * 60, "CO"
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


@transaction.atomic
def seed_tenant_sla(tenant: Tenant) -> dict:
    """Create or refresh one tenant's calendars, plans and matrices; returns what it did."""
    spec = SEEDS[tenant.slug]
    cal_seed: CalendarSeed = spec["calendar"]
    calendar, _ = BusinessCalendar.objects.update_or_create(
        tenant=tenant,
        name=cal_seed.name,
        defaults={
            "time_zone": cal_seed.time_zone,
            "business_day_minutes": cal_seed.business_day_minutes,
            "always_open": False,
        },
    )
    calendar_set_hours(
        calendar=calendar,
        intervals=[(day, cal_seed.opens, cal_seed.closes) for day in WEEKDAYS],
    )
    imported = calendar_import_holidays(
        calendar=calendar, country=cal_seed.holiday_country, years=holiday_years()
    )
    BusinessCalendar.objects.update_or_create(
        tenant=tenant,
        name=ALWAYS_OPEN_NAME,
        defaults={
            "time_zone": cal_seed.time_zone,
            "business_day_minutes": 24 * 60,
            "always_open": True,
        },
    )
    changed = 0
    existing = {p.slug: p for p in SupportPlan.objects.for_tenant(tenant)}
    for position, (name, cells) in enumerate(spec["matrix"].items()):
        plan = existing.get(slugify(name))
        if plan is None:
            plan = SupportPlan.objects.create(
                tenant=tenant, name=name, slug=slugify(name), position=position
            )
        changed += plan_set_matrix(
            plan=plan,
            calendar=calendar,
            cells={cell: parse_target(text) for cell, text in cells.items()},
            targets_are_examples=spec["examples"],
        )
    return {"tenant": tenant.slug, "holidays_added": imported.created, "cells_changed": changed}


def seed_sla(*, slugs=None) -> list[dict]:
    """Seed the SLA tables of the demo tenants that exist (all of them, or ``slugs``)."""
    wanted = list(SEEDS) if slugs is None else list(slugs)
    unknown = [slug for slug in wanted if slug not in SEEDS]
    if unknown:
        raise KeyError(f"No SLA seed for {', '.join(unknown)}; known: {', '.join(SEEDS)}.")
    results = []
    for tenant in Tenant.objects.filter(slug__in=wanted).order_by("slug"):
        results.append(seed_tenant_sla(tenant))
    return results
