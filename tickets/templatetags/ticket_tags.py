from html import escape as html_escape

from django import template
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..models import STAFF_STATUS_LABELS, Channel, Status

register = template.Library()


def escape_text(value) -> str:
    """``value`` escaped as Django's ``escape`` does it (the same entities), without its
    lazy-string wrapper, which costs more than the escaping where a page escapes hundreds
    of values (menus, queue rows)."""
    return html_escape(str(value))


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


@register.simple_tag
def select_options(choices, selected) -> str:
    """``<option>`` elements of ``choices`` ((value, label) pairs), the one equal to
    ``selected`` selected: one tag for a menu of hundreds of organizations, where a template
    loop reads four variables an option."""
    chosen = "" if selected is None else str(selected)
    options = []
    for value, label in choices:
        value = str(value)
        mark = " selected" if value == chosen else ""
        options.append(f'<option value="{escape_text(value)}"{mark}>{escape_text(label)}</option>')
    return mark_safe("".join(options))  # noqa: S308 - values and labels escaped


@register.simple_tag
def timeline_items(ticket, timeline, staff) -> str:
    """The conversation's messages and events (``tickets.views.timeline_html``)."""
    from ..views.timeline_html import timeline_items_html

    return timeline_items_html(ticket=ticket, timeline=timeline, staff=bool(staff))


@register.simple_tag
def ticket_files(ticket, files, staff) -> str:
    """A ticket's files as download links (``tickets.views.timeline_html``)."""
    from ..views.timeline_html import files_html

    return mark_safe(files_html(ticket=ticket, files=files, staff=bool(staff)))  # noqa: S308 - escaped there


@register.simple_tag
def attachments_field(form, kept=()) -> str:
    """The file input of ``form`` (its ``files`` field, and ``kept`` when it has one) with
    the files ``kept`` from a rejected submission: the markup the ticket forms share,
    written in Python as ``form_field`` is (the ticket page shows it twice)."""
    field = form["files"]
    errors = field.errors
    hidden = form["kept"] if "kept" in form.fields else ""
    optional = conditional_escape(gettext("optional"))
    help_text = gettext(
        "Several files at once: screenshots, logs, PDF, ZIP or Office documents, up to "
        "%(size)s MB each."
    ) % {"size": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
    parts = [
        f'\n<div class="field{" field-invalid" if errors else ""}">\n'
        f'  <label for="{conditional_escape(field.id_for_label)}">'
        f"{conditional_escape(field.label)} "
        f'<span class="muted">({optional})</span></label>\n'
        f"  {field}\n  {hidden}\n"
        f'  <div class="help">{help_text}</div>\n  ',
        *(f'<div class="error" role="alert">{conditional_escape(e)}</div>' for e in errors),
        "\n  ",
    ]
    if kept:
        files = "".join(
            f"<li>{conditional_escape(file.original_name)} "
            f'<span class="muted small">({filesizeformat(file.size)})</span></li>'
            for file in kept
        )
        heading = conditional_escape(gettext("Already uploaded, sent with this form:"))
        parts.append(
            '\n  <div class="kept-files">\n'
            f'    <p class="small">{heading}</p>\n'
            f'    <ul class="plain-list">{files}</ul>\n  </div>\n  '
        )
    parts.append("\n</div>\n")
    return mark_safe("".join(parts))  # noqa: S308 - values escaped; the texts are ours
