"""Writes for SLA: calendars, holidays, plan matrices, and recomputing open tickets."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import holidays as holidays_lib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.priorities import Priority
from helpdesk.tenant_data import tenant_data_changed

from . import clock
from .models import (
    BusinessCalendar,
    Holiday,
    Metric,
    SlaMatrixRevision,
    SlaTarget,
    SupportPlan,
    WeeklyInterval,
)
from .targets import BUSINESS, TargetSpec


def _same_tenant(*objects) -> bool:
    tenants = {obj.tenant_id for obj in objects if obj is not None}
    return len(tenants) <= 1


# --------------------------------------------------------------------------------------------
# Calendars
# --------------------------------------------------------------------------------------------


def calendar_interval_errors(*, always_open: bool, intervals: Iterable[tuple]) -> list[str]:
    """Problems with a calendar's (weekday, start time, end time) intervals, for forms."""
    intervals = list(intervals)
    if always_open:
        if intervals:
            return [_("A 24/7 calendar is always open: remove its opening hours or untick “24/7”.")]
        return []
    if not intervals:
        return [_("Add at least one opening interval (e.g. Monday 08:00–17:00).")]
    return clock.weekly_interval_errors(
        (weekday, clock.seconds_of_day(start), clock.seconds_of_day(end, is_end=True))
        for weekday, start, end in intervals
    )


@transaction.atomic
def calendar_set_hours(
    *, calendar: BusinessCalendar, intervals: Iterable[tuple[int, object, object]]
) -> None:
    """Replace the calendar's weekly hours with (weekday, start, end) triples; unchanged rows
    are kept as they are."""
    wanted = {
        (w, clock.seconds_of_day(s), clock.seconds_of_day(e, is_end=True)): (w, s, e)
        for w, s, e in intervals
    }
    errors = calendar_interval_errors(always_open=calendar.always_open, intervals=wanted.values())
    if errors:
        raise ValidationError(errors)
    existing = list(WeeklyInterval.objects.for_tenant(calendar.tenant_id).filter(calendar=calendar))
    for row in existing:
        key = (
            row.weekday,
            clock.seconds_of_day(row.start),
            clock.seconds_of_day(row.end, is_end=True),
        )
        if key in wanted:
            wanted.pop(key)
        else:
            row.delete()
    WeeklyInterval.objects.bulk_create(
        WeeklyInterval(tenant_id=calendar.tenant_id, calendar=calendar, weekday=w, start=s, end=e)
        for w, s, e in wanted.values()
    )
    tenant_data_changed(calendar.tenant_id)


@dataclass(frozen=True)
class HolidayImport:
    created: int
    renamed: int
    unchanged: int


def supported_holiday_countries(language: str | None = None) -> list[tuple[str, str]]:
    """(ISO code, name) of every country the ``holidays`` package knows, sorted by name; named
    in ``language`` (Babel's territory names) other than English ("Colombia", "Estados
    Unidos")."""
    from babel import Locale, UnknownLocaleError
    from holidays.registry import COUNTRIES

    territories = {}
    if language and not language.lower().startswith("en"):
        try:
            territories = Locale.parse(language.replace("-", "_")).territories
        except (ValueError, UnknownLocaleError):
            territories = {}
    names = {}
    for module_name, spec in COUNTRIES.items():
        code = spec[1]
        names[code] = territories.get(code) or module_name.replace("_", " ").title()
    # Accented names sort with their letter ("Áfr…" beside "Afg…").
    return sorted(names.items(), key=lambda item: unicodedata.normalize("NFKD", item[1]))


def holiday_language(*, country: str, language: str | None) -> str | None:
    """The ``holidays`` package's language for a country's holiday names in ``language``
    ("es", "en"): Colombia's in Spanish for a Spanish reader and in English for an English
    one; None (the country's own language) where the package has no such translation."""
    if not language:
        return None
    entity = holidays_lib.country_holidays(country)
    supported = getattr(entity, "supported_languages", ()) or ()
    base = language.split("-")[0].lower()
    for code in supported:
        if code.lower() == language.lower() or code.split("_")[0].lower() == base:
            return code
    return None


def public_holidays(
    *, country: str, years: Iterable[int], subdivision: str = "", language: str | None = None
) -> dict:
    """{date: name} of a country's public holidays with observed dates (a holiday falling on
    a weekend is also observed on the weekday the country moves it to), named in
    ``language`` where the ``holidays`` package has it (else in the country's language)."""
    country = country.strip().upper()
    supported = holidays_lib.list_supported_countries()
    if country not in supported:
        raise ValidationError(
            {"country": _("No holiday list for country “%(country)s”.") % {"country": country}}
        )
    if subdivision and subdivision not in supported[country]:
        choices = ", ".join(supported[country]) or _("none")
        raise ValidationError(
            {
                "subdivision": _(
                    "%(country)s has no subdivision “%(subdivision)s” (known: %(choices)s)."
                )
                % {"country": country, "subdivision": subdivision, "choices": choices}
            }
        )
    found = holidays_lib.country_holidays(
        country,
        subdiv=subdivision or None,
        years=list(years),
        observed=True,
        language=holiday_language(country=country, language=language),
    )
    return dict(found.items())


@transaction.atomic
def calendar_import_holidays(
    *,
    calendar: BusinessCalendar,
    country: str,
    years: Iterable[int],
    subdivision: str = "",
    language: str | None = None,
) -> HolidayImport:
    """Add a country's public holidays (observed dates) for ``years`` to the calendar, named
    in ``language`` (the importing admin's) where the ``holidays`` package translates them.

    Dates already on the calendar keep their row; an imported name fills an empty one.
    Hand-added holidays are never removed.
    """
    if calendar.always_open:
        raise ValidationError(_("A 24/7 calendar has no holidays."))
    found = public_holidays(
        country=country, years=years, subdivision=subdivision, language=language
    )
    existing = {
        h.date: h for h in Holiday.objects.for_tenant(calendar.tenant_id).filter(calendar=calendar)
    }
    created = renamed = unchanged = 0
    new_rows = []
    for day, name in sorted(found.items()):
        row = existing.get(day)
        if row is None:
            new_rows.append(
                Holiday(tenant_id=calendar.tenant_id, calendar=calendar, date=day, name=name[:120])
            )
            created += 1
        elif not row.name:
            row.name = name[:120]
            row.save(update_fields=["name"])
            renamed += 1
        else:
            unchanged += 1
    Holiday.objects.bulk_create(new_rows)
    tenant_data_changed(calendar.tenant_id)
    return HolidayImport(created=created, renamed=renamed, unchanged=unchanged)


# --------------------------------------------------------------------------------------------
# Plans and their matrices
# --------------------------------------------------------------------------------------------


def plan_calendar_errors(*, plan: SupportPlan, calendar: BusinessCalendar | None) -> list[str]:
    if calendar is not None and calendar.tenant_id != plan.tenant_id:
        return [_("Choose a calendar of the plan's own help desk.")]
    return []


Cells = Mapping[tuple[str, str], TargetSpec]


def plan_matrix_errors(
    *, plan: SupportPlan, calendar: BusinessCalendar | None, cells: Cells
) -> list[str]:
    errors = plan_calendar_errors(plan=plan, calendar=calendar)
    if calendar is None and any(spec.clock == BUSINESS for spec in cells.values()):
        errors.append(
            _(
                "Business-hours targets need a business calendar: choose one for this plan, or "
                "write the targets as 24/7."
            )
        )
    for priority, metric in cells:
        if priority not in Priority.values or metric not in Metric.values:
            errors.append(
                _("Unknown cell %(priority)s × %(metric)s.")
                % {"priority": priority, "metric": metric}
            )
    return errors


def plan_matrix_revise(*, plan: SupportPlan, now: datetime | None = None) -> None:
    """Keep the plan's stored matrix (cells and calendar) as the terms of the tickets opened
    so far, before it is changed: they count on it until an admin recomputes them.

    A plan that had neither cells nor a calendar promised nothing, so it needs no revision.
    """
    now = now or timezone.now()
    stored = SupportPlan.objects.for_tenant(plan.tenant_id).filter(pk=plan.pk)
    calendar_id = stored.values_list("calendar_id", flat=True).first()
    cells = [
        [t.priority, t.metric, t.clock, t.amount, t.unit, t.pause_during_maintenance]
        for t in SlaTarget.objects.for_tenant(plan.tenant_id)
        .filter(plan_id=plan.pk)
        .order_by("priority", "metric")
    ]
    if not cells and calendar_id is None:
        return
    SlaMatrixRevision.objects.create(
        tenant_id=plan.tenant_id, plan=plan, replaced_at=now, calendar_id=calendar_id, cells=cells
    )
    plan.matrix_changed_at = now
    stored.update(matrix_changed_at=now)
    tenant_data_changed(plan.tenant_id)


@transaction.atomic
def plan_set_matrix(
    *,
    plan: SupportPlan,
    calendar: BusinessCalendar | None,
    cells: Cells,
    targets_are_examples: bool | None = None,
    pauses: dict | None = None,
) -> int:
    """Store a plan's calendar and matrix cells in one go; returns how many cells changed.

    Cells not given keep their value. ``pauses`` maps a cell to whether its clock stands
    still during declared maintenance (cells not in it keep theirs). The new matrix applies
    to tickets opened from now on; open tickets keep the terms they were given (the matrix
    is kept as a revision) until an admin recomputes them
    (``tickets.services.sla.sla_recompute_open_tickets``).
    """
    errors = plan_matrix_errors(plan=plan, calendar=calendar, cells=cells)
    if errors:
        raise ValidationError(errors)
    existing = {
        (t.priority, t.metric): t
        for t in SlaTarget.objects.for_tenant(plan.tenant_id).filter(plan=plan)
    }
    wanted = {
        cell: {"clock": spec.clock, "amount": spec.amount, "unit": spec.unit or ""}
        for cell, spec in cells.items()
    }
    for cell, pause in (pauses or {}).items():
        if cell in wanted:
            wanted[cell]["pause_during_maintenance"] = bool(pause)
    changed_cells = [
        cell
        for cell, values in wanted.items()
        if cell not in existing
        or any(getattr(existing[cell], key) != value for key, value in values.items())
    ]
    calendar_changes = plan.calendar_id != (calendar.pk if calendar else None)
    if changed_cells or calendar_changes:
        plan_matrix_revise(plan=plan)
    plan_fields = []
    if calendar_changes:
        plan.calendar = calendar
        plan_fields.append("calendar")
    if targets_are_examples is not None and plan.targets_are_examples != targets_are_examples:
        plan.targets_are_examples = targets_are_examples
        plan_fields.append("targets_are_examples")
    if plan_fields:
        plan.save(update_fields=plan_fields)
    for cell in changed_cells:
        values = wanted[cell]
        row = existing.get(cell)
        if row is None:
            priority, metric = cell
            SlaTarget.objects.create(
                tenant_id=plan.tenant_id, plan=plan, priority=priority, metric=metric, **values
            )
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.save(update_fields=list(values))
    return len(changed_cells)


# --------------------------------------------------------------------------------------------
# Recomputing open tickets
# --------------------------------------------------------------------------------------------

# The tickets app recomputes its open tickets (tickets.services.sla.sla_recompute_open_tickets):
# sla sits below tickets, so it keeps only the plans' side of a recompute here.


def plans_to_recompute(*, tenant, plan: SupportPlan | None = None):
    """The plans a recompute of ``tenant``'s open tickets covers (``plan``, or all)."""
    if plan is not None and plan.tenant_id != tenant.pk:
        raise ValidationError(_("That plan belongs to another help desk."))
    plans = SupportPlan.objects.for_tenant(tenant)
    return plans.filter(pk=plan.pk) if plan is not None else plans


def plans_terms_renew(*, tenant, plan: SupportPlan | None = None) -> None:
    """From now on every ticket of the plans (``plan``, or all of ``tenant``'s) runs on the
    matrix in force: the revisions kept for the tickets opened before are removed. The
    caller stores the tickets' new due times in the same transaction."""
    plans = plans_to_recompute(tenant=tenant, plan=plan).select_for_update()
    now = timezone.now()
    for row in plans.order_by("pk"):
        # Never before the last save, whatever another process's clock says: every ticket
        # of the plan moves to the matrix in force.
        recomputed = max(now, row.matrix_changed_at or now)
        SupportPlan.objects.filter(pk=row.pk).update(tickets_recomputed_at=recomputed)
        SlaMatrixRevision.objects.for_tenant(tenant).filter(plan_id=row.pk).delete()
    tenant_data_changed(tenant.pk)
