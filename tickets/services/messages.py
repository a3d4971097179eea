"""Replies, internal notes and evidence."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.markdown import (
    RENDERER_VERSION,
    markdown_check_length,
    render_markdown,
    text_max_length,
)

from .. import events
from ..models import Channel, Message, Status, Ticket
from ..permissions import can_add_evidence, can_reply
from .after_change import ticket_changed
from .attachments import attachments_claim
from .tickets import status_change_apply, ticket_lock


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    internal: bool = False,
    attachment_ids=(),
    status: str | None = None,
    base_url: str,
    channel: str = Channel.PORTAL,
    inbound_email=None,
    at=None,
) -> Message:
    """Add a public reply or an internal note, optionally moving the ticket on.

    A customer's reply to a ticket on hold puts it back in progress; the first public
    reply by staff is the first response of the SLA. An emailed reply (``channel``,
    ``inbound_email``) counts from when it was received (``at``, never in the future nor
    before the ticket's last change).
    """
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a message."))
    markdown_check_length(fields={"body": body}, limit=text_max_length())
    if internal and not actor.is_agent:
        raise PermissionDenied(_("Only staff write internal notes."))
    ticket = ticket_lock(ticket)
    if not can_reply(actor, ticket):
        raise PermissionDenied(
            _("This ticket is %(status)s.") % {"status": ticket.get_status_display().lower()}
        )
    now = timezone.now()
    if at is not None:
        now = max(min(at, now), ticket.updated_at)
    message = Message.objects.create(
        tenant_id=ticket.tenant_id,
        ticket=ticket,
        author=actor,
        body=body,
        body_html=render_markdown(body),
        markdown_version=RENDERER_VERSION,
        is_internal=internal,
        channel=channel,
        inbound_email=inbound_email,
        created_at=now,
    )
    files = attachments_claim(
        actor=actor,
        tenant=ticket.tenant,
        ticket=ticket,
        message=message,
        public_ids=attachment_ids,
        internal=internal,
    )
    events.event_save(
        events.message_event(
            ticket=ticket,
            actor=actor,
            message_id=message.pk,
            files=[f.original_name for f in files],
            internal=internal,
            channel=channel,
            at=now,
        )
    )
    fields = ["updated_at"]
    ticket.updated_at = now
    if not internal:
        ticket.reply_count += 1
        fields.append("reply_count")
        if actor.is_agent and ticket.first_response_at is None:
            ticket.first_response_at = now
            fields.append("first_response_at")
        if not actor.is_agent:
            ticket.last_customer_reply_at = now
            fields.append("last_customer_reply_at")
    ticket.save(update_fields=fields)

    customer_answered = not actor.is_agent and ticket.status == Status.ON_HOLD
    first_staff_answer = (
        actor.is_agent and not internal and status is None and ticket.status == Status.NEW
    )
    next_status = Status.IN_PROGRESS if customer_answered or first_staff_answer else status
    status_event = None
    if next_status and next_status != ticket.status:
        status_event = status_change_apply(
            ticket=ticket, actor=actor, to_status=next_status, now=now
        )
    # One SLA refresh for the reply and the status change; a public reply carries the new
    # status in its one email, an internal note leaves it to an email of its own.
    ticket_changed(
        ticket=ticket, now=now, base_url=base_url, message=message, status_event=status_event
    )
    return message


@transaction.atomic
def ticket_add_evidence(
    *, ticket: Ticket, actor: User, attachment_ids, comment: str = "", base_url: str
) -> list:
    """Attach more files to an open ticket, with an optional comment (a public reply)."""
    if comment.strip():
        message = ticket_reply(
            ticket=ticket,
            actor=actor,
            body=comment,
            attachment_ids=attachment_ids,
            base_url=base_url,
        )
        return list(message.attachments.all())
    ticket = ticket_lock(ticket)
    if not can_add_evidence(actor, ticket):
        raise PermissionDenied(_("Evidence can be added while the ticket is open."))
    files = attachments_claim(
        actor=actor, tenant=ticket.tenant, ticket=ticket, public_ids=attachment_ids
    )
    if not files:
        raise ValidationError(_("Choose at least one file."))
    now = timezone.now()
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    events.event_save(
        events.attachment_event(
            ticket=ticket, actor=actor, files=[f.original_name for f in files], at=now
        )
    )
    status_event = None
    if not actor.is_agent and ticket.status == Status.ON_HOLD:
        status_event = status_change_apply(
            ticket=ticket, actor=actor, to_status=Status.IN_PROGRESS, now=now
        )
    # Files alone move the SLA only when they put the ticket back in progress.
    ticket_changed(
        ticket=ticket,
        now=now,
        base_url=base_url,
        sla=status_event is not None,
        status_event=status_event,
    )
    return files
