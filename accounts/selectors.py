"""Reads about tenants, organizations and people. Every query starts from the tenant."""

import threading
import time

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from .models import (
    CUSTOMER_ROLES,
    MANAGER_ROLES,
    Domain,
    Invitation,
    Organization,
    Role,
    Tenant,
    User,
)

_HOST_CACHE_SECONDS = 60
_host_cache: dict[str, tuple[float, Tenant | None]] = {}
_host_lock = threading.Lock()


class UnknownHost(Exception):
    pass


def clear_tenant_cache() -> None:
    with _host_lock:
        _host_cache.clear()


def tenant_for_host(host: str) -> Tenant | None:
    """The tenant serving ``host``, None for the platform's own hosts.

    Raises UnknownHost for a host that is neither. Cached per process for a minute so the
    lookup costs no query on most requests.
    """
    host = host.split(":", 1)[0].lower().rstrip(".")
    now = time.monotonic()
    cached = _host_cache.get(host)
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


def tenant_overview(*, tenant: Tenant) -> dict:
    """Counts for the staff home page."""
    people = User.objects.for_tenant(tenant).aggregate(
        customers=Count("pk", filter=Q(role__in=CUSTOMER_ROLES, is_active=True)),
        engineers=Count("pk", filter=Q(role=Role.ENGINEER, is_active=True)),
        managers=Count("pk", filter=Q(role__in=MANAGER_ROLES, is_active=True)),
    )
    organizations = (
        Organization.objects.for_tenant(tenant)
        .filter(is_active=True)
        .select_related("plan")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name")
    )
    return {"people": people, "organizations": list(organizations)}
