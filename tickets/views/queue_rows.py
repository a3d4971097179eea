"""The queue's rows as HTML, written once per row in Python.

The page's other parts are a template; the rows are the part that repeats. Rendered by the
template engine, 25 rows read about 500 template variables, filters and translations; here
each row is one string with every value escaped, and the page's words are translated once.
The markup is what the template wrote.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone
from django.utils.dateformat import format as date_format_string
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sla.engine import NONE
from sla.templatetags.sla_tags import sla_badge_class, sla_badge_text

from ..models import STAFF_STATUS_LABELS, Channel, Status, Ticket
from ..templatetags.ticket_tags import escape_text as _e
from ..templatetags.ticket_tags import status_class

NOBODY = '<span class="muted">—</span>'


def _sla_words() -> dict[str, str]:
    """The SLA cell's sentences in the active language, translated once per page."""
    return {
        "first_title": _("First response · %(target)s"),
        "first_text": _("FR %(state)s"),
        "resolution_title": _("Resolution · %(target)s"),
    }


def _sla_cell(ticket: Ticket, outcome, words: dict[str, str]) -> str:
    """The SLA badge: first response while it is owed, else resolution (as the ticket page
    puts it)."""
    if not outcome:
        return ""
    first = outcome["first_response"]
    if not ticket.first_response_at and first.state != NONE:
        css = sla_badge_class(first)
        title = words["first_title"] % {"target": first.target_label}
        text = words["first_text"] % {"state": sla_badge_text(first)}
    else:
        resolution = outcome["resolution"]
        css = sla_badge_class(resolution)
        title = words["resolution_title"] % {"target": resolution.target_label}
        text = sla_badge_text(resolution)
    return f'<span class="{_e(css)}" title="{_e(title)}">{_e(text)}</span>'


def queue_row_html(
    tickets: list[Ticket],
    *,
    badges: dict,
    selectable: bool,
    row_badge: Callable[[Ticket], str] | None = None,
) -> list[SafeString]:
    """The ``<tr>`` of each of ``tickets`` (from ``queue_rows``) with its SLA ``badges``
    (``queue_sla_badges``); ``selectable`` adds the bulk action's checkbox; ``row_badge``
    is another app's HTML beside the title (``StaffParts.row_badge``, escaped by it).
    Every value from the database or a translation is escaped here."""
    label = {
        key: escape(text)
        for key, text in (
            ("priority", _("Priority")),
            ("status", _("Status")),
            ("sla", _("SLA")),
            ("organization", _("Organization")),
            ("assignee", _("Assignee")),
            ("updated", _("Updated")),
        )
    }
    statuses = {value: escape(STAFF_STATUS_LABELS[Status(value)]) for value in Status.values}
    channels = {value: str(text).lower() for value, text in Channel.choices}
    datetime_format = get_format("SHORT_DATETIME_FORMAT")
    priorities: dict[str, str] = {}
    words = _sla_words()
    select_words = _("Select ticket %(reference)s")
    channel_words = _("Came in via %(channel)s")
    rows = []
    for ticket in tickets:
        pk, reference, url = ticket.pk, ticket.reference, _e(ticket.get_absolute_url())
        select = ""
        if selectable:
            select_label = select_words % {"reference": reference}
            select = (
                f'<td class="cell-select"><input type="checkbox" name="tickets" value="{pk}" '
                f'id="select-{pk}" aria-label="{_e(select_label)}"></td>'
            )
        channel = ""
        if ticket.channel != Channel.PORTAL and ticket.channel in channels:
            name = channels[ticket.channel]
            title = channel_words % {"channel": name}
            channel = (
                f' <span class="badge channel channel-{_e(ticket.channel)}" '
                f'title="{_e(title)}">{_e(name)}</span>'
            )
        priority = ticket.priority
        if priority not in priorities:
            priorities[priority] = _e(ticket.get_priority_display())
        updated = timezone.localtime(ticket.updated_at)
        badge = row_badge(ticket) if row_badge is not None else ""
        assignee = _e(ticket.assignee) if ticket.assignee_id else NOBODY
        rows.append(
            mark_safe(  # noqa: S308 - every value above is escaped
                f"<tr>{select}"
                f'<td class="cell-key"><a href="{url}">{_e(reference)}</a>{channel}</td>'
                f'<td class="cell-title"><a href="{url}">{_e(ticket.title)}</a><br>'
                f'<span class="muted small">{_e(ticket.ticket_type.full_name)}</span>'
                f"{badge}</td>"
                f'<td class="cell-priority" data-label="{label["priority"]}">'
                f'<span class="badge priority priority-{_e(priority.lower())}" '
                f'title="{priorities[priority]}">{_e(priority)}</span></td>'
                f'<td class="cell-status" data-label="{label["status"]}">'
                f'<span class="badge {_e(status_class(ticket.status))}">'
                f"{statuses.get(ticket.status) or _e(ticket.status)}</span></td>"
                f'<td class="cell-sla" data-label="{label["sla"]}">'
                f"{_sla_cell(ticket, badges.get(pk), words)}</td>"
                f'<td class="cell-detail" data-label="{label["organization"]}">'
                f"{_e(ticket.organization.name)}</td>"
                f'<td class="cell-detail" data-label="{label["assignee"]}">{assignee}</td>'
                f'<td class="cell-detail" data-label="{label["updated"]}">'
                f'<time datetime="{updated.isoformat()}">'
                f"{_e(date_format_string(updated, datetime_format))}</time></td>"
                "</tr>"
            )
        )
    return rows


def customer_row_html(tickets: list[Ticket], *, opened_by: bool) -> list[SafeString]:
    """The ``<tr>`` of each ticket of “My tickets” (from ``customer_list_rows``), as its
    template wrote them; ``opened_by``: the organization's list, which names the requester.
    Every value from the database or a translation is escaped here."""
    label = {
        key: escape(text)
        for key, text in (
            ("type", _("Type")),
            ("priority", _("Priority")),
            ("status", _("Status")),
            ("opened_by", _("Opened by")),
            ("updated", _("Last update")),
        )
    }
    statuses = {value: escape(text) for value, text in Status.choices}
    datetime_format = get_format("SHORT_DATETIME_FORMAT")
    priorities: dict[str, str] = {}
    rows = []
    for ticket in tickets:
        reference, url = ticket.reference, _e(ticket.get_absolute_url())
        priority = ticket.priority
        if priority not in priorities:
            priorities[priority] = _e(ticket.get_priority_display())
        requester = ""
        if opened_by:
            requester = (
                f'<td class="cell-detail" data-label="{label["opened_by"]}">'
                f"{_e(ticket.requester)}</td>"
            )
        updated = timezone.localtime(ticket.updated_at)
        rows.append(
            mark_safe(  # noqa: S308 - every value above is escaped
                "<tr>"
                f'<td class="cell-key"><a href="{url}">{_e(reference)}</a></td>'
                f'<td class="cell-title"><a href="{url}">{_e(ticket.title)}</a></td>'
                f'<td class="cell-detail" data-label="{label["type"]}">'
                f"{_e(ticket.ticket_type.full_name)}</td>"
                f'<td data-label="{label["priority"]}">'
                f'<span class="badge priority priority-{_e(priority.lower())}" '
                f'title="{priorities[priority]}">{_e(priority)}</span></td>'
                f'<td data-label="{label["status"]}">'
                f'<span class="badge {_e(status_class(ticket.status))}">'
                f"{statuses.get(ticket.status) or _e(ticket.status)}</span></td>"
                f"{requester}"
                f'<td class="cell-detail" data-label="{label["updated"]}">'
                f'<time datetime="{updated.isoformat()}">'
                f"{_e(date_format_string(updated, datetime_format))}</time></td>"
                "</tr>"
            )
        )
    return rows
