"""Absolute links (in emails, in text people copy): one builder for web and worker alike.

A link starts with ``SITE_SCHEME``, the tenant's configured primary domain (the platform's
first host for links without a tenant) and ``SITE_PORT``. It never comes from the request:
the Host header is whatever the client sent (a port, a case, an alias), and a worker has no
request at all, so links built from it would differ between a reset email and an escalation
email, or carry what an attacker typed.
"""

from django.conf import settings

from accounts.models import Domain

from .tenant_data import tenant_data

DEFAULT_PORTS = {"http": "80", "https": "443"}


def tenant_host(*, tenant) -> str:
    """The host name links to ``tenant``'s portal use, the platform's without a tenant. A
    tenant without a primary domain uses its first one. One query, then none while the
    tenant's domains are unchanged (``helpdesk.tenant_data``)."""
    if tenant is not None:
        domain = tenant_data(tenant.pk, "host", lambda: _primary_domain(tenant.pk))
        if domain:
            return domain
    return platform_host()


def _primary_domain(tenant_id: int) -> str | None:
    return (
        Domain.objects.filter(tenant_id=tenant_id)
        .order_by("-is_primary", "domain")
        .values_list("domain", flat=True)
        .first()
    )


def platform_host() -> str:
    return settings.PLATFORM_HOSTS[0] if settings.PLATFORM_HOSTS else "localhost"


def base_url_for_host(host: str) -> str:
    scheme = settings.SITE_SCHEME
    port = str(settings.SITE_PORT or "")
    port_part = f":{port}" if port and DEFAULT_PORTS.get(scheme) != port else ""
    return f"{scheme}://{host}{port_part}/"


def tenant_base_url(*, tenant) -> str:
    """``scheme://host[:port]/`` of ``tenant``'s portal (the platform's for None)."""
    return base_url_for_host(tenant_host(tenant=tenant))


def absolute_url(base_url: str, path: str) -> str:
    """``path`` (a site path such as ``/tickets/IVC-1001/``) under ``base_url``."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def tenant_url(*, tenant, path: str) -> str:
    return absolute_url(tenant_base_url(tenant=tenant), path)
