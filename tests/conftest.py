import os
import shutil
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache

from accounts.selectors import clear_tenant_cache
from helpdesk.tenant_data import tenant_data_clear

from .factories import (
    CustomerFactory,
    EngineerFactory,
    ManagerFactory,
    OrgAdminFactory,
    OrganizationFactory,
    TenantAdminFactory,
    TenantFactory,
)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def service_missing(reason: str):
    """Skip a test that needs a service this machine lacks; in CI that is a failure."""
    if IN_CI:
        pytest.fail(f"CI must provide this service: {reason}")
    pytest.skip(reason)


def uses_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def require_postgres():
    if not uses_postgres():
        service_missing("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def require_redis():
    if not settings.REDIS_URL:
        service_missing("needs Redis: set REDIS_URL=redis://...")


@pytest.fixture(autouse=True)
def _platform_two_factor_off(settings):
    """Platform superusers need two-factor authentication (PLATFORM_2FA_REQUIRED, on unless
    turned off); tests sign them in with force_login, so the suite starts with it off and the
    two-factor tests turn it on, as TenantFactory does for tenants' staff."""
    settings.PLATFORM_2FA_REQUIRED = False


@pytest.fixture(autouse=True)
def _fresh_caches():
    clear_tenant_cache()
    tenant_data_clear()
    cache.clear()
    yield
    clear_tenant_cache()
    tenant_data_clear()


@dataclass
class TenantWorld:
    """One tenant with two customer organizations and a person of every role."""

    tenant: object
    host: str
    org: object
    other_org: object
    customer: object
    org_admin: object
    other_org_customer: object
    engineer: object
    manager: object
    tenant_admin: object


def _world(slug: str) -> TenantWorld:
    tenant = TenantFactory(slug=slug, name=slug.title())
    org = OrganizationFactory(tenant=tenant, name=f"{slug.title()} Customer A")
    other_org = OrganizationFactory(tenant=tenant, name=f"{slug.title()} Customer B")
    return TenantWorld(
        tenant=tenant,
        host=f"{slug}.localhost",
        org=org,
        other_org=other_org,
        customer=CustomerFactory(tenant=tenant, organization=org, email=f"customer@{slug}.test"),
        org_admin=OrgAdminFactory(tenant=tenant, organization=org, email=f"orgadmin@{slug}.test"),
        other_org_customer=CustomerFactory(
            tenant=tenant, organization=other_org, email=f"other@{slug}.test"
        ),
        engineer=EngineerFactory(tenant=tenant, email=f"engineer@{slug}.test"),
        manager=ManagerFactory(tenant=tenant, email=f"manager@{slug}.test"),
        tenant_admin=TenantAdminFactory(tenant=tenant, email=f"admin@{slug}.test"),
    )


@pytest.fixture
def acme(db) -> TenantWorld:
    return _world("acme")


@pytest.fixture
def globex(db) -> TenantWorld:
    return _world("globex")


@pytest.fixture
def two_tenants(acme, globex):
    return acme, globex


class TotpClock:
    """The clock django-otp checks app codes against, and the codes an authenticator app
    shows at that time. Each code is accepted once, so tests move on a step between uses."""

    STEP = 30

    def __init__(self, now: float):
        self.now = now

    def tick(self, steps: int = 1) -> None:
        self.now += self.STEP * steps

    def code(self, key) -> str:
        """The 6-digit code for a TOTPDevice, or for a base32 key as shown to the user."""
        from base64 import b32decode

        from django_otp.oath import TOTP

        if isinstance(key, str):
            compact = key.replace(" ", "").upper()
            secret = b32decode(compact + "=" * (-len(compact) % 8))
        else:
            secret = key.bin_key
        totp = TOTP(secret, step=self.STEP)
        totp.time = self.now
        return f"{totp.token():06d}"


@pytest.fixture
def totp_clock(monkeypatch):
    """Moves django-otp's time (codes and its back-off after wrong codes) under the test's
    control; the account and address lock-outs keep real time."""
    import time
    import types
    from datetime import UTC, datetime

    clock = TotpClock(time.time())
    monkeypatch.setattr(
        "django_otp.plugins.otp_totp.models.time", types.SimpleNamespace(time=lambda: clock.now)
    )
    monkeypatch.setattr(
        "django_otp.models.timezone",
        types.SimpleNamespace(now=lambda: datetime.fromtimestamp(clock.now, UTC)),
    )
    return clock


@pytest.fixture
def host_client(client):
    """A test client bound to a host: ``host_client("acme.localhost").get("/")``."""

    def make(host: str):
        from django.test import Client

        return Client(HTTP_HOST=host)

    return make


def chromium_path() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )
