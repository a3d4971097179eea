"""Ticket emails. Each is an outbox row written in the transaction of the change.

One email per recipient: each carries its own Reply-To, the signed reply address of the
tenant's mailbox bound to that recipient (``tickets.reply_address``), so an answer from them
threads back into the ticket and nobody else's address does. Every email of a ticket names
the ticket's thread root in In-Reply-To and References, so mail clients show one
conversation per ticket, and opens with the reply marker that cuts quoted history from an
answer.

Every status change made by staff reaches the customer once: with the public reply it was
made with (one email per recipient, keyed on the message), or on its own (keyed on the
status event) when it was made from the status form or with an internal note.

A change queues its emails in a fixed number of queries, however many people are in copy.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.emails import render_email, tenant_email
from helpdesk.languages import language_of
from helpdesk.links import tenant_base_url, tenant_host
from helpdesk.services import email_queue_many
from helpdesk.tenant_data import tenant_data
from helpdesk.zones import readable_zone

from ..models import Mailbox, Message, Status, Ticket, TicketParticipant
from ..permissions import reopen_deadline
from ..reply_address import REPLY_MARKER, reply_address, ticket_thread_root
from ..selectors import copies_of_ticket

# Emails that carry no person's words: no auto-reply should answer them (RFC 3834;
# Exchange reads X-Auto-Response-Suppress).
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
# A person's words: out-of-office notices and other auto-replies are not wanted either.
PERSONAL_HEADERS = {"X-Auto-Response-Suppress": "OOF, AutoReply"}


@contextmanager
def recipient_locale(ticket: Ticket, user: User | None):
    """An email is written in its recipient's language and shows times in their zone (else
    the tenant's)."""
    zone = (user.time_zone if user else "") or ticket.tenant.time_zone
    with timezone.override(readable_zone(zone)), language_of(user, ticket.tenant):
        yield


def ticket_link(*, base_url: str, ticket: Ticket) -> str:
    return base_url.rstrip("/") + ticket.get_absolute_url()


@dataclass(frozen=True)
class Recipient:
    email: str
    # The person's account; None for an outside address in copy or the support queue.
    user: User | None = None
    # They can open the ticket page (an account that sees the ticket, or the queue's staff).
    portal: bool = True
    staff: bool = False


@dataclass(frozen=True)
class Thread:
    """What every email of one change shares: read once per change."""

    ticket: Ticket
    base_url: str
    host: str
    mailbox_address: str
    # The Message-ID of the email the change answers (a reply that came by email), if any.
    answers: str = ""

    def headers(self, *, automatic: bool) -> dict:
        root = ticket_thread_root(self.ticket, host=self.host)
        references = [self.answers, root] if self.answers else [root]
        return {
            "In-Reply-To": self.answers or root,
            "References": " ".join(references),
            **(AUTOMATIC_HEADERS if automatic else PERSONAL_HEADERS),
        }

    def reply_to(self, recipient: Recipient) -> list[str]:
        if not self.mailbox_address:
            return [self.ticket.tenant.support_email]
        return [
            reply_address(
                mailbox_address=self.mailbox_address,
                tenant_id=self.ticket.tenant_id,
                ticket_id=self.ticket.pk,
                recipient=recipient.email,
            )
        ]


def _answered_message_id(inbound_email) -> str:
    message_id = inbound_email.message_id if inbound_email is not None else ""
    # A Message-ID made up for a message that had none names nothing in the sender's client.
    return "" if message_id.endswith("@inbound.invalid>") else message_id


def _reply_mailbox(tenant_id: int) -> str | None:
    return (
        Mailbox.objects.for_tenant(tenant_id)
        .filter(is_active=True)
        .order_by("address")
        .values_list("address", flat=True)
        .first()
    )


def change_thread(*, ticket: Ticket, base_url: str = "", inbound_email=None) -> Thread:
    """The thread of ``ticket`` for the emails of one change: its host and the address
    replies go to are kept per process (``helpdesk.tenant_data``), so no query."""
    host = tenant_host(tenant=ticket.tenant)
    mailbox_address = tenant_data(
        ticket.tenant_id, "reply-mailbox", lambda: _reply_mailbox(ticket.tenant_id)
    )
    return Thread(
        ticket=ticket,
        base_url=base_url or tenant_base_url(tenant=ticket.tenant),
        host=host,
        mailbox_address=mailbox_address or "",
        answers=_answered_message_id(inbound_email),
    )


def _email(
    thread: Thread,
    recipient: Recipient,
    *,
    template: str,
    context: dict,
    dedupe_key: str,
    automatic: bool,
) -> dict:
    """One recipient's email, rendered in their time zone, with the marker on top."""
    ticket = thread.ticket
    context = {
        "tenant": ticket.tenant,
        "ticket": ticket,
        "ticket_url": ticket_link(base_url=thread.base_url, ticket=ticket)
        if recipient.portal
        else "",
        "recipient": recipient.user,
        "recipient_email": recipient.email,
        **context,
    }
    with recipient_locale(ticket, recipient.user):
        marker = _(REPLY_MARKER)
        context["reply_marker"] = marker
        subject, text, html = render_email(template, context)
    email = tenant_email(
        tenant=ticket.tenant, to=[recipient.email], rendered=(subject, f"{marker}\n\n{text}", html)
    )
    return {
        **email,
        "reply_to": thread.reply_to(recipient),
        "headers": thread.headers(automatic=automatic),
        "thread": f"ticket:{ticket.pk}",
        "dedupe_key": dedupe_key,
    }


def _without(recipients: list[Recipient], *, author_email: str = "") -> list[Recipient]:
    """Each address once, never the author's."""
    seen = {author_email.lower()} if author_email else set()
    kept = []
    for recipient in recipients:
        address = recipient.email.strip().lower()
        if address and address not in seen:
            seen.add(address)
            kept.append(recipient)
    return kept


def _copies(ticket: Ticket) -> list[Recipient]:
    """The active people in copy (one query): accounts that are active, outside addresses."""
    copies = []
    for row in copies_of_ticket(ticket=ticket):
        if row.user_id is None:
            copies.append(Recipient(email=row.email, portal=False))
        elif row.user.is_active:
            copies.append(Recipient(email=row.user.email, user=row.user))
    return copies


def _requester(ticket: Ticket) -> list[Recipient]:
    requester = ticket.requester
    return [Recipient(email=requester.email, user=requester)] if requester.is_active else []


def _staff_side(ticket: Ticket) -> list[Recipient]:
    """Who hears of a customer's words: the assignee, or the support queue's address."""
    if ticket.assignee_id and ticket.assignee.is_active:
        return [Recipient(email=ticket.assignee.email, user=ticket.assignee, staff=True)]
    if ticket.tenant.support_email:
        return [Recipient(email=ticket.tenant.support_email, staff=True)]
    return []


def notify_ticket_created(*, ticket: Ticket, base_url: str, inbound_email=None) -> None:
    """The requester's confirmation with the number (also when an engineer opened the
    ticket for them) and the queue's notice. ``inbound_email``: the email it came in."""
    thread = change_thread(ticket=ticket, base_url=base_url, inbound_email=inbound_email)
    emails = [
        _email(
            thread,
            recipient,
            template="tickets/email/created_customer",
            context={},
            dedupe_key=f"ticket-created:{ticket.pk}:requester",
            automatic=True,
        )
        for recipient in _requester(ticket)
    ]
    if ticket.tenant.support_email:
        emails.append(
            _email(
                thread,
                Recipient(email=ticket.tenant.support_email, staff=True),
                template="tickets/email/created_queue",
                context={},
                dedupe_key=f"ticket-created:{ticket.pk}:queue",
                # The customer's description is in it.
                automatic=False,
            )
        )
    # The keys name a ticket opened in this transaction: nothing can be queued under them.
    email_queue_many(emails=emails, keys_are_new=True)


def status_context(*, ticket: Ticket, old_label: str) -> dict:
    """What an email says about a status change: the new status and what is expected of
    the customer now (for a resolved ticket, until when they can reopen it)."""
    return {
        "status_changed": True,
        "old_label": old_label,
        "reopen_deadline": reopen_deadline(ticket),
        "reopen_days": settings.TICKET_REOPEN_DAYS,
    }


def reply_recipients(*, ticket: Ticket, author: User) -> list[Recipient]:
    """Who receives a public reply: the requester and everyone in copy; for a customer's
    reply also the assignee (or the support queue); never its author."""
    recipients = _requester(ticket) + _copies(ticket)
    if not author.is_agent:
        recipients = _staff_side(ticket) + recipients
    return _without(recipients, author_email=author.email)


def notify_reply(
    *, ticket: Ticket, message: Message, base_url: str, old_status: str | None = None
) -> None:
    """A public reply goes to everyone on the ticket but its author. When staff changed the
    status with it (``old_status`` is the status before), the customers' emails carry the
    new status too, so they hear of it once."""
    author: User = message.author
    recipients = reply_recipients(ticket=ticket, author=author)
    if not recipients:
        return
    status = {}
    if author.is_agent and old_status and old_status != ticket.status:
        status = status_context(ticket=ticket, old_label=Status(old_status).label)
    inbound_email = message.inbound_email if message.inbound_email_id else None
    thread = change_thread(ticket=ticket, base_url=base_url, inbound_email=inbound_email)
    files = list(message.attachments.all())
    email_queue_many(
        emails=[
            _email(
                thread,
                recipient,
                template="tickets/email/reply",
                context={
                    "message": message,
                    "files": files,
                    "to_customer": not recipient.staff,
                    **(status if not recipient.staff else {}),
                },
                dedupe_key=f"ticket-reply:{message.pk}:{recipient.email.lower()}",
                automatic=False,
            )
            for recipient in recipients
        ]
    )


def notify_status_changed(*, ticket: Ticket, event_id: int, old_label: str, base_url: str) -> None:
    """The requester hears about a status change made by staff without a public reply."""
    recipients = _requester(ticket)
    if not recipients:
        return
    thread = change_thread(ticket=ticket, base_url=base_url)
    email_queue_many(
        emails=[
            _email(
                thread,
                recipient,
                template="tickets/email/status",
                context=status_context(ticket=ticket, old_label=old_label),
                dedupe_key=f"ticket-status:{event_id}:{recipient.email.lower()}",
                automatic=True,
            )
            for recipient in recipients
        ]
    )


def notify_cc_added(*, ticket: Ticket, participant: TicketParticipant, actor: User) -> None:
    """Someone put in copy by a person hears why they will receive the ticket's replies,
    and can answer that email at once."""
    user = participant.user if participant.user_id else None
    if user is not None and not user.is_active:
        return
    recipient = Recipient(email=participant.email, user=user, portal=user is not None)
    thread = change_thread(ticket=ticket)
    email_queue_many(
        emails=[
            _email(
                thread,
                recipient,
                template="tickets/email/cc_added",
                context={"actor": actor},
                dedupe_key=f"ticket-cc:{participant.pk}",
                automatic=True,
            )
        ]
    )
