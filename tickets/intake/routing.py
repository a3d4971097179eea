"""Which ticket a received email answers, and whether its sender may answer it.

In this order: a signed reply address among the recipients (``support+<token>@``, issued
to the sender for that ticket), then In-Reply-To/References naming an email we sent about
a ticket, then the ticket's reference in the subject, only when the sender takes part in
that ticket. Every lookup starts from the mailbox's tenant: whatever the headers name, a
ticket of another tenant is never found.

Whatever the route, the sender must be someone who could see the ticket in the browser:
staff of the tenant, a customer who sees it, or an outside address in copy of it.
"""

import re
from dataclasses import dataclass

from accounts.models import User
from helpdesk.models import OutboxEmail

from ..models import Mailbox, Ticket, TicketParticipant
from ..reply_address import token_of, token_ticket_id
from ..selectors import visible_tickets
from .parse import ParsedEmail

THREAD_PREFIX = "ticket:"
# The Message-ID every ticket email names as its thread's root, though no email carries it
# as its own (``tickets.reply_address.ticket_thread_root``). The ticket is looked up in the
# mailbox's tenant only.
_THREAD_ROOT = re.compile(r"^<ticket-(\d{1,12})@[^<>\s]+>$")

VIA_TOKEN = "reply address"
VIA_HEADERS = "In-Reply-To"
VIA_SUBJECT = "subject"

# What deciding on a reply reads; the services lock and read the ticket again.
TICKET_RELATED = ("organization", "requester", "assignee")


@dataclass(frozen=True)
class Route:
    ticket: Ticket
    via: str


def own_addresses(*, tenant) -> frozenset[str]:
    """The tenant's own addresses: its mailboxes and the sender of its emails."""
    addresses = set(Mailbox.objects.for_tenant(tenant).values_list("address", flat=True))
    if tenant.support_email:
        addresses.add(tenant.support_email.lower())
    return frozenset(addresses)


def outbox_threads(*, tenant, parsed: ParsedEmail) -> dict[str, str]:
    """Message-ID → thread of the tenant's sent emails that the message is, or answers."""
    ids = [i for i in (parsed.message_id, *parsed.thread_ids) if i]
    if not ids:
        return {}
    return dict(
        OutboxEmail.objects.filter(tenant_id=tenant.pk, message_id__in=ids).values_list(
            "message_id", "thread"
        )
    )


def _ticket(tenant, **lookup) -> Ticket | None:
    ticket = Ticket.objects.for_tenant(tenant).select_related(*TICKET_RELATED).filter(**lookup)
    ticket = ticket.first()
    if ticket is not None:
        ticket.tenant = tenant
    return ticket


def _token_ticket_id(*, parsed: ParsedEmail, tenant, addresses, sender: str) -> int | None:
    for recipient in parsed.recipients:
        for address in addresses:
            token = token_of(mailbox_address=address, address=recipient)
            if token:
                ticket_id = token_ticket_id(token=token, tenant_id=tenant.pk, sender=sender)
                if ticket_id is not None:
                    return ticket_id
    return None


def _header_ticket_id(*, parsed: ParsedEmail, threads: dict[str, str]) -> int | None:
    for message_id in parsed.thread_ids:
        thread = threads.get(message_id, "")
        if thread.startswith(THREAD_PREFIX) and thread[len(THREAD_PREFIX) :].isdigit():
            return int(thread[len(THREAD_PREFIX) :])
        root = _THREAD_ROOT.match(message_id)
        if root:
            return int(root.group(1))
    return None


def subject_numbers(*, tenant, subject: str) -> list[int]:
    """Ticket numbers of ``tenant`` named in a subject: ``[IVC-1042]`` or ``IVC-1042``."""
    pattern = rf"(?<![A-Za-z0-9]){re.escape(tenant.ticket_prefix)}-0*(\d{{1,9}})(?!\d)"
    return [int(number) for number in re.findall(pattern, subject or "", re.IGNORECASE)][:3]


def takes_part(*, ticket: Ticket, address: str) -> bool:
    """The requester, the assignee or someone in copy of ``ticket``."""
    if ticket.requester.email.lower() == address:
        return True
    if ticket.assignee_id and ticket.assignee.email.lower() == address:
        return True
    return TicketParticipant.objects.filter(
        ticket=ticket, email=address, removed_at__isnull=True
    ).exists()


# "Re:", "RE[2]:", "AW:", "RV:", "Fwd:"… in the languages mail clients use.
_REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|sv|rv|r|res|fw|fwd|tr|wg|enc)\s*(?:\[\d+\])?\s*:", re.I)


def looks_like_reply(parsed: ParsedEmail) -> bool:
    return bool(parsed.thread_ids) or bool(_REPLY_SUBJECT.match(parsed.subject or ""))


def ticket_route(
    *, parsed: ParsedEmail, tenant, addresses, threads: dict[str, str], sender: str
) -> tuple[Route | None, Ticket | None]:
    """The ticket the message answers and how it was found; or None and, when a reply's
    subject names a ticket the sender takes no part in, that ticket (refused). A new email
    that mentions a ticket number is a new request."""
    ticket_id = _token_ticket_id(parsed=parsed, tenant=tenant, addresses=addresses, sender=sender)
    via = VIA_TOKEN
    if ticket_id is None:
        ticket_id, via = _header_ticket_id(parsed=parsed, threads=threads), VIA_HEADERS
    if ticket_id is not None:
        ticket = _ticket(tenant, pk=ticket_id)
        if ticket is not None:
            return Route(ticket=ticket, via=via), None
    numbers = subject_numbers(tenant=tenant, subject=parsed.subject)
    if not numbers:
        return None, None
    ticket = _ticket(tenant, number=numbers[0])
    if ticket is None:
        return None, None
    if takes_part(ticket=ticket, address=sender):
        return Route(ticket=ticket, via=VIA_SUBJECT), None
    return None, ticket if looks_like_reply(parsed) else None


def sender_account(*, address: str) -> User | None:
    """The account with ``address`` anywhere on the platform (addresses are unique)."""
    return User.objects.select_related("organization").filter(email=address).first()


ALLOWED_STAFF = "staff"
ALLOWED_CUSTOMER = "customer"
ALLOWED_CONTACT = "contact"


def reply_allowed(*, ticket: Ticket, tenant, address: str, user: User | None) -> str:
    """How the sender may answer ``ticket`` ("staff", "customer", "contact": an outside
    address in copy, with the contact account made for it or none yet); "" when they may
    not."""
    if user is not None:
        if user.tenant_id != tenant.pk or not user.is_active:
            return ""
        if user.is_agent:
            return ALLOWED_STAFF
        if user.is_contact:
            in_copy = TicketParticipant.objects.filter(
                ticket=ticket, email=address, removed_at__isnull=True
            )
            return ALLOWED_CONTACT if in_copy.exists() else ""
        if user.organization_id is None or not user.organization.is_active:
            return ""
        if ticket.requester_id == user.pk:
            return ALLOWED_CUSTOMER
        if visible_tickets(tenant=tenant, actor=user).filter(pk=ticket.pk).exists():
            return ALLOWED_CUSTOMER
        return ""
    in_copy = TicketParticipant.objects.filter(
        ticket=ticket, email=address, user__isnull=True, removed_at__isnull=True
    )
    return ALLOWED_CONTACT if in_copy.exists() else ""
