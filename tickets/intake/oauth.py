"""Access tokens for mailboxes that sign in to IMAP with OAuth 2.0 (XOAUTH2).

Exchange Online accepts only OAuth 2.0 over IMAP: the app registered in Entra ID gets a
token with the client-credentials grant and signs in as the mailbox. Google issues one
from a refresh token instead. A token is kept in the cache under the mailbox until a
minute before it expires, so the every-minute fetch asks the sign-in service about once an
hour; a token the IMAP server refuses is dropped, so the next fetch gets a new one.

Failures come back as ``TokenError`` with a sentence for the mailbox's admins; secrets are
never part of it.
"""

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from helpdesk.secrets import SecretUnreadable

from ..models import Mailbox

TOKEN_KEY = "tickets:mailbox-oauth-token:{}"
# A token is given up this long before the sign-in service says it expires, so a fetch
# never starts with a token that dies halfway.
EXPIRY_MARGIN_SECONDS = 60


class TokenError(Exception):
    """No access token; the message is written for the mailbox's admins."""


def token_request_data(mailbox: Mailbox, *, client_secret: str, refresh_token: str) -> dict:
    """The form fields of the token request: the refresh-token grant when the mailbox has
    a refresh token (Google), the client-credentials grant otherwise (Microsoft 365)."""
    data = {"client_id": mailbox.oauth_client_id, "client_secret": client_secret}
    if refresh_token:
        data.update(grant_type="refresh_token", refresh_token=refresh_token)
    else:
        data["grant_type"] = "client_credentials"
    if mailbox.oauth_scope:
        data["scope"] = mailbox.oauth_scope
    return data


def token_response_parse(body: bytes) -> tuple[str, int]:
    """``(access_token, expires_in)`` from the token endpoint's JSON answer."""
    try:
        answer = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise TokenError(
            _("The sign-in service answered with something other than a token.")
        ) from error
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not token or not isinstance(token, str):
        raise TokenError(_("The sign-in service answered without an access token."))
    try:
        expires_in = int(answer.get("expires_in") or 3600)
    except (TypeError, ValueError):
        expires_in = 3600
    return token, expires_in


def refusal_describe(body: bytes) -> str:
    """What the sign-in service said when it refused, e.g. Entra ID's
    "AADSTS7000215: Invalid client secret provided…"."""
    try:
        answer = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return ""
    if not isinstance(answer, dict):
        return ""
    said = answer.get("error_description") or answer.get("error") or ""
    # Entra ID appends trace and correlation ids on new lines; the first line says it.
    return str(said).strip().splitlines()[0] if said else ""


def oauth_access_token(mailbox: Mailbox) -> str:
    """A valid access token for the mailbox, from the cache or the sign-in service."""
    key = TOKEN_KEY.format(mailbox.pk)
    cached = cache.get(key)
    if cached:
        return cached
    token, expires_in = _request_token(mailbox)
    lifetime = expires_in - EXPIRY_MARGIN_SECONDS
    if lifetime > 0:
        cache.set(key, token, timeout=lifetime)
    return token


def oauth_token_forget(mailbox: Mailbox) -> None:
    """Drop the cached token (the IMAP server refused it: expired or revoked)."""
    cache.delete(TOKEN_KEY.format(mailbox.pk))


def _request_token(mailbox: Mailbox) -> tuple[str, int]:
    try:
        client_secret = mailbox.oauth_client_secret()
        refresh_token = mailbox.oauth_refresh_token()
    except SecretUnreadable as error:
        raise TokenError(
            _(
                "The stored client secret or refresh token cannot be read with the configured "
                "FIELD_ENCRYPTION_KEYS. Enter it again."
            )
        ) from error
    url = urllib.parse.urlsplit(mailbox.oauth_token_url)
    where = url.netloc
    # The client secret travels in the request, and a tenant's admin must not make the
    # server POST to plain-HTTP services of its own network.
    if url.scheme != "https" or not url.hostname:
        raise TokenError(_("The token URL must start with https://."))
    data = token_request_data(mailbox, client_secret=client_secret, refresh_token=refresh_token)
    request = urllib.request.Request(  # noqa: S310 - https only, checked above
        mailbox.oauth_token_url,
        data=urllib.parse.urlencode(data).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
        method="POST",
    )
    timeout = settings.IMAP_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as error:
        try:
            said = refusal_describe(error.read())
        except OSError:
            said = ""
        if 400 <= error.code < 500:
            raise TokenError(
                _("The sign-in service refused the credentials: %(said)s")
                % {"said": said or f"HTTP {error.code}"}
            ) from error
        message = _("The sign-in service %(where)s failed (HTTP %(status)d).") % {
            "where": where,
            "status": error.code,
        }
        raise TokenError(f"{message} {said}".strip()) from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        if isinstance(error, TimeoutError) or isinstance(reason, TimeoutError):
            raise TokenError(
                _("The sign-in service %(where)s did not answer within %(seconds)d seconds.")
                % {"where": where, "seconds": timeout}
            ) from error
        raise TokenError(
            _("The sign-in service %(where)s could not be reached: %(reason)s")
            % {"where": where or mailbox.oauth_token_url, "reason": reason}
        ) from error
    return token_response_parse(body)


def xoauth2_string(user: str, token: str) -> bytes:
    """The XOAUTH2 initial response (imaplib encodes it in base64)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()
