"""Webhooks: events of a tenant POSTed to its endpoints, through an outbox for HTTP.

What a receiver gets
--------------------
One POST per event and webhook, body compact JSON (UTF-8, keys sorted)::

    {"created_at": "2026-12-02T09:30:00.123456+00:00", "data": {...},
     "event": "ticket.created", "id": "<event id>", "tenant": "<tenant slug>"}

with the headers ``Content-Type: application/json``, ``User-Agent: Helpdesk-Webhooks/1``,
``X-Helpdesk-Event`` (the event name), ``X-Helpdesk-Delivery`` (the event id, the same on
every attempt and redelivery: receivers drop the ones they have seen),
``X-Helpdesk-Timestamp`` (Unix seconds of this attempt) and
``X-Helpdesk-Signature: sha256=<hex>``, the HMAC-SHA256 with the webhook's secret as key of
the bytes ``f"{timestamp}.".encode() + body``. A receiver recomputes it over the raw body it
received, compares with ``hmac.compare_digest`` and refuses timestamps more than five
minutes away from its clock (so a captured request cannot be replayed later). A 2xx answer
is a delivery; anything else (or no answer within ``WEBHOOK_TIMEOUT``) is retried with
backoff for ``WEBHOOK_RETRY_FOR``. Redirects are not followed.

How it works
------------
:func:`webhook_emit` is called inside the transaction of the change: it writes one
:class:`~helpdesk.models.WebhookDelivery` per active webhook of the tenant subscribed to the
event, and queues their delivery after commit. The row is its own schedule, exactly like the
email outbox (``helpdesk.services``): see :mod:`helpdesk.webhooks.delivery`.

Endpoints are checked against server-side request forgery (:mod:`helpdesk.webhooks.transport`):
every address the host resolves to must be public, and the request goes to the address that
was checked.
"""

from .delivery import (
    webhook_deliver,
    webhook_redeliver,
    webhook_redrive,
    webhook_secret_rotate,
)
from .emit import Emission, webhook_emit, webhook_emit_many, webhook_subscribers
from .signing import SIGNATURE_TOLERANCE, body_bytes, signature, signature_valid
from .transport import UnsafeDestination, destination_check

__all__ = [
    "SIGNATURE_TOLERANCE",
    "Emission",
    "UnsafeDestination",
    "body_bytes",
    "destination_check",
    "signature",
    "signature_valid",
    "webhook_deliver",
    "webhook_emit",
    "webhook_emit_many",
    "webhook_redeliver",
    "webhook_redrive",
    "webhook_secret_rotate",
    "webhook_subscribers",
]
