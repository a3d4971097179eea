from django import template
from django.utils import timezone

register = template.Library()

STATUS_CLASSES = {
    "new": "status-new",
    "in_progress": "status-progress",
    "on_hold": "status-hold",
    "resolved": "status-resolved",
    "closed": "status-closed",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "")


def compact_duration(seconds: float) -> str:
    """“2 d 3 h”, “1 h 40 m”, “12 m”, “< 1 m”: the two largest units."""
    seconds = int(abs(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} m")
    return " ".join(parts[:2]) or "< 1 m"


@register.filter
def duration(seconds) -> str:
    return "" if seconds is None else compact_duration(seconds)


@register.simple_tag
def sla_badge(metric, now=None) -> dict:
    """Text and colour of one SLA metric for engineers: time left, paused, breached, met."""
    now = now or timezone.now()
    state = metric.state if metric else "none"
    if state == "running":
        at_risk = (metric.elapsed_fraction or 0) >= 0.75
        left = compact_duration(metric.remaining_seconds or 0)
        business = "24/7" not in metric.target_label
        return {
            "text": f"{left} {'business time ' if business else ''}left",
            "css": "sla-risk" if at_risk else "sla-ok",
        }
    if state == "paused":
        return {"text": "paused", "css": "sla-paused"}
    if state == "breached":
        ago = compact_duration((now - metric.due_at).total_seconds()) if metric.due_at else ""
        ended = metric.ended_at is not None and metric.due_at and metric.ended_at > metric.due_at
        if ended and metric.metric == "first_response":
            return {"text": "breached", "css": "sla-breached"}
        return {"text": f"breached {ago} ago" if ago else "breached", "css": "sla-breached"}
    if state == "met":
        return {"text": "met", "css": "sla-met"}
    return {"text": "no target", "css": "sla-none"}


@register.simple_tag
def status_label(value: str, staff: bool = False) -> str:
    from ..models import STAFF_STATUS_LABELS, Status

    if value not in Status.values:
        return value or ""
    return STAFF_STATUS_LABELS[Status(value)] if staff else Status(value).label


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
