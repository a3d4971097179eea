"""Reads about tenants, organizations and people. Every query starts from the tenant."""

import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from helpdesk import tenant_data
from helpdesk.cache import shared_tokens

from .models import (
    Domain,
    Invitation,
    Organization,
    Tenant,
    User,
)

logger = logging.getLogger(__name__)

_HOST_CACHE_SECONDS = 60
_host_cache: dict[str, tuple[float, Tenant | None]] = {}
_host_lock = threading.Lock()
# Every process keeps tenants by host in memory. A change of a tenant, its domains or its
# two-factor policy replaces this shared token; a process that reads a token other than
# the one its entries were made under drops them, so the change shows everywhere on the
# next request. Without the shared cache the entries simply expire after a minute.
TENANT_CACHE_VERSION_KEY = "accounts:tenant-hosts:version"
_seen_version: str | None = None


class UnknownHost(Exception):
    pass


def clear_tenant_cache() -> None:
    """Forget this process's tenants by host."""
    with _host_lock:
        _host_cache.clear()


def tenant_cache_invalidate() -> None:
    """A tenant, its domains or its policy changed: every process forgets its tenants.

    The shared token changes only once the change is committed, so no process can read the
    old rows again under the new token.
    """
    clear_tenant_cache()
    transaction.on_commit(_tenant_cache_version_bump, robust=True)


def _tenant_cache_version_bump() -> None:
    clear_tenant_cache()
    try:
        cache.set(TENANT_CACHE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - other processes then catch up within the minute
        logger.warning("Could not tell other processes that a tenant changed", exc_info=True)


def tenant_for_host(host: str) -> Tenant | None:
    """The tenant serving ``host``, None for the platform's own hosts.

    Raises UnknownHost for a host that is neither. Kept in this process's memory (so most
    requests cost one shared-cache read and no query) until any tenant changes, or for a
    minute at most.
    """
    global _seen_version
    host = host.split(":", 1)[0].lower().rstrip(".")
    # The tenant this host had: its reference data's token is read with the hosts' (one
    # cache read for both; ``helpdesk.tenant_data``).
    known = _host_cache.get(host)
    known_tenant = known[1] if known else None
    keys = [TENANT_CACHE_VERSION_KEY]
    if known_tenant is not None:
        keys.append(tenant_data.token_key(known_tenant.pk))
    tokens = shared_tokens(keys)
    # Without the shared token the minute-long expiry still applies.
    version = tokens[TENANT_CACHE_VERSION_KEY]
    if version is not None and version != _seen_version:
        with _host_lock:
            _host_cache.clear()
            _seen_version = version
    now = time.monotonic()
    cached = _host_cache.get(host)
    if cached and known_tenant is not None and cached[1] is known_tenant:
        tenant_data.token_read(known_tenant.pk, tokens[keys[1]])
    if cached and cached[0] > now:
        return cached[1]
    if host in settings.PLATFORM_HOSTS:
        tenant = None
    else:
        domain = (
            Domain.objects.select_related("tenant")
            .filter(domain=host, tenant__is_active=True)
            .first()
        )
        if domain is None:
            raise UnknownHost(host)
        tenant = domain.tenant
    with _host_lock:
        _host_cache[host] = (now + _HOST_CACHE_SECONDS, tenant)
    return tenant


def tenant_portal_list() -> list[dict]:
    """Active tenants with their primary host, for the platform page."""
    domains = (
        Domain.objects.filter(is_primary=True, tenant__is_active=True)
        .select_related("tenant")
        .order_by("tenant__name")
    )
    return [{"tenant": d.tenant, "host": d.domain} for d in domains]


def organization_for_actor(*, actor: User, tenant: Tenant) -> Organization:
    if not actor.is_customer or actor.tenant_id != tenant.pk:
        raise Http404("No organization.")
    return (
        Organization.objects.for_tenant(tenant).select_related("plan").get(pk=actor.organization_id)
    )


def _own_organization_row(queryset, *, actor: User, pk: int, what: str):
    """A row of the organization admin's own organization; the same 404 for rows that are
    missing, elsewhere, or asked for by someone who is not an organization admin."""
    row = None
    if actor.is_org_admin:
        row = (
            queryset.filter(pk=pk, organization_id=actor.organization_id)
            .select_related("organization")
            .first()
        )
    if row is None:
        raise Http404(f"No such {what}.")
    return row


def member_for_org_admin(*, actor: User, tenant: Tenant, member_id: int) -> User:
    return _own_organization_row(
        User.objects.for_tenant(tenant), actor=actor, pk=member_id, what="member"
    )


def invitation_for_org_admin(*, actor: User, tenant: Tenant, invitation_id: int) -> Invitation:
    return _own_organization_row(
        Invitation.objects.for_tenant(tenant), actor=actor, pk=invitation_id, what="invitation"
    )


def organization_members(*, tenant: Tenant, organization: Organization):
    return (
        User.objects.for_tenant(tenant)
        .filter(organization=organization)
        .order_by("-is_active", "full_name", "email")
    )


def organization_pending_invitations(*, tenant: Tenant, organization: Organization):
    return (
        Invitation.objects.for_tenant(tenant)
        .filter(
            organization=organization,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
    )


def invitation_for_token(*, tenant: Tenant, token: str) -> Invitation:
    invitation = (
        Invitation.objects.for_tenant(tenant)
        .select_related("organization")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_pending:
        raise Http404("This invitation link is not valid.")
    return invitation
