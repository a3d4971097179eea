"""What people read about an SLA clock: durations, local times and the explanation of a
due time ("Business, P2: resolution target 16 business hours. It runs on business hours …"),
in the active language (:mod:`sla.words`), without Django when it is not there.
"""

from __future__ import annotations

from datetime import datetime

from . import clock
from .states import BREACHED, FIRST_RESPONSE, MET, PAUSED
from .targets import ALWAYS, format_target
from .words import date_time, gettext, ngettext


def format_duration(seconds: int | float) -> str:
    """ "1 h 40 m", "45 m", "2 d 3 h" (days only beyond 48 hours), "0 m"; in Spanish
    "1 h 40 min", "45 min", "2 d 3 h"."""
    seconds = int(abs(seconds))
    minutes = seconds // 60
    hours, minutes = divmod(minutes, 60)
    values = {"seconds": seconds, "minutes": minutes, "hours": hours}
    if hours >= 48:
        days, hours = divmod(hours, 24)
        values.update(days=days, hours=hours)
        if hours:
            return gettext("%(days)s d %(hours)s h") % values
        return gettext("%(days)s d") % values
    if hours and minutes:
        return gettext("%(hours)s h %(minutes)s m") % values
    if hours:
        return gettext("%(hours)s h") % values
    if minutes or seconds >= 60 or not seconds:
        return gettext("%(minutes)s m") % values
    return gettext("%(seconds)s s") % values


def format_local(moment: datetime, tz) -> str:
    """``moment`` on the calendar's wall clock, as people read it: "Mon 9 Feb 2026, 08:00
    PST" (the active language's DATETIME_FORMAT; "lun. 9 feb. 2026, 08:00 PST")."""
    # Imported here: importing the helpdesk package starts Django's Celery app, and this
    # module imports without Django (the arithmetic is pure).
    from helpdesk.zones import readable_zone, zone_abbreviation

    local = moment.astimezone(tz)
    fallback = f"{local:%a} {local.day} {local:%b %Y, %H:%M} {zone_abbreviation(local)}"
    key = getattr(tz, "key", None)
    return date_time(local.astimezone(readable_zone(key)) if key else local, fallback)


def explanation_lines(
    *,
    book,
    rule,
    facts,
    metric,
    pauses,
    due,
    state,
    ended,
    kept,
    stopped_by_resolution,
    maintenance=(),
    horizon=None,
) -> tuple[str, ...]:
    """The explanation of one metric's due time, line by line."""
    cal = rule.calendar
    tz = cal.zone
    values = {
        "plan": book.plan_name,
        "priority": facts.priority,
        "target": format_target(rule.spec),
    }
    if metric == FIRST_RESPONSE:
        lines = [gettext("%(plan)s, %(priority)s: first response target %(target)s.") % values]
    else:
        lines = [gettext("%(plan)s, %(priority)s: resolution target %(target)s.") % values]
    if rule.spec.clock == ALWAYS:
        lines.append(
            gettext("It runs on the 24/7 clock: real elapsed time, nights and holidays included.")
        )
    else:
        hours = {"hours": cal.describe(), "day": format_duration(cal.business_day_minutes * 60)}
        if rule.calendar_name:
            lines.append(
                gettext(
                    "It runs on business hours “%(calendar)s”: %(hours)s, holidays excluded; a "
                    "business day is %(day)s."
                )
                % {**hours, "calendar": rule.calendar_name}
            )
        else:
            lines.append(
                gettext(
                    "It runs on business hours: %(hours)s, holidays excluded; a business day "
                    "is %(day)s."
                )
                % hours
            )
    lines.append(gettext("Opened %(when)s.") % {"when": format_local(facts.opened_at, tz)})
    if rule.spec.clock != ALWAYS:
        start = clock.next_open(cal, facts.opened_at)
        if start > facts.opened_at:
            lines.append(
                gettext("Outside business hours: the clock started at %(when)s.")
                % {"when": format_local(start, tz)}
            )
    if metric == FIRST_RESPONSE:
        lines.append(gettext("The first public reply by staff stops this clock; it never pauses."))
        if stopped_by_resolution:
            lines.append(
                gettext("The ticket was resolved without a public reply, which stopped it.")
            )
    elif pauses:
        paused_us = sum(cal.between_us(a, b) for a, b in pauses if b is not None)
        count = len(pauses)
        if paused_us:
            duration = format_duration(paused_us // clock.US)
            if rule.spec.clock != ALWAYS:
                text = ngettext(
                    "Paused once (On hold or Resolved); %(duration)s of business time did not "
                    "count.",
                    "Paused %(count)s times (On hold or Resolved); %(duration)s of business "
                    "time did not count.",
                    count,
                )
            else:
                text = ngettext(
                    "Paused once (On hold or Resolved); %(duration)s of elapsed time did not "
                    "count.",
                    "Paused %(count)s times (On hold or Resolved); %(duration)s of elapsed "
                    "time did not count.",
                    count,
                )
        else:
            duration = ""
            text = ngettext(
                "Paused once (On hold or Resolved).",
                "Paused %(count)s times (On hold or Resolved).",
                count,
            )
        lines.append(text % {"count": count, "duration": duration})
    lines.extend(_maintenance_lines(cal, maintenance, horizon))
    if due is not None:
        lines.append(gettext("Due %(when)s.") % {"when": format_local(due, tz)})
    elif state == PAUSED:
        lines.append(
            gettext("No due time while the clock is paused; it resumes when the ticket does.")
        )
    if kept:
        if state == MET:
            lines.append(gettext("Met before the last recomputation; the outcome is kept."))
        else:
            lines.append(gettext("Breached before the last recomputation; the outcome is kept."))
    elif state == MET and ended is not None:
        lines.append(gettext("Met at %(when)s.") % {"when": format_local(ended, tz)})
    elif state == BREACHED and ended is not None:
        lines.append(gettext("Breached at %(when)s.") % {"when": format_local(ended, tz)})
    return tuple(lines)


def _maintenance_lines(cal, windows, horizon) -> list[str]:
    """One line per declared maintenance window that paused the clock, with the clock time
    it held (a window still running counts up to ``horizon``)."""
    lines = []
    tz = cal.zone
    for window in windows:
        end = window.end if horizon is None or window.end <= horizon else horizon
        held = (
            cal.between_us(clock.to_us(window.start), clock.to_us(end)) if end > window.start else 0
        )
        values = {
            "duration": format_duration(held // clock.US),
            "title": window.title,
            "start": format_local(window.start, tz),
            "end": format_local(window.end, tz),
        }
        if end < window.end:
            text = gettext(
                "Paused during the declared maintenance “%(title)s” (%(start)s – %(end)s), "
                "still under way: %(duration)s so far."
            )
        else:
            text = gettext(
                "Paused %(duration)s during the declared maintenance “%(title)s” "
                "(%(start)s – %(end)s)."
            )
        lines.append(text % values)
    return lines
