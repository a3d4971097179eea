"""The bytes a webhook sends and their signature (the scheme is in :mod:`helpdesk.webhooks`)."""

import hashlib
import hmac
import json
import time

USER_AGENT = "Helpdesk-Webhooks/1"
# How far a receiver lets the timestamp stray from its clock (the recipe we document).
SIGNATURE_TOLERANCE = 5 * 60


def body_bytes(payload: dict) -> bytes:
    """The body of a delivery. Keys are sorted, so the stored payload (which the database
    hands back in its own key order) gives the same bytes on every attempt."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_valid(
    secret: str, timestamp: str, body: bytes, header: str, *, now: float | None = None
) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - sent) > SIGNATURE_TOLERANCE:
        return False
    return hmac.compare_digest(signature(secret, sent, body), header or "")


def headers(*, event: str, event_id: str, secret: str, timestamp: int, body: bytes) -> dict:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Helpdesk-Event": event,
        "X-Helpdesk-Delivery": event_id,
        "X-Helpdesk-Timestamp": str(timestamp),
        "X-Helpdesk-Signature": signature(secret, timestamp, body),
    }
