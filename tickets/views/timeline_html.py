"""The conversation's items as HTML, written in Python.

The ticket page and its conversation refresh (every 20 seconds while the page is open)
render each message and event; through the template engine an event read one long chain
of conditions and a dozen translated sentences. Here each item is one string with every
value escaped as the templates escaped it, in the same markup and with the same sentences
(the translations are shared).
"""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format_string
from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Channel, Ticket
from ..selectors.tickets import TimelineItem
from ..templatetags.ticket_tags import channel_label, status_label


def _e(value) -> str:
    """A value as ``{{ value }}`` writes it (None as "None")."""
    return conditional_escape(value)


def _say(sentence: str, **values) -> str:
    """A translated sentence with its values escaped, as ``blocktranslate`` writes it."""
    return sentence % {name: _e(value) for name, value in values.items()}


def _times(at) -> tuple[str, str]:
    local = timezone.localtime(at)
    return (
        _e(date_format_string(local, "c")),
        _e(date_format_string(local, get_format("SHORT_DATETIME_FORMAT"))),
    )


def _reason(data: dict) -> str:
    return f" — “{_e(data['reason'])}”" if data.get("reason") else ""


def _opened_with(data: dict) -> str:
    text = ""
    if data.get("priority"):
        text += " " + _say(_("as %(priority)s"), priority=data["priority"])
    if data.get("type"):
        text += f" · {_e(data['type'])}"
    if files := data.get("files"):
        text += " " + _say(
            ngettext("with %(counter)s file", "with %(counter)s files", len(files)),
            counter=len(files),
        )
    return text


def _who(event, staff: bool) -> str:
    """The person who did it, else the matrix (for staff) or the help desk."""
    if event.actor:
        return event.actor
    return _("The escalation matrix") if staff else _("The help desk")


def event_text(event, staff: bool) -> str:
    """What one event says on the timeline, for staff or for customers."""
    data = event.data or {}
    kind = event.kind
    actor = event.actor
    if kind == "created":
        if data.get("on_behalf_of"):
            text = _say(
                _(
                    "<strong>%(actor)s</strong> opened the ticket for "
                    "<strong>%(customer)s</strong> (%(channel)s)"
                ),
                actor=actor or _("Someone"),
                customer=data["on_behalf_of"],
                channel=channel_label(data.get("channel")),
            )
        else:
            text = _say(
                _("<strong>%(actor)s</strong> opened the ticket"), actor=actor or _("Someone")
            )
            if data.get("channel") == Channel.EMAIL:
                text += " " + _e(_("by email"))
        return text + _opened_with(data)
    if kind == "status":
        actor = actor or _("The help desk")
        new = status_label(data.get("to"), staff)
        if data.get("from"):
            text = _say(
                _(
                    "<strong>%(actor)s</strong> changed the status from %(old)s to "
                    "<strong>%(new)s</strong>"
                ),
                actor=actor,
                old=status_label(data["from"], staff),
                new=new,
            )
        else:
            text = _say(
                _("<strong>%(actor)s</strong> changed the status to <strong>%(new)s</strong>"),
                actor=actor,
                new=new,
            )
        return text + (_reason(data) if staff else "")
    if kind == "priority":
        text = _say(
            _(
                "<strong>%(who)s</strong> changed the priority from %(old)s to "
                "<strong>%(new)s</strong>"
            ),
            who=_who(event, staff),
            old=data.get("from"),
            new=data.get("to"),
        )
        return text + (_reason(data) if staff else "")
    if kind == "type":
        return _say(
            _(
                "<strong>%(actor)s</strong> changed the type from %(old)s to "
                "<strong>%(new)s</strong>"
            ),
            actor=actor,
            old=data.get("from"),
            new=data.get("to"),
        )
    if kind == "assigned":
        if data.get("to"):
            engineer = data["to"]
            if not staff:
                text = _say(
                    _("<strong>%(engineer)s</strong> is handling your ticket"), engineer=engineer
                )
            elif actor and engineer in (actor.full_name, actor.email):
                text = _say(_("<strong>%(engineer)s</strong> took the ticket"), engineer=engineer)
            else:
                text = _say(
                    _("<strong>%(engineer)s</strong> was assigned by %(actor)s"),
                    engineer=engineer,
                    actor=actor or _("the help desk"),
                )
        else:
            text = _say(
                _("<strong>%(who)s</strong> unassigned %(engineer)s"),
                who=_who(event, staff),
                engineer=data.get("from"),
            )
        return text + (_reason(data) if staff else "")
    if kind == "attachment":
        files = data.get("files") or []
        return ngettext(
            "<strong>%(actor)s</strong> added %(counter)s file: %(names)s",
            "<strong>%(actor)s</strong> added %(counter)s files: %(names)s",
            len(files),
        ) % {
            "actor": _e(actor),
            "counter": len(files),
            "names": ", ".join(_e(name) for name in files),
        }
    if kind == "escalated" and staff:
        if actor:
            who = actor
        elif data.get("by") == "person":
            who = _("Someone")
        else:
            who = _("The escalation matrix")
        if data.get("by") == "on_call":
            text = _say(
                _("<strong>%(who)s</strong> paged %(level)s"),
                who=who,
                level=data.get("level") or _("the on-call engineer"),
            )
        else:
            text = _say(
                _("<strong>%(who)s</strong> escalated to <strong>%(level)s</strong>"),
                who=who,
                level=data.get("level") or _("the next level"),
            )
        return text + _reason(data)
    if kind == "deescalated" and staff:
        actor = actor or _("A manager")
        if data.get("level"):
            text = _say(
                _(
                    "<strong>%(actor)s</strong> de-escalated from %(old)s to "
                    "<strong>%(level)s</strong>"
                ),
                actor=actor,
                old=data.get("from"),
                level=data["level"],
            )
        else:
            text = _say(
                _(
                    "<strong>%(actor)s</strong> de-escalated from %(old)s <strong>off the "
                    "ladder</strong> (not escalated)"
                ),
                actor=actor,
                old=data.get("from"),
            )
        return text + _reason(data)
    if kind == "cc_added":
        who = data.get("name") or data.get("email")
        if actor:
            return _say(
                _("<strong>%(actor)s</strong> put <strong>%(who)s</strong> in copy"),
                actor=actor,
                who=who,
            )
        return _say(
            _("<strong>%(who)s</strong> is in copy (they were in copy of the email)"), who=who
        )
    if kind == "cc_removed":
        who = data.get("name") or data.get("email")
        left = data.get("name") == (actor.full_name if actor else None) and data.get("email") == (
            actor.email if actor else None
        )
        if left:
            return _say(_("<strong>%(who)s</strong> left the copy"), who=who)
        return _say(
            _("<strong>%(actor)s</strong> took <strong>%(who)s</strong> out of copy"),
            actor=actor or _("The help desk"),
            who=who,
        )
    if kind == "incident":
        title = data.get("title")
        if staff:
            actor = actor or _("The help desk")
            if data.get("linked"):
                return _say(
                    _("<strong>%(actor)s</strong> linked the ticket to the incident “%(title)s”"),
                    actor=actor,
                    title=title,
                )
            return _say(
                _("<strong>%(actor)s</strong> unlinked the ticket from the incident “%(title)s”"),
                actor=actor,
                title=title,
            )
        if data.get("linked"):
            return _say(_("This ticket is linked to the incident “%(title)s”"), title=title)
        return _say(_("This ticket is no longer linked to the incident “%(title)s”"), title=title)
    if kind == "sla":
        return _e(data.get("text"))
    return _e(event.get_kind_display())


def _event_html(event, staff: bool) -> str:
    iso, short = _times(event.created_at)
    return (
        f'<li class="event" id="event-{event.pk}">\n'
        f'  <span class="event-text">\n  {event_text(event, staff)}\n  </span>\n'
        f'  <time class="muted small" datetime="{iso}">{short}</time>\n</li>'
    )


def files_html(*, ticket: Ticket, files, staff: bool) -> str:
    """A ticket's files as download links, internal ones marked for staff."""
    if not files:
        return ""
    label = _("internal")
    internal = f' <span class="badge badge-internal">{_e(label)}</span>'
    reference = ticket.reference
    rows = [
        f'\n  <li><a href="{_e(reverse("tickets:attachment", args=[reference, f.public_id]))}"'
        f' download>{_e(f.original_name)}</a> <span class="muted small">'
        f"{_e(filesizeformat(f.size))}</span>{internal if staff and f.is_internal else ''}</li>"
        for f in files
    ]
    return f'<ul class="file-list">{"".join(rows)}\n</ul>'


def _message_html(ticket: Ticket, item: TimelineItem, staff: bool) -> str:
    message = item.message
    author = message.author
    name = author.full_name or author.email
    if message.is_internal:
        css = " message-internal"
    elif author.is_agent:
        css = " message-staff"
    else:
        css = " message-customer"
    if author.is_agent:
        role = _("internal note") if message.is_internal else _("support")
    else:
        role = (author.organization.name if author.organization_id else "") or _("customer")
    iso, short = _times(message.created_at)
    extras = ""
    if message.channel != Channel.PORTAL:
        via = _say(_("via %(channel)s"), channel=channel_label(message.channel))
        extras += f'\n      <span class="badge channel channel-{_e(message.channel)}">{via}</span>'
    if staff and message.inbound_email_id:
        url = reverse("tickets:message_original", args=[ticket.reference, message.pk])
        label = _("View original email")
        extras += f'\n      <a class="small" href="{_e(url)}" download>{_e(label)}</a>'
    return (
        f'<li class="message{css}" id="message-{message.pk}">\n'
        f'    <div class="message-head">\n'
        f'      <span class="avatar" aria-hidden="true">{_e(name[:1].upper())}</span>\n'
        f"      <span><strong>{_e(name)}</strong>\n"
        f'      <span class="muted small">{_e(role)}</span></span>\n'
        f'      <time class="muted small" datetime="{iso}">{short}</time>{extras}\n'
        f"    </div>\n"
        f'    <div class="prose">{_e(message.body_html)}</div>\n'
        f"    {files_html(ticket=ticket, files=item.files, staff=staff)}\n"
        f"  </li>"
    )


def timeline_items_html(*, ticket: Ticket, timeline: list[TimelineItem], staff: bool) -> SafeString:
    """The ``<li>`` of each message and event, in the timeline's order."""
    parts = [
        _message_html(ticket, item, staff) if item.message else _event_html(item.event, staff)
        for item in timeline
    ]
    return mark_safe("\n  ".join(parts))  # noqa: S308 - every value escaped above
