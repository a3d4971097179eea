"""Account security at volume: a tenant with thousands of people and a large audit log, then
the requests that touch it, timed in process through the full middleware stack.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \\
        .venv/bin/python bench/security_bench.py --events 500000

Seeds (once; ``--reseed`` starts over) one tenant with PEOPLE people, EVENTS audit rows over
180 days and one heavy user with many sign-ins, then prints p50/p95 server time and query
count of: the tenant admin's audit log (first page, by kind, by address, by a fragment of
an address, 10,000 events back), the people list,
a password sign-in (with the new-browser check against the heavy user's history), the code
step, the profile, and an ordinary page for a verified session with and without the
two-factor middleware.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._django import setup  # noqa: E402

setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.oath import TOTP  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.audit import _cursor_of, audit_events_for_tenant  # noqa: E402
from accounts.models import AuditEvent, Domain, Organization, Role, Tenant, User  # noqa: E402

SLUG = "secbench"
HOST = f"{SLUG}.localhost"
PASSWORD = "bench-password-2026"  # noqa: S105
PEOPLE = 3000
HEAVY_SIGN_INS = 5000
KINDS = [
    (AuditEvent.Kind.SIGN_IN, 60),
    (AuditEvent.Kind.SIGN_IN_FAILED, 15),
    (AuditEvent.Kind.CODE_ACCEPTED, 15),
    (AuditEvent.Kind.CODE_FAILED, 5),
    (AuditEvent.Kind.PASSWORD_CHANGED, 2),
    (AuditEvent.Kind.BACKUP_CODE_USED, 2),
    (AuditEvent.Kind.ROLE_CHANGED, 1),
]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari",
    "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0",
]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def seed(n_events: int, reseed: bool) -> Tenant:
    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant and not reseed and AuditEvent.objects.for_tenant(tenant).count() >= n_events:
        log(f"reusing {n_events:,} seeded audit events")
        return tenant
    if tenant:
        log("removing the earlier bench tenant")
        AuditEvent.objects.for_tenant(tenant).delete()
        TOTPDevice.objects.filter(user__tenant=tenant).delete()
        User.objects.for_tenant(tenant).delete()
        tenant.delete()
    started = time.perf_counter()
    tenant = Tenant.objects.create(
        slug=SLUG,
        name="Security Bench",
        portal_title="Security Bench Support",
        ticket_prefix="SEC",
        time_zone="America/Bogota",
        support_email="support@secbench.example",
        require_2fa_for_staff=True,
    )
    Domain.objects.create(tenant=tenant, domain=HOST, is_primary=True)
    orgs = Organization.objects.bulk_create(
        Organization(tenant=tenant, name=f"Customer {i:03d}", slug=f"customer-{i:03d}")
        for i in range(100)
    )
    password = make_password(PASSWORD)
    rng = random.Random(7)
    people = User.objects.bulk_create(
        User(
            email=f"person{i}@secbench.example",
            full_name=f"Person {i}",
            tenant=tenant,
            organization=None if i < 60 else orgs[i % len(orgs)],
            role=(Role.TENANT_ADMIN if i == 0 else Role.ENGINEER) if i < 60 else Role.CUSTOMER,
            tier="L1" if 0 < i < 60 else "",
            is_staff=i == 0,
            password=password,
            two_factor_enabled=i < 60 or rng.random() < 0.3,
        )
        for i in range(PEOPLE)
    )
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=person, name="Authenticator app", confirmed=True)
        for person in people
        if person.two_factor_enabled
    )
    now = timezone.now()
    weights = [w for _k, w in KINDS]
    kinds = [k for k, _w in KINDS]
    batch = 10_000
    for start in range(0, n_events, batch):
        rows = []
        for _ in range(min(batch, n_events - start)):
            person = rng.choice(people)
            kind = rng.choices(kinds, weights)[0]
            ip = f"198.51.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            rows.append(
                AuditEvent(
                    tenant=tenant,
                    kind=kind,
                    actor=person,
                    user=person,
                    email=person.email,
                    ip_address=ip,
                    user_agent=rng.choice(AGENTS),
                    details={"device": f"{rng.getrandbits(64):016x}", "network": ip + "/24"}
                    if kind == AuditEvent.Kind.SIGN_IN
                    else {},
                    created_at=now - timedelta(seconds=rng.randint(0, 180 * 86400)),
                )
            )
        with transaction.atomic():
            AuditEvent.objects.bulk_create(rows, batch_size=batch)
        log(f"  {start + len(rows):,} events")
    heavy = people[1]
    AuditEvent.objects.bulk_create(
        AuditEvent(
            tenant=tenant,
            kind=AuditEvent.Kind.SIGN_IN,
            actor=heavy,
            user=heavy,
            email=heavy.email,
            ip_address="203.0.113.5",
            user_agent=AGENTS[0],
            details={"device": f"{n:032x}", "network": f"10.{n % 250}.0.0/24"},
            created_at=now - timedelta(minutes=n * 50),
        )
        for n in range(HEAVY_SIGN_INS)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_auditevent")
    log(f"seeded in {time.perf_counter() - started:.0f} s")
    return tenant


def measure(label: str, run, repeat: int) -> tuple:
    run()  # warm up
    times, queries = [], 0
    for _ in range(repeat):
        reset_queries()
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
        queries = len(connection.queries)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return label, statistics.median(times), p95, queries


def verified_client(user: User) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    tenant = seed(args.events, args.reseed)
    settings.DEBUG = True  # count queries
    admin = User.objects.for_tenant(tenant).get(role=Role.TENANT_ADMIN)
    heavy = User.objects.get(email="person1@secbench.example")
    admin_client = verified_client(admin)
    heavy_client = verified_client(heavy)
    device = TOTPDevice.objects.get(user=heavy)

    addresses = iter(f"10.{n // 250 % 250}.{n % 250}.9" for n in range(1, 10**6))

    def sign_in():
        # Each from its own address, under allauth's per-address sign-in limits.
        client = Client(HTTP_HOST=HOST, REMOTE_ADDR=next(addresses), HTTP_USER_AGENT="Bench/1.0")
        response = client.post("/accounts/login/", {"login": heavy.email, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        return client

    pending = {}

    def code_step():
        # A fresh code each run: the device's last accepted step is moved back.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
        code = f"{TOTP(device.bin_key).token():06d}"
        response = pending["client"].post("/accounts/2fa/verify/", {"code": code})
        assert response.status_code == 302, response.content[:500]

    def prepare_code_step():
        pending["client"] = sign_in()

    deep_cursor = _cursor_of(audit_events_for_tenant(tenant=tenant)[9_999])
    rows = [
        measure(
            "audit log, first page",
            lambda: admin_client.get("/security/audit/"),
            args.repeat,
        ),
        measure(
            "audit log, failed sign-ins only",
            lambda: admin_client.get("/security/audit/?kind=sign_in_failed"),
            args.repeat,
        ),
        measure(
            "audit log, one address",
            lambda: admin_client.get("/security/audit/?email=person1234@secbench.example"),
            args.repeat,
        ),
        measure(
            "audit log, address fragment",
            lambda: admin_client.get("/security/audit/?email=person12"),
            args.repeat,
        ),
        measure(
            "audit log, 10,000 events back",
            lambda: admin_client.get(f"/security/audit/?before={deep_cursor}"),
            args.repeat,
        ),
        measure(
            "people and two-factor, first page",
            lambda: admin_client.get("/security/people/"),
            args.repeat,
        ),
        measure("password sign-in (new-browser check)", sign_in, args.repeat),
    ]
    code_times = []
    for _ in range(args.repeat):
        prepare_code_step()
        reset_queries()
        started = time.perf_counter()
        code_step()
        code_times.append(((time.perf_counter() - started) * 1000, len(connection.queries)))
    code_times.sort()
    rows.append(
        (
            "code step (right code)",
            statistics.median(t for t, _q in code_times),
            code_times[min(len(code_times) - 1, int(len(code_times) * 0.95))][0],
            code_times[0][1],
        )
    )
    rows.append(
        measure("profile with recent activity", lambda: heavy_client.get("/profile/"), args.repeat)
    )
    rows.append(
        measure(
            "/brand.css, verified session", lambda: heavy_client.get("/brand.css"), args.repeat * 5
        )
    )
    without = [m for m in settings.MIDDLEWARE if m != "accounts.middleware.TwoFactorMiddleware"]
    with override_settings(MIDDLEWARE=without):
        rows.append(
            measure(
                "/brand.css, without the 2FA middleware",
                lambda: heavy_client.get("/brand.css"),
                args.repeat * 5,
            )
        )

    events = AuditEvent.objects.for_tenant(tenant).count()
    print(
        f"\nDatabase: {connection.vendor} · {events:,} audit events · "
        f"{User.objects.for_tenant(tenant).count():,} people · "
        f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}\n"
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'request':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}  {'queries':>7}")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 8}  {'-' * 7}")
    for label, p50, p95, queries in rows:
        print(f"{label:<{width}}  {p50:>8.1f}  {p95:>8.1f}  {queries:>7}")


if __name__ == "__main__":
    main()
