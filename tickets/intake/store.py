"""Storing a received message before anything else happens to it.

The raw bytes go to Django's storage under a digest of their content, then one row per
tenant and Message-ID is inserted. Storing the same message again (IMAP fetched it twice,
the mail server retried, two workers raced) finds the row already there and writes nothing
new. Processing is queued after the commit and re-driven every minute.
"""

import email.parser
import email.policy
import logging
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.queueing import due_rows_claim, tasks_enqueue

from ..models import InboundEmail, Mailbox, message_digest

logger = logging.getLogger(__name__)

REDRIVE_BATCH = 500
_HEADERS = email.parser.BytesHeaderParser(policy=email.policy.default)


class MessageTooLarge(ValueError):
    pass


@dataclass(frozen=True)
class Stored:
    email: InboundEmail
    created: bool


def _header(message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a malformed header is read as missing
        return ""
    return " ".join(str(value or "").split())


def message_id_of(raw: bytes) -> str:
    """The message's Message-ID; one made from its bytes when it has none, so the same
    message stored twice is still recognised as one."""
    headers = _HEADERS.parsebytes(raw)
    value = _header(headers, "Message-ID").strip()
    if value:
        return value[:255]
    return f"<sha256.{message_digest(raw)}@inbound.invalid>"


def inbound_store(*, mailbox: Mailbox, raw: bytes, source: str, received_at=None) -> Stored:
    """Store ``raw`` for ``mailbox``'s tenant, once. Raises :class:`MessageTooLarge` past
    ``INBOUND_MAX_BYTES`` and any storage or database error (the caller keeps the message
    and tries again: the mail server, the IMAP folder, the provider's webhook retry)."""
    if len(raw) > settings.INBOUND_MAX_BYTES:
        raise MessageTooLarge(f"{len(raw)} bytes; at most {settings.INBOUND_MAX_BYTES}")
    message_id = message_id_of(raw)
    existing = InboundEmail.objects.for_tenant(mailbox.tenant_id).filter(message_id=message_id)
    found = existing.first()
    if found is not None:
        return Stored(email=found, created=False)
    headers = _HEADERS.parsebytes(raw)
    now = timezone.now()
    row = InboundEmail(
        tenant_id=mailbox.tenant_id,
        mailbox=mailbox,
        message_id=message_id,
        size=len(raw),
        source=source,
        from_address=parseaddr(_header(headers, "From"))[1][:254].lower(),
        subject=_header(headers, "Subject")[:255],
        received_at=received_at or now,
        next_attempt_at=now,
        claimed_until=now + claim_period(),
    )
    # The same bytes always land on the same object: a retry overwrites it with itself.
    row.raw.save(f"{message_digest(raw)}.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        found = existing.first()
        if found is None:
            raise
        return Stored(email=found, created=False)
    transaction.on_commit(lambda: processing_enqueue([row.pk]), robust=True)
    return Stored(email=row, created=True)


def claim_period() -> timedelta:
    return timedelta(seconds=settings.INBOUND_CLAIM_SECONDS)


def processing_enqueue(ids: list[int]) -> None:
    # The task module imports this one; reaching it at call time keeps that one-way.
    from ..tasks import process_inbound_email

    tasks_enqueue(process_inbound_email, ids, pending=_pending(), what="received email(s)")


def _pending():
    return InboundEmail.objects.filter(state=InboundEmail.State.PENDING)


def inbound_redrive(*, limit: int = REDRIVE_BATCH) -> int:
    """Queue processing for every stored message that is due and has none queued."""
    now = timezone.now()
    ids = due_rows_claim(_pending(), now=now, claim_until=now + claim_period(), limit=limit)
    if ids:
        processing_enqueue(ids)
    return len(ids)


def inbound_retry(*, emails) -> int:
    """Put failed messages back in line (admin's "Process again"). Returns how many."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(emails.filter(state=InboundEmail.State.FAILED).values_list("pk", flat=True))
        InboundEmail.objects.filter(pk__in=ids).update(
            state=InboundEmail.State.PENDING,
            attempts=0,
            error="",
            next_attempt_at=now,
            claimed_until=now + claim_period(),
        )
        if ids:
            transaction.on_commit(lambda: processing_enqueue(ids), robust=True)
    return len(ids)
