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
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from helpdesk.bounces import bounce_of, bounce_record
from helpdesk.languages import language_of
from helpdesk.links import tenant_base_url
from helpdesk.zones import readable_zone, zone_abbreviation

from ..models import InboundEmail
from . import content, loops, routing
from .actions import Outcome, Work, answer, ignored, may_not_reply, open_new, refused
from .parse import parse_email

logger = logging.getLogger(__name__)

State = InboundEmail.State
NOT_PENDING = "not pending"
DATABASE_UNAVAILABLE = "database unavailable: left for the re-drive"
# Transient: the database went away or gave up on a lock; nothing can be recorded.
TRANSIENT = (OperationalError, InterfaceError)


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
            # The outcome is stored for the tenant's admins: in the tenant's language.
            with language_of(None, inbound.tenant):
                return _process_locked(inbound)
    except TRANSIENT:
        logger.warning("Received email %s not processed: database unavailable", inbound_id)
        return DATABASE_UNAVAILABLE


def _process_locked(inbound: InboundEmail) -> str:
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
        # Read by the tenant's admins: the time in the tenant's zone.
        at = timezone.localtime(inbound.next_attempt_at, readable_zone(inbound.tenant.time_zone))
        inbound.outcome = _("Failed; trying again at %(time)s %(zone)s") % {
            "time": date_format(at, "TIME_FORMAT"),
            "zone": zone_abbreviation(at),
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


def _decide(inbound: InboundEmail) -> Outcome:
    parsed = parse_email(_read(inbound))
    tenant = inbound.tenant
    work = Work(inbound=inbound, parsed=parsed)
    work.addresses = routing.own_addresses(tenant=tenant)
    own = loops.own_sender_reason(parsed, own_addresses=work.addresses)
    if own:
        return ignored(own)
    threads = routing.outbox_threads(tenant=tenant, parsed=parsed)
    if parsed.message_id and parsed.message_id in threads:
        return ignored(_("one of our own emails"))
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
        return ignored(noise)
    if not work.sender:
        return refused(_("the email has no sender address"))
    if not tenant.is_active or not inbound.mailbox.is_active:
        return refused(_("the help desk or its mailbox is deactivated"))
    user = routing.sender_account(address=work.sender)
    route, named = routing.ticket_route(
        parsed=parsed, tenant=tenant, addresses=work.addresses, threads=threads, sender=work.sender
    )
    work.base_url = tenant_base_url(tenant=tenant)
    if route is not None:
        return answer(work, route.ticket, user)
    if named is not None:
        return refused(may_not_reply(work, named))
    return open_new(work, user)
