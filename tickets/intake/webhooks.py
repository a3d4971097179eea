"""Inbound webhooks of mail providers (Amazon SES, Mailgun, Postmark, SendGrid…), through
django-anymail: anymail checks the provider's signature or the shared basic-auth secret,
parses the post and sends ``anymail.signals.inbound``; this receiver stores the message
for the mailbox it was delivered to (processing is queued as for any stored message).

The mailbox, and so the tenant, comes from the envelope recipient when the provider gives
one, never from headers the sender wrote; without an envelope, from the To and Cc
addresses. A message for no mailbox here is logged and answered 2xx, so the provider does
not retry it forever; a message that could not be stored answers 5xx and is retried.
"""

import logging
from email.utils import getaddresses

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import inbound
from django.dispatch import receiver
from django.urls import URLPattern

from ..models import InboundEmail, Mailbox
from .store import MessageTooLarge, inbound_store

logger = logging.getLogger(__name__)


def mailbox_for_address(address: str) -> Mailbox | None:
    """The active mailbox receiving at ``address``; a ``+token`` subaddress (our signed
    reply addresses) reaches its base mailbox."""
    address = (address or "").strip().lower()
    local, _, domain = address.rpartition("@")
    if not local or not domain:
        return None
    candidates = [address]
    if "+" in local:
        candidates.append(f"{local.partition('+')[0]}@{domain}")
    # A mailbox's address is unique across tenants: it is what says whose mail this is.
    found = {
        mailbox.address: mailbox
        for mailbox in Mailbox.objects.filter(address__in=candidates, is_active=True)
        .select_related("tenant")
        .filter(tenant__is_active=True)
    }
    return next((found[c] for c in candidates if c in found), None)


def recipients_of(message) -> list[str]:
    """Where the provider delivered ``message``: its envelope recipient(s) when known, else
    the To and Cc addresses."""
    envelope = getattr(message, "envelope_recipient", None) or ""
    if envelope:
        return [address for _, address in getaddresses([envelope]) if address]
    return [item.addr_spec for item in [*message.to, *message.cc] if item.addr_spec]


def mailboxes_for(message) -> list[Mailbox]:
    mailboxes: dict[int, Mailbox] = {}
    for address in recipients_of(message):
        mailbox = mailbox_for_address(address)
        if mailbox is not None:
            mailboxes.setdefault(mailbox.pk, mailbox)
    return list(mailboxes.values())


@receiver(inbound, dispatch_uid="tickets.intake.webhooks.inbound_received")
def inbound_received(sender, event, esp_name, **kwargs) -> None:
    message = event.message
    mailboxes = mailboxes_for(message)
    if not mailboxes:
        logger.warning(
            "%s inbound email for %s dropped: no mailbox has that address",
            esp_name,
            ", ".join(recipients_of(message)) or "no recipient",
        )
        return
    raw = message.as_bytes()
    # Each tenant's mailbox gets its own row; one tenant never sees another's copy.
    for mailbox in mailboxes:
        try:
            inbound_store(mailbox=mailbox, raw=raw, source=InboundEmail.Source.WEBHOOK)
        except MessageTooLarge as error:
            logger.warning("%s inbound email for %s dropped: %s", esp_name, mailbox, error)


class RequireAuthentication:
    """Anymail serves a provider without its own signature (Postmark, SendGrid, Amazon
    SES…) to anyone when no basic-auth secret is set, with only a warning: here it is
    refused (400) until ``ANYMAIL_WEBHOOK_SECRET`` is configured, so nobody can post mail
    into a tenant's inbox."""

    def validate_request(self, request):
        if self.warn_if_no_basic_auth and not self.basic_auth:
            raise AnymailWebhookValidationFailure(
                f"Anymail {self.esp_name} webhook refused: no WEBHOOK_SECRET configured"
            )


def inbound_webhook_urls() -> list:
    """Anymail's inbound webhooks only (its tracking webhooks are not served), each one
    refusing unauthenticated posts."""
    patterns = []
    for pattern in anymail_urls.urlpatterns:
        if not pattern.name.endswith("_inbound_webhook"):
            continue
        view_class = pattern.callback.view_class
        guarded = type(view_class.__name__, (RequireAuthentication, view_class), {})
        patterns.append(
            URLPattern(pattern.pattern, guarded.as_view(), pattern.default_args, pattern.name)
        )
    return patterns
