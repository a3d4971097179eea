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

from sla.engine import BREACHED, MET, NONE, PAUSED, RUNNING, format_duration

register = template.Library()


@register.filter
def sla_duration(seconds) -> str:
    """Seconds as "1 h 40 m", "45 m", "3 d 2 h"."""
    if seconds is None:
        return ""
    return format_duration(seconds)


@register.filter
def sla_badge_text(status) -> str:
    if status is None or status.state == NONE:
        return "no target"
    if status.state == MET:
        return "met"
    if status.state == PAUSED:
        return "paused"
    remaining = status.remaining_seconds or 0
    if status.state == BREACHED:
        overdue = -remaining
        return f"breached {format_duration(overdue)} ago" if overdue >= 60 else "breached just now"
    if remaining <= 0:
        return "due now"
    clock = "business time left" if status.is_business_clock else "left"
    return f"{format_duration(remaining)} {clock}"


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
def sla_explanation(statuses, summary="How was this computed?"):
    values = statuses.values() if hasattr(statuses, "values") else statuses
    return {"statuses": [s for s in values if s.explanation], "summary": summary}
