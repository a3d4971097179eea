"""Bounces of our emails: a mail system's report that an email could not be delivered.

A delivery-status report (RFC 3464: ``multipart/report`` with a ``message/delivery-status``
part) names the recipients that failed, why (Status, Diagnostic-Code), and carries the
original message or its headers, whose Message-ID is the one stored on the outbox row.
Mail systems that send plain-text bounces still quote the original headers, or answer
with In-Reply-To. :func:`bounce_of` reads a parsed message (pure);
:func:`bounce_record` marks the outbox row and counts the address.
"""

import email.policy
import re
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import BouncedAddress, OutboxEmail

_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
_QUOTED_MESSAGE_ID = re.compile(r"^\s*Message-ID:\s*(<[^<>\s]{1,250}>)", re.IGNORECASE | re.M)
_STATUS = re.compile(r"\b([45]\.\d{1,3}\.\d{1,3})\b")
_HEADERS = HeaderParser(policy=email.policy.default)
MAX_REASON = 300


@dataclass(frozen=True)
class Bounce:
    message_ids: tuple[str, ...]  # the Message-IDs the report is about
    recipients: tuple[str, ...]  # the addresses that failed
    reason: str


def _text(part: Message) -> str:
    try:
        content = part.get_content()
    except Exception:  # noqa: BLE001 - decoded by hand
        content = part.get_payload(decode=True) or b""
    if isinstance(content, bytes):
        return content.decode("utf-8", errors="replace")
    if isinstance(content, Message):
        return content.as_string()
    return str(content)


def _value(block: Message, name: str) -> str:
    try:
        return " ".join(str(block.get(name) or "").split())
    except Exception:  # noqa: BLE001
        return ""


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    # Some mail systems send the fields as one text block.
    text = payload if isinstance(payload, str) else _text(part)
    return [_HEADERS.parsestr(block) for block in re.split(r"\n\s*\n", text) if block.strip()]


_LEAF_KINDS = frozenset(
    {"message/rfc822", "message/delivery-status", "message/disposition-notification"}
)


def _leaves(message: Message):
    stack = [message]
    while stack:
        part = stack.pop()
        kind = part.get_content_type()
        if kind in _LEAF_KINDS or not part.is_multipart():
            yield part
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend(child for child in payload if isinstance(child, Message))


def _original_message_ids(part: Message) -> list[str]:
    kind = part.get_content_type()
    headers = None
    if kind == "message/rfc822":
        payload = part.get_payload()
        headers = payload[0] if isinstance(payload, list) and payload else None
    elif kind == "text/rfc822-headers":
        headers = _HEADERS.parsestr(_text(part))
    if headers is None:
        return []
    return _MESSAGE_ID.findall(_value(headers, "Message-ID"))


def _failed(action: str, status: str) -> bool:
    """A recipient the report gave up on: "failed", or no action with a permanent status.
    "delayed" is a warning that delivery goes on; "delivered", "relayed" and "expanded"
    are successes."""
    return action == "failed" or (not action and status.startswith("5"))


def bounce_of(message: Message) -> Bounce | None:
    """What a delivery report says about one of our emails; None when it names none, when
    no recipient failed (a delay warning) or when it is a read receipt."""
    ids: list[str] = []
    recipients: list[str] = []
    reasons: list[str] = []
    text_parts: list[str] = []
    try:
        leaves = list(_leaves(message))
    except Exception:  # noqa: BLE001 - a broken report names nothing
        return None
    kinds = {part.get_content_type() for part in leaves}
    if "message/disposition-notification" in kinds:
        return None
    for part in leaves:
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in _status_blocks(part):
                recipient = _value(block, "Final-Recipient") or _value(block, "Original-Recipient")
                status = _value(block, "Status")
                if not recipient or not _failed(_value(block, "Action").lower(), status):
                    continue
                address = recipient.rpartition(";")[2].strip().strip("<>").lower()
                if "@" in address:
                    recipients.append(address)
                reason = _value(block, "Diagnostic-Code").partition(";")[2].strip()
                reasons.append(" ".join(filter(None, [status, reason])))
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            ids.extend(_original_message_ids(part))
        elif kind == "text/plain":
            text_parts.append(_text(part))
    for name in ("In-Reply-To", "References"):
        ids.extend(_MESSAGE_ID.findall(_value(message, name)))
    for text in text_parts:
        ids.extend(_QUOTED_MESSAGE_ID.findall(text))
    ids = list(dict.fromkeys(ids))
    if not ids or ("message/delivery-status" in kinds and not recipients):
        return None
    reason = next((r for r in reasons if r), "")
    if not reason:
        reason = _plain_reason(text_parts)
    return Bounce(
        message_ids=tuple(ids[:30]),
        recipients=tuple(dict.fromkeys(recipients)),
        reason=reason[:MAX_REASON],
    )


def _plain_reason(texts: list[str]) -> str:
    """A plain-text bounce's reason: the first line with an SMTP status code."""
    for text in texts:
        for line in text.splitlines():
            if _STATUS.search(line) or re.search(r"\b5\d\d\b", line):
                return " ".join(line.split())
    return ""


def bounce_record(*, tenant, bounce: Bounce, now=None) -> OutboxEmail | None:
    """Mark the tenant's outbox email the bounce is about and count each failed address
    (every recipient of the email when the report names none). None when the report is
    about no email of ``tenant``'s."""
    now = now or timezone.now()
    tenant_id = tenant.pk if tenant is not None else None
    sent = (
        OutboxEmail.objects.filter(tenant_id=tenant_id, message_id__in=list(bounce.message_ids))
        .order_by("-created_at")
        .first()
    )
    if sent is None:
        return None
    reason = bounce.reason or "Undeliverable"
    OutboxEmail.objects.filter(pk=sent.pk).update(bounced_at=now, bounce_reason=reason)
    sent.bounced_at, sent.bounce_reason = now, reason
    addresses = bounce.recipients or tuple(address.lower() for address in sent.to)
    for address in addresses:
        _address_count(tenant_id=tenant_id, address=address, reason=reason, now=now)
    return sent


def _address_count(*, tenant_id, address: str, reason: str, now) -> None:
    changes = {"bounces": F("bounces") + 1, "last_reason": reason, "last_bounced_at": now}
    rows = BouncedAddress.objects.filter(tenant_id=tenant_id, address=address)
    if rows.update(**changes):
        return
    try:
        with transaction.atomic():
            BouncedAddress.objects.create(
                tenant_id=tenant_id,
                address=address,
                bounces=1,
                last_reason=reason,
                last_bounced_at=now,
            )
    except IntegrityError:
        rows.update(**changes)
