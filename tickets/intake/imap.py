"""Fetching a mailbox over IMAP (the standard library's ``imaplib``), every minute.

Each message is stored (and committed) before the server is told anything; only then is
it marked read or moved, and the mailbox's cursor advanced. A fetch that dies anywhere
leaves on the server, unmarked, at most what it had not yet marked, and storing is
idempotent (one row per tenant and Message-ID), so the next fetch loses nothing and
duplicates nothing.

In the "mark as read" mode a fetch takes the unread messages after the cursor: what a
person already opened in the mailbox, or the years of mail in it before it was connected,
is left alone. In the "move" mode the folder is the queue: everything in it is taken.

Failures (a refused connection, a wrong password, a missing folder) are written to the
mailbox in plain words for its admins and logged when they change; they are never raised
to Celery, whose retries would only add to the every-minute fetch.
"""

import contextlib
import imaplib
import logging
import socket
import ssl
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.languages import language_of
from helpdesk.secrets import SecretUnreadable

from ..models import Mailbox
from .imap_protocol import (
    SIZE,
    UID,
    capabilities_of,
    internal_date,
    quoted,
    text_of,
    uidvalidity_of,
)
from .oauth import TokenError, oauth_access_token, oauth_token_forget, xoauth2_string
from .store import MessageTooLarge, inbound_store

logger = logging.getLogger(__name__)

LOCK_KEY = "tickets:mailbox-fetch:{}"


class FetchError(Exception):
    """A fetch stopped; the message is written for the mailbox's admins."""


def imap_mailboxes_due() -> list[int]:
    """Every active IMAP mailbox of every active tenant (each is fetched every minute)."""
    return list(
        Mailbox.objects.filter(
            is_active=True, transport=Mailbox.Transport.IMAP, tenant__is_active=True
        )
        .exclude(imap_host="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def mailbox_fetch(*, mailbox_id: int) -> str:
    """Fetch what is new in one mailbox; returns what happened, in a few words."""
    mailbox = (
        Mailbox.objects.filter(pk=mailbox_id, is_active=True, transport=Mailbox.Transport.IMAP)
        .exclude(imap_host="")
        .select_related("tenant")
        .first()
    )
    if mailbox is None:
        return "not an active IMAP mailbox"
    # One fetch per mailbox at a time. The lock expires by itself (each batch renews it),
    # so a fetch killed with its worker holds up the next one for a couple of minutes at
    # most; nothing is held in the database across network calls.
    key = LOCK_KEY.format(mailbox.pk)
    token = uuid.uuid4().hex
    if not cache.add(key, token, timeout=lock_seconds()):
        return "another fetch is running"
    try:
        # What went wrong is stored for the tenant's admins: in the tenant's language.
        with language_of(None, mailbox.tenant):
            return _fetch_locked(mailbox)
    finally:
        if cache.get(key) == token:
            cache.delete(key)


def lock_seconds() -> int:
    # Every IMAP call may take up to the timeout; a batch makes three of them.
    return int(settings.IMAP_TIMEOUT * 3) + 30


def _fetch_locked(mailbox: Mailbox) -> str:
    stats = {"fetched": 0, "new": 0}
    problems: list[str] = []
    try:
        _fetch(mailbox, stats, problems)
    except FetchError as error:
        problems.insert(0, str(error))
    except DatabaseError as error:
        problems.insert(0, _("Received emails could not be stored: %(error)s") % {"error": error})
    except Exception as error:  # noqa: BLE001 - written for admins; the next minute retries
        logger.exception("Fetching mailbox %s failed", mailbox.address)
        problems.insert(
            0, _("The fetch stopped on an unexpected error: %(error)s") % {"error": error}
        )
    message = " ".join(problems)
    _record(mailbox, message)
    summary = f"{stats['new']} new of {stats['fetched']} fetched"
    return f"{summary}; {message}" if message else summary


def _record(mailbox: Mailbox, error: str) -> None:
    if error and error != mailbox.last_fetch_error:
        logger.warning("Mailbox %s: %s", mailbox.address, error)
    elif not error and mailbox.last_fetch_error:
        logger.warning("Mailbox %s: fetching works again", mailbox.address)
    try:
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_fetch_at=timezone.now(), last_fetch_error=error
        )
    except DatabaseError:
        logger.warning("Mailbox %s: could not record the fetch (database unavailable)", mailbox)


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    host, port, timeout = mailbox.imap_host, mailbox.imap_port, settings.IMAP_TIMEOUT
    where = f"{host}:{port}"
    try:
        if mailbox.imap_security == Mailbox.Security.SSL:
            return imaplib.IMAP4_SSL(
                host, port, ssl_context=ssl.create_default_context(), timeout=timeout
            )
        client = imaplib.IMAP4(host, port, timeout=timeout)
        if mailbox.imap_security == Mailbox.Security.STARTTLS:
            client.starttls(ssl_context=ssl.create_default_context())
        return client
    except socket.gaierror as error:
        raise FetchError(
            _("The IMAP server name %(host)s could not be found.") % {"host": host}
        ) from error
    except ConnectionRefusedError as error:
        raise FetchError(
            _("The IMAP server %(where)s refused the connection.") % {"where": where}
        ) from error
    except TimeoutError as error:
        raise FetchError(
            _("The IMAP server %(where)s did not answer within %(seconds)d seconds.")
            % {"where": where, "seconds": timeout}
        ) from error
    except ssl.SSLError as error:
        raise FetchError(
            _("The secure connection to %(where)s failed: %(reason)s")
            % {"where": where, "reason": getattr(error, "reason", None) or error}
        ) from error
    except (OSError, imaplib.IMAP4.error) as error:
        raise FetchError(
            _("The IMAP server %(where)s could not be reached: %(error)s")
            % {"where": where, "error": error}
        ) from error


def _fetch(mailbox: Mailbox, stats: dict, problems: list[str]) -> None:
    try:
        password = _oauth_token(mailbox) if mailbox.uses_oauth else mailbox.imap_password()
    except SecretUnreadable as error:
        raise FetchError(
            _(
                "The stored IMAP password cannot be read with the configured "
                "FIELD_ENCRYPTION_KEYS. Enter the password again."
            )
        ) from error
    client = _connect(mailbox)
    try:
        _session(client, mailbox, password, stats, problems)
    except TimeoutError as error:
        raise FetchError(
            _("The IMAP server %(where)s stopped answering (after %(seconds)d seconds).")
            % {
                "where": f"{mailbox.imap_host}:{mailbox.imap_port}",
                "seconds": settings.IMAP_TIMEOUT,
            }
        ) from error
    except (OSError, imaplib.IMAP4.abort) as error:
        raise FetchError(
            _("The connection to the IMAP server was lost: %(error)s") % {"error": error}
        ) from error
    finally:
        # The connection may be gone already.
        with contextlib.suppress(Exception):
            client.logout()


def _session(client, mailbox: Mailbox, password: str, stats: dict, problems: list[str]) -> None:
    if mailbox.uses_oauth:
        _oauth_sign_in(client, mailbox, password)
    else:
        try:
            client.login(mailbox.imap_user, password)
        except imaplib.IMAP4.error as error:
            raise FetchError(
                _("The IMAP server refused the user name or password (it said: %(said)s).")
                % {"said": error}
            ) from error
    capabilities = capabilities_of(client)
    status, data = client.select(quoted(mailbox.imap_folder))
    if status != "OK":
        raise FetchError(
            _("The folder “%(folder)s” cannot be opened on the IMAP server (it said: %(said)s).")
            % {"folder": mailbox.imap_folder, "said": text_of(data)}
        )
    uidvalidity = uidvalidity_of(client, mailbox.imap_folder)
    last_uid = mailbox.imap_last_uid
    if uidvalidity != mailbox.imap_uidvalidity:
        # The folder was recreated (or this is the first fetch): its UIDs start over.
        last_uid = 0
        Mailbox.objects.filter(pk=mailbox.pk).update(imap_uidvalidity=uidvalidity, imap_last_uid=0)
    criteria = ["UID", f"{last_uid + 1}:*", "UNDELETED"]
    if mailbox.imap_after_fetch == Mailbox.AfterFetch.SEEN:
        criteria.append("UNSEEN")
    status, data = client.uid("SEARCH", *criteria)
    if status != "OK":
        raise FetchError(
            _("The IMAP server refused the search: %(said)s") % {"said": text_of(data)}
        )
    # "n:*" always matches the newest message, even one below n.
    uids = sorted(int(uid) for uid in b" ".join(data or [b""]).split() if int(uid) > last_uid)
    batch = max(1, settings.MAILBOX_FETCH_BATCH)
    for start in range(0, len(uids), batch):
        cache.touch(LOCK_KEY.format(mailbox.pk), lock_seconds())
        chunk = uids[start : start + batch]
        stored, too_large, failure = _fetch_batch(client, mailbox, chunk, stats)
        if stored:
            _after_fetch(client, mailbox, stored, capabilities)
        if failure is not None:
            raise failure
        if too_large:
            problems.append(
                _("Not fetched, over the %(limit)d-byte limit (left in the folder): %(messages)s.")
                % {
                    "limit": settings.INBOUND_MAX_BYTES,
                    "messages": ", ".join(f"UID {uid} ({size} bytes)" for uid, size in too_large),
                }
            )
        # The cursor stops below a message that was left, so it is seen again next time.
        cursor = min(uid for uid, _size in too_large) - 1 if too_large else max(chunk)
        _advance(mailbox, uidvalidity, cursor)
        if too_large:
            break


def _oauth_token(mailbox: Mailbox) -> str:
    try:
        return oauth_access_token(mailbox)
    except TokenError as error:
        raise FetchError(str(error)) from error


def _oauth_sign_in(client, mailbox: Mailbox, token: str) -> None:
    initial = xoauth2_string(mailbox.imap_user, token)
    try:
        # A refusal comes as a challenge (details in JSON); the empty answer ends it.
        client.authenticate("XOAUTH2", lambda challenge: b"" if challenge else initial)
    except imaplib.IMAP4.error as error:
        # Expired or revoked: the next fetch asks the sign-in service for a new token.
        oauth_token_forget(mailbox)
        raise FetchError(
            _(
                "The IMAP server refused the OAuth 2.0 sign-in of %(user)s (it said: "
                "%(said)s). Check that the app may access this mailbox; a new token is "
                "requested on the next fetch."
            )
            % {"user": mailbox.imap_user, "said": error}
        ) from error


def _fetch_batch(client, mailbox: Mailbox, chunk: list[int], stats: dict):
    """Store the batch's messages; returns the UIDs stored (new or already there), the
    ``(uid, size)`` of those left for being too large, and the database error that stopped
    it, if one did."""
    uid_set = ",".join(str(uid) for uid in chunk)
    status, data = client.uid("FETCH", uid_set, "(UID RFC822.SIZE)")
    if status != "OK":
        raise FetchError(_("The IMAP server refused the fetch: %(said)s") % {"said": text_of(data)})
    sizes = {}
    for item in data or []:
        line = item[0] if isinstance(item, tuple) else item
        uid, size = UID.search(line or b""), SIZE.search(line or b"")
        if uid and size:
            sizes[int(uid.group(1))] = int(size.group(1))
    too_large = sorted(
        (uid, size) for uid, size in sizes.items() if size > settings.INBOUND_MAX_BYTES
    )
    wanted = [uid for uid in chunk if uid in sizes and sizes[uid] <= settings.INBOUND_MAX_BYTES]
    stored: list[int] = []
    if not wanted:
        return stored, too_large, None
    status, data = client.uid(
        "FETCH", ",".join(str(uid) for uid in wanted), "(UID INTERNALDATE BODY.PEEK[])"
    )
    if status != "OK":
        raise FetchError(_("The IMAP server refused the fetch: %(said)s") % {"said": text_of(data)})
    for item in data or []:
        if not isinstance(item, tuple):
            continue
        envelope, raw = item
        uid = UID.search(envelope)
        if uid is None:
            continue
        stats["fetched"] += 1
        try:
            result = inbound_store(
                mailbox=mailbox,
                raw=raw,
                source="imap",
                received_at=internal_date(envelope),
            )
        except MessageTooLarge:
            too_large.append((int(uid.group(1)), len(raw)))
            continue
        except DatabaseError as error:
            # What is stored so far is still marked, so the next fetch starts after it.
            return stored, too_large, error
        stats["new"] += int(result.created)
        stored.append(int(uid.group(1)))
    return stored, too_large, None


def _after_fetch(client, mailbox: Mailbox, uids: list[int], capabilities: set[str]) -> None:
    uid_set = ",".join(str(uid) for uid in uids)
    if mailbox.imap_after_fetch == Mailbox.AfterFetch.SEEN:
        _ok(client.uid("STORE", uid_set, "+FLAGS.SILENT", r"(\Seen)"), _("mark as read"))
        return
    target = quoted(mailbox.imap_move_to or "Processed")
    status, data = client.list('""', target)
    if status != "OK" or not [item for item in data or [] if item]:
        _ok(client.create(target), _("create the folder %(folder)s") % {"folder": target})
    if "MOVE" in capabilities:
        _ok(client.uid("MOVE", uid_set, target), _("move"))
        return
    _ok(client.uid("COPY", uid_set, target), _("copy"))
    _ok(client.uid("STORE", uid_set, "+FLAGS.SILENT", r"(\Deleted)"), _("delete"))
    if "UIDPLUS" in capabilities:
        _ok(client.uid("EXPUNGE", uid_set), _("expunge"))
    else:
        _ok(client.expunge(), _("expunge"))


def _ok(result, what: str) -> None:
    status, data = result
    if status != "OK":
        raise FetchError(
            _("The IMAP server refused to %(what)s the fetched messages: %(said)s")
            % {"what": what, "said": text_of(data)}
        )


def _advance(mailbox: Mailbox, uidvalidity, cursor: int) -> None:
    if cursor <= 0:
        return
    # Two fetches racing never move the cursor back.
    Mailbox.objects.filter(pk=mailbox.pk, imap_uidvalidity=uidvalidity).update(
        imap_last_uid=Greatest(F("imap_last_uid"), cursor)
    )
