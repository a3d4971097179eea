"""Signed reply addresses: ``support+<token>@example.com`` in the Reply-To of our emails.

The token names the ticket and carries a MAC over the tenant, the ticket and the address
the email was sent to, keyed with ``SECRET_KEY``: an answer from that address threads into
that ticket, and nobody can make up a token for a ticket they were not sent. Mail servers
may lower-case the local part, so the token is lower-case.
"""

import base64
import hmac
import re

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_noop

from helpdesk.links import tenant_host

SALT = "tickets.reply-address"
MAC_LENGTH = 16  # base32 characters: 80 bits
_TOKEN = re.compile(rf"^([0-9a-z]{{1,13}})-([a-z2-7]{{{MAC_LENGTH}}})$")


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _mac(*, tenant_id: int, ticket_id: int, recipient: str) -> str:
    value = f"{tenant_id}:{ticket_id}:{recipient.strip().lower()}"
    digest = salted_hmac(SALT, value, algorithm="sha256").digest()
    return base64.b32encode(digest).decode().lower()[:MAC_LENGTH]


def reply_token(*, tenant_id: int, ticket_id: int, recipient: str) -> str:
    mac = _mac(tenant_id=tenant_id, ticket_id=ticket_id, recipient=recipient)
    return f"{_base36(ticket_id)}-{mac}"


def reply_address(*, mailbox_address: str, tenant_id: int, ticket_id: int, recipient: str) -> str:
    local, _, domain = mailbox_address.partition("@")
    token = reply_token(tenant_id=tenant_id, ticket_id=ticket_id, recipient=recipient)
    return f"{local}+{token}@{domain}"


def token_of(*, mailbox_address: str, address: str) -> str | None:
    """The token of ``address`` if it is a reply address of the mailbox."""
    local, _, domain = mailbox_address.lower().partition("@")
    their_local, _, their_domain = address.strip().lower().partition("@")
    if their_domain != domain or not their_local.startswith(local + "+"):
        return None
    return their_local[len(local) + 1 :]


def token_ticket_id(*, token: str, tenant_id: int, sender: str) -> int | None:
    """The ticket the token names when it was issued to ``sender``; None otherwise (a
    made-up token, another ticket's, or one sent to someone else)."""
    match = _TOKEN.match(token.strip().lower())
    if not match:
        return None
    ticket_id = int(match.group(1), 36)
    expected = _mac(tenant_id=tenant_id, ticket_id=ticket_id, recipient=sender)
    if not hmac.compare_digest(expected, match.group(2)):
        return None
    return ticket_id


# The first line of every ticket email; what a reply has below it is the quoted history.
# Any line of this shape counts, in whatever language it was written.
REPLY_MARKER = gettext_noop("##- Please type your reply above this line -##")
REPLY_MARKER_PATTERN = re.compile(r"^\s*>*\s*##-.{0,120}-##\s*$", re.MULTILINE)


def ticket_thread_root(ticket, host: str | None = None) -> str:
    """The Message-ID every email about ``ticket`` names in In-Reply-To and References, so
    mail clients show one conversation per ticket. ``host``: the tenant's host, when the
    caller has it already (else one query)."""
    return f"<ticket-{ticket.pk}@{host or tenant_host(tenant=ticket.tenant)}>"
