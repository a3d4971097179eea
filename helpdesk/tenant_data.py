"""A tenant's reference data, kept in each process's memory between requests.

Support plans and their SLA targets, business calendars, ticket types and priority
definitions change a few times a year and are read on every queue, ticket page and new
ticket. Each process keeps what it loaded under the tenant's shared token (one cache read
per request, whatever the number of kinds read); a change replaces the token once it is
committed, so every process reloads on its next request. The token is deleted rather than
overwritten, because the fail-open cache replays deletions made while Redis was away
(``helpdesk.cache``): a change made during an outage still reaches the other processes
when Redis is back. Entries also expire after ``MAX_AGE`` seconds, so nothing stale can
outlive a lost invalidation for long.

Values kept here are shared by every request of the process: they must never be mutated.
"""

from __future__ import annotations

import contextvars
import copy
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

from .cache import shared_token

logger = logging.getLogger(__name__)

T = TypeVar("T")

TOKEN_KEY = "tenant-data:{tenant_id}"
MAX_AGE = 300.0

# (tenant id, kind) -> (token, loaded at, value)
_entries: dict[tuple[int, str], tuple[str, float, object]] = {}
_lock = threading.Lock()
# Tokens read during the current request (see TenantDataMiddleware); None outside one.
_request_tokens: contextvars.ContextVar[dict[int, str | None] | None] = contextvars.ContextVar(
    "tenant_data_tokens", default=None
)


def _token(tenant_id: int) -> str | None:
    """The tenant's shared token, read once per request; None when the cache cannot say
    (then nothing is kept: every read loads)."""
    seen = _request_tokens.get()
    if seen is not None and tenant_id in seen:
        return seen[tenant_id]
    token = shared_token(TOKEN_KEY.format(tenant_id=tenant_id))
    if seen is not None:
        seen[tenant_id] = token
    return token


def token_key(tenant_id: int) -> str:
    return TOKEN_KEY.format(tenant_id=tenant_id)


def token_read(tenant_id: int, token: str | None) -> None:
    """The tenant's token as the caller read it at the start of this request (with another
    key, in one cache read): the request uses it rather than reading it again."""
    seen = _request_tokens.get()
    if seen is not None and tenant_id not in seen:
        seen[tenant_id] = token


def tenant_data(tenant_id: int, kind: str, load: Callable[[], T]) -> T:
    """``load()``'s value for the tenant, from this process's memory while the tenant's
    reference data is unchanged."""
    token = _token(tenant_id)
    now = time.monotonic()
    entry = _entries.get((tenant_id, kind))
    if token is not None and entry is not None and entry[0] == token and now - entry[1] < MAX_AGE:
        return entry[2]
    value = load()
    if token is not None:
        with _lock:
            _entries[(tenant_id, kind)] = (token, now, value)
    return value


def _forget(tenant_id: int) -> None:
    with _lock:
        for key in [key for key in _entries if key[0] == tenant_id]:
            del _entries[key]
        for kept in _rows.values():
            for row_id in [row_id for row_id, entry in kept.items() if entry[0] == tenant_id]:
                del kept[row_id]
    seen = _request_tokens.get()
    if seen is not None:
        seen.pop(tenant_id, None)


def tenant_data_changed(tenant_id: int) -> None:
    """The tenant's reference data changed: this process forgets it now, every process once
    the change is committed."""
    _forget(tenant_id)

    def replace_token():
        _forget(tenant_id)
        try:
            cache.delete(TOKEN_KEY.format(tenant_id=tenant_id))
        except Exception:  # noqa: BLE001 - other processes catch up within MAX_AGE
            logger.warning("Could not tell other processes that a tenant's data changed")

    transaction.on_commit(replace_token, robust=True)


def tenant_data_clear() -> None:
    """Forget every tenant's data in this process."""
    with _lock:
        _entries.clear()
        _rows.clear()


# Rows read by id on nearly every request (the person signed in), kept like the rest under
# their tenant's token: kind -> {row id: (tenant id, token, loaded at, row)}, the most
# recently used last, at most ROWS_KEPT of each kind.
ROWS_KEPT = 2000
_rows: dict[str, OrderedDict[int, tuple[int, str | None, float, object]]] = {}


def tenant_row(kind: str, row_id: int, load: Callable[[], T | None]) -> T | None:
    """``load()``'s row (a tenant-owned model instance, or None) from this process's memory
    while its tenant's data is unchanged; a copy each time, so a caller changing it changes
    nothing kept. The first load only learns the row's tenant: its token is read before the
    row from the next load on, so a change committed meanwhile is never kept."""
    kept = _rows.setdefault(kind, OrderedDict())
    entry = kept.get(row_id)
    token = None
    if entry is not None:
        tenant_id, kept_token, loaded_at, row = entry
        token = _token(tenant_id)
        if (
            row is not None
            and token is not None
            and kept_token == token
            and time.monotonic() - loaded_at < MAX_AGE
        ):
            with _lock:
                if row_id in kept:
                    kept.move_to_end(row_id)
            return copy.copy(row)
    row = load()
    tenant_id = getattr(row, "tenant_id", None)
    with _lock:
        if tenant_id is None:
            kept.pop(row_id, None)
            return row
        same_tenant = entry is not None and entry[0] == tenant_id and token is not None
        kept[row_id] = (
            tenant_id,
            token if same_tenant else None,
            time.monotonic(),
            copy.copy(row) if same_tenant else None,
        )
        kept.move_to_end(row_id)
        while len(kept) > ROWS_KEPT:
            kept.popitem(last=False)
    return row


class TenantDataMiddleware:
    """Reads each tenant's token at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reset = _request_tokens.set({})
        try:
            return self.get_response(request)
        finally:
            _request_tokens.reset(reset)


# model -> fields whose change alone is not reference data (a component's live state).
_live_fields: dict[type, frozenset[str]] = {}


def _row_changed(sender, instance, **kwargs):
    tenant_id = getattr(instance, "tenant_id", None)
    if tenant_id is None:
        return
    updated = kwargs.get("update_fields")
    live = _live_fields.get(sender)
    if updated and live and set(updated) <= live:
        return
    tenant_data_changed(tenant_id)


def _tenant_changed(sender, instance, **kwargs):
    if instance.pk is not None:
        tenant_data_changed(instance.pk)


def _links_changed(sender, instance, **kwargs):
    if kwargs.get("action", "").startswith("post_"):
        _row_changed(sender, instance)


def watch(*models, tenant_model=None, m2m=(), live=None) -> None:
    """Forget a tenant's data whenever a row of ``models`` (tenant-owned) or the tenant
    itself is saved or deleted, or the links of a many-to-many ``m2m`` (a through model of
    a tenant-owned model) change, whoever writes them (services, the admin, the shell).
    Bulk writes send no signals: the services that make them call
    ``tenant_data_changed``. ``live``: model -> fields that change as the product runs and
    that nothing kept reads (a component's state); a save of those alone is no change."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model, fields in (live or {}).items():
        _live_fields[model] = frozenset(fields)

    for through in m2m:
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"tenant-data:{through}")
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(_row_changed, sender=model, dispatch_uid=f"tenant-data:{model._meta}")
    if tenant_model is not None:
        for signal in (post_save, post_delete):
            signal.connect(_tenant_changed, sender=tenant_model, dispatch_uid="tenant-data:tenant")
