"""Processing one stored email: a new ticket, a reply, or nothing, said in its outcome.

One transaction per message, on the locked inbox row: the ticket services' writes and the
row's new state commit together, so a worker killed mid-message leaves the row waiting
and nothing half-done (the re-drive queues it again), and a message processed once is
never processed again. A failure rolls the message's work back to a savepoint and records
the error on the row, which is retried with backoff and then left for an admin. When the
database itself is unreachable nothing can be recorded: the row stays waiting for the
re-drive.

What is decided, in order: our own emails and bounces of them, automatic mail (never
answered), a reply to a ticket (:mod:`.routing`), else a new ticket from a known
customer or, by the tenant's policy, from an address at an organization's domain.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CUSTOMER_ROLES, OrganizationEmailDomain, Role, UnknownSenders, User
from helpdesk.bounces import bounce_of, bounce_record
from helpdesk.emails import render_email, tenant_email
from helpdesk.links import tenant_base_url
from helpdesk.services import email_queue

from ..models import Channel, InboundEmail, Status, Ticket
from ..permissions import can_reopen
from ..services import (
    ticket_add_evidence,
    ticket_cc_add,
    ticket_create,
    ticket_reply,
    ticket_transition,
)
from ..services.attachments import ALLOWED_DESCRIPTION
from . import content, loops, routing
from .parse import ParsedEmail, parse_email

logger = logging.getLogger(__name__)

State = InboundEmail.State
NOT_PENDING = "not pending"
DATABASE_UNAVAILABLE = "database unavailable: left for the re-drive"
# Transient: the database went away or gave up on a lock; nothing can be recorded.
TRANSIENT = (OperationalError, InterfaceError)


@dataclass
class Outcome:
    state: str
    text: str
    ticket: Ticket | None = None


@dataclass
class Work:
    """One message being processed and what it is read against."""

    inbound: InboundEmail
    parsed: ParsedEmail
    base_url: str = ""
    addresses: frozenset = field(default_factory=frozenset)

    @property
    def tenant(self):
        return self.inbound.tenant

    @property
    def mailbox(self):
        return self.inbound.mailbox

    @property
    def sender(self) -> str:
        return self.parsed.sender.address if self.parsed.sender else ""

    @property
    def received_at(self):
        return min(self.inbound.received_at, timezone.now())


def inbound_process(*, inbound_id: int) -> str:
    """Process one stored email, once; returns its outcome (or "not pending")."""
    try:
        with transaction.atomic():
            inbound = (
                InboundEmail.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("tenant", "mailbox__default_ticket_type")
                .filter(pk=inbound_id, state=State.PENDING)
                .order_by()
                .first()
            )
            if inbound is None:
                return NOT_PENDING
            written = []
            token = content.staged_files.set(written)
            try:
                with transaction.atomic():
                    outcome = _decide(inbound)
            except TRANSIENT:
                content.staged_files_delete(written)
                raise
            except Exception as error:  # noqa: BLE001 - recorded on the row, retried
                content.staged_files_delete(written)
                return _failed(inbound, error)
            finally:
                content.staged_files.reset(token)
            _finish(inbound, outcome)
            return inbound.outcome
    except TRANSIENT:
        logger.warning("Received email %s not processed: database unavailable", inbound_id)
        return DATABASE_UNAVAILABLE


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8… minutes after the first, second, third… failure (at most a day)."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


def _failed(inbound: InboundEmail, error: Exception) -> str:
    logger.warning("Received email %s failed to process", inbound.pk, exc_info=error)
    now = timezone.now()
    inbound.ticket = None
    inbound.attempts += 1
    inbound.error = f"{type(error).__name__}: {error}"[:500]
    inbound.claimed_until = None
    if inbound.attempts >= settings.INBOUND_RETRIES:
        inbound.state = State.FAILED
        inbound.outcome = _("Failed after %(count)s attempts") % {"count": inbound.attempts}
    else:
        inbound.next_attempt_at = now + retry_delay(inbound.attempts)
        inbound.outcome = _("Failed; trying again at %(time)s") % {
            "time": inbound.next_attempt_at.strftime("%H:%M UTC")
        }
    inbound.save(
        update_fields=["attempts", "error", "claimed_until", "state", "next_attempt_at", "outcome"]
    )
    return inbound.outcome


def _finish(inbound: InboundEmail, outcome: Outcome) -> None:
    inbound.state = outcome.state
    inbound.outcome = outcome.text[:300]
    inbound.ticket = outcome.ticket
    inbound.error = ""
    inbound.processed_at = timezone.now()
    inbound.claimed_until = None
    inbound.save(
        update_fields=[
            "state",
            "outcome",
            "ticket",
            "error",
            "processed_at",
            "claimed_until",
            "auto_replied_at",
        ]
    )


def _read(inbound: InboundEmail) -> bytes:
    with inbound.raw.open("rb") as raw:
        return raw.read()


def _ignored(reason: str) -> Outcome:
    return Outcome(State.IGNORED, _("Ignored: %(reason)s") % {"reason": reason})


def _refused(reason: str, ticket: Ticket | None = None) -> Outcome:
    return Outcome(State.REFUSED, _("Refused: %(reason)s") % {"reason": reason}, ticket)


def _decide(inbound: InboundEmail) -> Outcome:
    parsed = parse_email(_read(inbound))
    tenant = inbound.tenant
    work = Work(inbound=inbound, parsed=parsed)
    work.addresses = routing.own_addresses(tenant=tenant)
    own = loops.own_sender_reason(parsed, own_addresses=work.addresses)
    if own:
        return _ignored(own)
    threads = routing.outbox_threads(tenant=tenant, parsed=parsed)
    if parsed.message_id and parsed.message_id in threads:
        return _ignored(_("one of our own emails"))
    if loops.is_delivery_report(parsed):
        bounce = bounce_of(parsed.message)
        sent = bounce_record(tenant=tenant, bounce=bounce) if bounce else None
        if sent is not None:
            return Outcome(
                State.IGNORED,
                _("Bounce of “%(subject)s” to %(to)s: %(reason)s")
                % {
                    "subject": sent.subject,
                    "to": ", ".join(bounce.recipients or sent.to),
                    "reason": sent.bounce_reason,
                },
            )
    noise = loops.noise_reason(parsed)
    if noise:
        return _ignored(noise)
    if not work.sender:
        return _refused(_("the email has no sender address"))
    if not tenant.is_active or not inbound.mailbox.is_active:
        return _refused(_("the help desk or its mailbox is deactivated"))
    user = routing.sender_account(address=work.sender)
    route, named = routing.ticket_route(
        parsed=parsed, tenant=tenant, addresses=work.addresses, threads=threads, sender=work.sender
    )
    work.base_url = tenant_base_url(tenant=tenant)
    if route is not None:
        return _answer(work, route.ticket, user)
    if named is not None:
        return _refused(_may_not_reply(work, named))
    return _open(work, user)


def _may_not_reply(work: Work, ticket: Ticket) -> str:
    return _("sender %(sender)s may not reply to %(ticket)s") % {
        "sender": work.sender,
        "ticket": ticket.reference,
    }


# --- replies ---------------------------------------------------------------------------


def _note_marked(work: Work, text: str) -> tuple[bool, str]:
    """An engineer's reply whose first line starts with the mailbox's note marker is an
    internal note (also "#note the firewall…": what follows the marker is kept). Erring
    towards a note keeps a remark meant for colleagues from reaching the customer."""
    marker = work.mailbox.note_marker.strip().lower()
    stripped = text.lstrip()
    head = stripped[: len(marker)].lower()
    if marker and head == marker and stripped[len(marker) : len(marker) + 1] in ("", " ", "\n"):
        return True, stripped[len(marker) :].strip()
    return False, text


def _answer(work: Work, ticket: Ticket, user: User | None) -> Outcome:
    allowed = routing.reply_allowed(
        ticket=ticket, tenant=work.tenant, address=work.sender, user=user
    )
    if not allowed:
        return _refused(_may_not_reply(work, ticket))
    if allowed == routing.ALLOWED_CONTACT and user is None:
        user = _contact_create(work)
    now = work.received_at
    past_window = ticket.status == Status.RESOLVED and not can_reopen(user, ticket, now)
    if ticket.status == Status.CLOSED or past_window:
        # Someone in copy from outside answers this ticket only, never opens another.
        if user.is_agent or allowed == routing.ALLOWED_CONTACT:
            return _refused(
                _("%(ticket)s is closed; the reply of %(sender)s was not added")
                % {"ticket": ticket.reference, "sender": work.sender},
                ticket,
            )
        return _new_ticket(work, user, follow_up=ticket)
    text = content.new_text(work.parsed)
    internal = False
    if user.is_agent:
        internal, text = _note_marked(work, text)
    files = content.files_stage(parts=work.parsed.attachments, actor=user, tenant=work.tenant)
    ids = [attachment.public_id for attachment in files.staged]
    if ticket.status == Status.RESOLVED and not user.is_agent:
        # Within the reopen window the customer's answer reopens the ticket, as in the portal.
        ticket = ticket_transition(
            ticket=ticket,
            actor=user,
            to_status=Status.IN_PROGRESS,
            base_url=work.base_url,
            now=max(now, ticket.updated_at),
        )
    reference = ticket.reference
    if text:
        ticket_reply(
            ticket=ticket,
            actor=user,
            body=text,
            internal=internal,
            attachment_ids=ids,
            base_url=work.base_url,
            channel=Channel.EMAIL,
            inbound_email=work.inbound,
            at=now,
        )
        outcome = (_("Internal note on %s") if internal else _("Reply on %s")) % reference
    elif ids:
        ticket_add_evidence(ticket=ticket, actor=user, attachment_ids=ids, base_url=work.base_url)
        outcome = _("Files added to %s") % reference
    else:
        return Outcome(State.IGNORED, _("Ignored: empty reply to %s") % reference, ticket)
    if files.refused:
        _files_refused_reply(work, ticket=ticket, refused=files.refused)
    return Outcome(State.DONE, outcome, ticket)


# --- new tickets -----------------------------------------------------------------------


def _open(work: Work, user: User | None) -> Outcome:
    if user is not None:
        if user.tenant_id != work.tenant.pk:
            return _refused(
                _("%(sender)s has an account with another help desk") % {"sender": work.sender}
            )
        if user.is_agent:
            return _refused(
                _("%(sender)s is staff and wrote without a ticket to reply to")
                % {"sender": work.sender}
            )
        if not user.is_active:
            return _refused(_("%(sender)s is deactivated") % {"sender": work.sender})
        if user.is_contact:
            return _refused(
                _("%(sender)s is in copy of tickets only and does not open new ones")
                % {"sender": work.sender}
            )
        if user.organization_id is None or not user.organization.is_active:
            return _refused(
                _("the organization of %(sender)s is deactivated") % {"sender": work.sender}
            )
        return _new_ticket(work, user)
    organization = _domain_organization(work)
    if organization is None:
        _unknown_sender_reply(work)
        return _refused(_("unknown sender %(sender)s") % {"sender": work.sender})
    return _new_ticket(work, _account_create(work, organization=organization))


def _domain_organization(work: Work):
    if work.tenant.unknown_senders != UnknownSenders.ORGANIZATION_DOMAINS:
        return None
    domain = work.sender.rpartition("@")[2]
    row = (
        OrganizationEmailDomain.objects.for_tenant(work.tenant)
        .filter(domain=domain, organization__is_active=True)
        .select_related("organization")
        .first()
    )
    return row.organization if row else None


def _account_create(work: Work, *, organization) -> User:
    """A customer account of ``organization`` for the sender (an unknown address at one of
    its email domains), who signs in only after setting a password."""
    name = work.parsed.sender.name or work.sender.partition("@")[0]
    return User.objects.create_user(
        email=work.sender,
        password=None,
        full_name=name[:150],
        tenant=work.tenant,
        organization=organization,
        role=Role.CUSTOMER,
    )


def _contact_create(work: Work) -> User:
    """The account an outside address in copy writes with: a contact of the tenant, in no
    organization, who never signs in and sees nothing in the portal."""
    name = work.parsed.sender.name or work.sender.partition("@")[0]
    return User.objects.create_user(
        email=work.sender,
        password=None,
        full_name=name[:150],
        tenant=work.tenant,
        role=Role.CONTACT,
    )


def _new_ticket(work: Work, user: User, follow_up: Ticket | None = None) -> Outcome:
    parsed = work.parsed
    if follow_up is not None:
        lead = _("Follow-up to %(reference)s") % {"reference": follow_up.reference}
        text = f"{lead}\n\n{content.new_text(parsed)}".strip()
    else:
        text = content.new_text(parsed, strip_quoted=False) or _("(The email had no text.)")
    files = content.files_stage(parts=parsed.attachments, actor=user, tenant=work.tenant)
    mailbox = work.mailbox
    ticket = ticket_create(
        actor=user,
        tenant=work.tenant,
        title=(parsed.subject or _("(no subject)"))[:200],
        text=text,
        ticket_type=mailbox.default_ticket_type,
        priority=mailbox.default_priority,
        affected_service="",
        attachment_ids=[attachment.public_id for attachment in files.staged],
        base_url=work.base_url,
        channel=Channel.EMAIL,
        opened_at=work.received_at,
        inbound_email=work.inbound,
    )
    _colleagues_in_copy(work, ticket=ticket, requester=user)
    if files.refused:
        _files_refused_reply(work, ticket=ticket, refused=files.refused)
    return Outcome(State.DONE, _("New ticket %s") % ticket.reference, ticket)


def _colleagues_in_copy(work: Work, *, ticket: Ticket, requester: User) -> None:
    """Colleagues of the requester's organization the email was also sent to."""
    parsed = work.parsed
    addresses = {a.address for a in (*parsed.to, *parsed.cc)} - work.addresses - {work.sender}
    if not addresses:
        return
    colleagues = (
        User.objects.for_tenant(work.tenant)
        .filter(
            email__in=sorted(addresses),
            organization_id=requester.organization_id,
            role__in=CUSTOMER_ROLES,
            is_active=True,
        )
        .order_by("pk")
    )
    for colleague in colleagues:
        ticket_cc_add(ticket=ticket, actor=None, user=colleague)


# --- automatic answers -------------------------------------------------------------------


def _auto_reply(work: Work, *, template: str, context: dict, ticket: Ticket | None = None):
    """Answer the sender automatically, at most once per ``INBOUND_AUTO_REPLY_HOURS``.

    Marked ``Auto-Submitted: auto-replied`` (RFC 3834) so that responders do not answer
    it; never sent to a sender who asked responders to stay quiet."""
    parsed = work.parsed
    if loops.wants_no_automatic_answer(parsed):
        return
    inbound = work.inbound
    if connection.vendor == "postgresql":
        # Two messages of one sender processed at once: the second sees the first's answer.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"inbound-auto-reply:{work.tenant.pk}:{work.sender}"],
            )
    now = timezone.now()
    since = now - timedelta(hours=settings.INBOUND_AUTO_REPLY_HOURS)
    answered = (
        InboundEmail.objects.for_tenant(work.tenant)
        .filter(from_address=work.sender, auto_replied_at__gte=since)
        .exclude(pk=inbound.pk)
        .exists()
    )
    if answered:
        return
    context = {
        "tenant": work.tenant,
        "portal_title": work.tenant.portal_title,
        "portal_url": work.base_url,
        "sender": work.sender,
        "subject": parsed.subject,
        **context,
    }
    email = tenant_email(
        tenant=work.tenant,
        to=[work.sender],
        rendered=render_email(f"tickets/email/{template}", context),
    )
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    if parsed.message_id:
        headers.update({"In-Reply-To": parsed.message_id, "References": parsed.message_id})
    email_queue(
        **email,
        reply_to=[work.mailbox.address],
        headers=headers,
        thread=f"{routing.THREAD_PREFIX}{ticket.pk}" if ticket else "",
    )
    inbound.auto_replied_at = now


def _unknown_sender_reply(work: Work) -> None:
    _auto_reply(work, template="intake_unknown_sender", context={})


def _files_refused_reply(work: Work, *, ticket: Ticket, refused) -> None:
    _auto_reply(
        work,
        template="intake_files_refused",
        context={
            "ticket": ticket,
            "refused": list(refused),
            "allowed": ALLOWED_DESCRIPTION,
            "ticket_url": work.base_url.rstrip("/") + ticket.get_absolute_url(),
        },
        ticket=ticket,
    )
