"""Showing SLA statuses: ``{% load sla_tags %}``.

* ``{% sla_badge status %}`` — the engineer's badge: "1 h 40 m business time left", "paused",
  "breached 20 m ago", with at-risk colouring from 75 % elapsed.
* ``{% sla_promise status %}`` — the customer's line: "We will respond by …" /
  "Target resolution by …" (in the active time zone).
* ``{% sla_explanation statuses %}`` — the "How was this computed?" disclosure.
* ``{{ seconds|sla_duration }}``, ``{{ status|sla_badge_text }}``, ``{{ status|sla_badge_class }}``.

Pages that show badges link the stylesheet ``sla/sla.css``.
"""

from django import template
from django.utils.translation import gettext_lazy, pgettext

from sla.engine import BREACHED, MET, NONE, PAUSED, RUNNING, format_duration

register = template.Library()


@register.filter
def sla_duration(seconds) -> str:
    """Seconds as "1 h 40 m", "45 m", "3 d 2 h" (Spanish: "1 h 40 min")."""
    if seconds is None:
        return ""
    return format_duration(seconds)


@register.filter
def sla_badge_text(status) -> str:
    if status is None or status.state == NONE:
        return pgettext("sla badge", "no target")
    if status.state == MET:
        return pgettext("sla badge", "met")
    if status.state == PAUSED:
        return pgettext("sla badge", "paused")
    remaining = status.remaining_seconds or 0
    if status.state == BREACHED:
        overdue = -remaining
        if overdue < 60:
            return pgettext("sla badge", "breached just now")
        return pgettext("sla badge", "breached %(duration)s ago") % {
            "duration": format_duration(overdue)
        }
    if remaining <= 0:
        return pgettext("sla badge", "due now")
    values = {"duration": format_duration(remaining)}
    if status.is_business_clock:
        return pgettext("sla badge", "%(duration)s business time left") % values
    return pgettext("sla badge", "%(duration)s left") % values


@register.filter
def sla_target(status) -> str:
    """The status's target in the active language ("4 business hours" / "4 horas hábiles")."""
    return "" if status is None else status.target_text


@register.filter
def sla_badge_class(status) -> str:
    state = NONE if status is None else status.state
    classes = ["badge", "sla-badge", f"sla-{state}"]
    if state == RUNNING and status.at_risk:
        classes.append("sla-at-risk")
    if state == MET:
        classes.append("badge-ok")
    return " ".join(classes)


@register.inclusion_tag("sla/badge.html")
def sla_badge(status, label=""):
    return {"status": status, "label": label}


@register.inclusion_tag("sla/promise.html")
def sla_promise(status):
    return {"status": status}


@register.inclusion_tag("sla/explanation.html")
def sla_explanation(statuses, summary=None):
    values = statuses.values() if hasattr(statuses, "values") else statuses
    return {
        "statuses": [s for s in values if s.explanation],
        "summary": summary or gettext_lazy("How was this computed?"),
    }
