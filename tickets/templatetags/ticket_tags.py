from django import template

from ..models import STAFF_STATUS_LABELS, Channel, Status

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


@register.simple_tag
def status_label(value: str, staff: bool = False) -> str:
    if value not in Status.values:
        return value or ""
    return STAFF_STATUS_LABELS[Status(value)] if staff else Status(value).label


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def channel_label(value: str) -> str:
    """“phone”, “email”, “portal”, as people read it."""
    return str(Channel(value).label).lower() if value in Channel.values else ""
