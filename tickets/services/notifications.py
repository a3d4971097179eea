"""Ticket emails. Each is an outbox row written in the transaction of the change.

Every status change made by staff reaches the customer once: with the public reply it was
made with (one email, keyed on the message), or on its own (keyed on the status event) when
it was made from the status form or with an internal note.
"""

from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from helpdesk.emails import send_templated_email
from helpdesk.zones import readable_zone

from ..models import Message, Status, Ticket
from ..permissions import reopen_deadline


@contextmanager
def recipient_zone(ticket: Ticket, user: User | None):
    """Times in an email are shown in the recipient's zone (or the tenant's)."""
    zone = (user.time_zone if user else "") or ticket.tenant.time_zone
    with timezone.override(readable_zone(zone)):
        yield


def ticket_link(*, base_url: str, ticket: Ticket) -> str:
    return base_url.rstrip("/") + ticket.get_absolute_url()


def notify_ticket_created(*, ticket: Ticket, base_url: str) -> None:
    link = ticket_link(base_url=base_url, ticket=ticket)
    context = {"ticket": ticket, "ticket_url": link}
    with recipient_zone(ticket, ticket.requester):
        send_templated_email(
            tenant=ticket.tenant,
            to=[ticket.requester.email],
            template="tickets/email/created_customer",
            context={**context, "recipient": ticket.requester},
            dedupe_key=f"ticket-created:{ticket.pk}:requester",
        )
    if ticket.tenant.support_email:
        send_templated_email(
            tenant=ticket.tenant,
            to=[ticket.tenant.support_email],
            template="tickets/email/created_queue",
            context=context,
            dedupe_key=f"ticket-created:{ticket.pk}:queue",
        )


def status_context(*, ticket: Ticket, old_label: str) -> dict:
    """What an email says about a status change: the new status and what is expected of
    the customer now (for a resolved ticket, until when they can reopen it)."""
    return {
        "status_changed": True,
        "old_label": old_label,
        "reopen_deadline": reopen_deadline(ticket),
        "reopen_days": settings.TICKET_REOPEN_DAYS,
    }


def notify_reply(
    *, ticket: Ticket, message: Message, base_url: str, old_status: str | None = None
) -> None:
    """A public reply goes to the other side of the conversation. When staff changed the
    status with it (``old_status`` is the status before), the customer's email carries the
    new status too, so they hear of it once."""
    author: User = message.author
    recipient = None
    if author.is_agent:
        recipient = ticket.requester if ticket.requester.is_active else None
        recipients = [recipient.email] if recipient else []
    elif ticket.assignee_id and ticket.assignee.is_active:
        recipient = ticket.assignee
        recipients = [recipient.email]
    else:
        recipients = [ticket.tenant.support_email] if ticket.tenant.support_email else []
    recipients = [email for email in recipients if email and email != author.email]
    if not recipients:
        return
    status = {}
    if author.is_agent and old_status and old_status != ticket.status:
        status = status_context(ticket=ticket, old_label=Status(old_status).label)
    with recipient_zone(ticket, recipient):
        _send_reply(
            ticket=ticket,
            message=message,
            recipients=recipients,
            base_url=base_url,
            status=status,
        )


def _send_reply(
    *, ticket: Ticket, message: Message, recipients: list[str], base_url: str, status: dict
):
    author = message.author
    send_templated_email(
        tenant=ticket.tenant,
        to=recipients,
        template="tickets/email/reply",
        context={
            "ticket": ticket,
            "message": message,
            "ticket_url": ticket_link(base_url=base_url, ticket=ticket),
            "to_customer": author.is_agent,
            **status,
        },
        dedupe_key=f"ticket-reply:{message.pk}",
    )


def notify_status_changed(*, ticket: Ticket, event_id: int, old_label: str, base_url: str) -> None:
    """The requester hears about a status change made by staff without a public reply."""
    if not ticket.requester.is_active:
        return
    with recipient_zone(ticket, ticket.requester):
        _send_status(ticket=ticket, event_id=event_id, old_label=old_label, base_url=base_url)


def _send_status(*, ticket: Ticket, event_id: int, old_label: str, base_url: str) -> None:
    send_templated_email(
        tenant=ticket.tenant,
        to=[ticket.requester.email],
        template="tickets/email/status",
        context={
            "ticket": ticket,
            "ticket_url": ticket_link(base_url=base_url, ticket=ticket),
            **status_context(ticket=ticket, old_label=old_label),
        },
        dedupe_key=f"ticket-status:{event_id}",
    )
