"""What a processed email does: a reply on a ticket, a new ticket, or an automatic answer
to its sender, each through the ticket services; :mod:`.process` decides which, on the
locked inbox row."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CUSTOMER_ROLES, OrganizationEmailDomain, Role, UnknownSenders, User
from helpdesk.emails import render_email, tenant_email
from helpdesk.languages import language_of
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
from .parse import ParsedEmail

State = InboundEmail.State


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


def ignored(reason: str) -> Outcome:
    return Outcome(State.IGNORED, _("Ignored: %(reason)s") % {"reason": reason})


def refused(reason: str, ticket: Ticket | None = None) -> Outcome:
    return Outcome(State.REFUSED, _("Refused: %(reason)s") % {"reason": reason}, ticket)


def may_not_reply(work: Work, ticket: Ticket) -> str:
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


def answer(work: Work, ticket: Ticket, user: User | None) -> Outcome:
    allowed = routing.reply_allowed(
        ticket=ticket, tenant=work.tenant, address=work.sender, user=user
    )
    if not allowed:
        return refused(may_not_reply(work, ticket))
    if allowed == routing.ALLOWED_CONTACT and user is None:
        user = _contact_create(work)
    now = work.received_at
    past_window = ticket.status == Status.RESOLVED and not can_reopen(user, ticket, now)
    if ticket.status == Status.CLOSED or past_window:
        # Someone in copy from outside answers this ticket only, never opens another.
        if user.is_agent or allowed == routing.ALLOWED_CONTACT:
            return refused(
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
        _files_refused_reply(work, ticket=ticket, user=user, refused=files.refused)
    return Outcome(State.DONE, outcome, ticket)


# --- new tickets -----------------------------------------------------------------------


def open_new(work: Work, user: User | None) -> Outcome:
    if user is not None:
        if user.tenant_id != work.tenant.pk:
            return refused(
                _("%(sender)s has an account with another help desk") % {"sender": work.sender}
            )
        if user.is_agent:
            return refused(
                _("%(sender)s is staff and wrote without a ticket to reply to")
                % {"sender": work.sender}
            )
        if not user.is_active:
            return refused(_("%(sender)s is deactivated") % {"sender": work.sender})
        if user.is_contact:
            return refused(
                _("%(sender)s is in copy of tickets only and does not open new ones")
                % {"sender": work.sender}
            )
        if user.organization_id is None or not user.organization.is_active:
            return refused(
                _("the organization of %(sender)s is deactivated") % {"sender": work.sender}
            )
        return _new_ticket(work, user)
    organization = _domain_organization(work)
    if organization is None:
        _unknown_sender_reply(work)
        return refused(_("unknown sender %(sender)s") % {"sender": work.sender})
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
        _files_refused_reply(work, ticket=ticket, user=user, refused=files.refused)
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


def _auto_reply(
    work: Work,
    *,
    template: str,
    user: User | None,
    context=None,
    ticket: Ticket | None = None,
):
    """Answer the sender automatically, at most once per ``INBOUND_AUTO_REPLY_HOURS``, in
    their language (``user``: their account, if any; else the tenant's default).
    ``context``: a function giving the template's own context, called in that language.

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
    with language_of(user, work.tenant):
        rendered = render_email(
            f"tickets/email/{template}",
            {
                "tenant": work.tenant,
                "portal_title": work.tenant.portal_title,
                "portal_url": work.base_url,
                "sender": work.sender,
                "subject": parsed.subject,
                **(context() if context else {}),
            },
        )
    email = tenant_email(tenant=work.tenant, to=[work.sender], rendered=rendered)
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
    _auto_reply(work, template="intake_unknown_sender", user=None)


def _files_refused_reply(work: Work, *, ticket: Ticket, user: User, refused) -> None:
    def context() -> dict:
        return {
            "ticket": ticket,
            "refused": [" ".join(error.messages) for error in refused],
            "allowed": str(ALLOWED_DESCRIPTION),
            "ticket_url": work.base_url.rstrip("/") + ticket.get_absolute_url(),
        }

    _auto_reply(work, template="intake_files_refused", user=user, context=context, ticket=ticket)
