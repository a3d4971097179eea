"""The status page's cache: one version per tenant, changed after every committed change.

Pages and feeds are cached under the tenant's current version, so a change shows at once
on every process (the old entries are simply never read again and expire). When the cache
is away the version reads as a fresh one and pages are rendered from the database.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "status:version:{tenant_id}"


def status_cache_version(tenant_id: int) -> str:
    """The tenant's current version (drawn, and stored, on first use)."""
    key = VERSION_KEY.format(tenant_id=tenant_id)
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(key, version, timeout=None):
            version = cache.get(key) or version
    return version


def status_page_changed(tenant_id: int) -> None:
    """The tenant's status page changed: its cached pages go once the change commits."""

    def bump():
        try:
            cache.set(VERSION_KEY.format(tenant_id=tenant_id), uuid.uuid4().hex, timeout=None)
        except Exception:  # noqa: BLE001 - cached pages then expire on their own timeout
            logger.warning("Could not refresh the status page's cache", exc_info=True)

    transaction.on_commit(bump, robust=True)


# Short enough that the 90-day bars roll over soon after the tenant's midnight, and that a
# lost version bump (the cache was away) heals on its own.
PAGE_TIMEOUT = 60


def status_cache_key(*, tenant_id: int, view: str, language: str, staff: bool, extra="") -> str:
    """The key of one rendered public view: per tenant, cache version, language and audience
    (staff see private components, so they never share an entry with visitors)."""
    audience = "staff" if staff else "public"
    version = status_cache_version(tenant_id)
    return f"status:page:{tenant_id}:{version}:{language}:{audience}:{view}:{extra}"
