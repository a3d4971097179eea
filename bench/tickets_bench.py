"""Tickets at volume: seed N tickets in one tenant, then time the pages people use most.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \
        .venv/bin/python bench/tickets_bench.py --tickets 100000

Prints one table of server times (in process, through every middleware), HTML sizes,
queue throughput under gunicorn with 4 concurrent clients, and worker memory.
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._django import ROOT, setup  # noqa: E402

setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Domain, Organization, Role, Tenant, User  # noqa: E402
from helpdesk.priorities import Priority  # noqa: E402
from sla.demo import seed_tenant_sla  # noqa: E402
from sla.models import SupportPlan  # noqa: E402
from tickets.demo import IVCISA_TYPES, seed_catalogue  # noqa: E402
from tickets.models import (  # noqa: E402
    OPEN_STATUSES,
    EventKind,
    Message,
    Status,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketType,
)
from tickets.services.sla import tickets_sla_recompute  # noqa: E402

SLUG = "benchdesk"
HOST = f"{SLUG}.localhost"
PASSWORD = "bench-password-2026"  # noqa: S105
ORGS = 60
CUSTOMERS_PER_ORG = 5
ENGINEERS = 12
OPEN_SHARE = 0.08


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def seed(n_tickets: int, reseed: bool) -> Tenant:
    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant and not reseed and Ticket.objects.for_tenant(tenant).count() >= n_tickets:
        log(f"reusing {n_tickets:,} seeded tickets")
        return tenant
    if tenant:
        log("removing the earlier bench tenant")
        with connection.cursor() as cursor:
            for table in ("tickets_ticketevent", "tickets_message", "tickets_attachment"):
                cursor.execute(f"DELETE FROM {table} WHERE tenant_id = %s", [tenant.pk])  # noqa: S608
            cursor.execute("DELETE FROM tickets_ticket WHERE tenant_id = %s", [tenant.pk])
        tenant.delete()
    started = time.perf_counter()
    tenant = Tenant.objects.create(
        slug=SLUG,
        name="Bench Desk",
        portal_title="Bench Desk Support",
        ticket_prefix="BEN",
        time_zone="America/Bogota",
        support_email="support@benchdesk.example",
        require_2fa_for_staff=False,
    )
    Domain.objects.create(tenant=tenant, domain=HOST, is_primary=True)
    plans = [
        SupportPlan.objects.create(tenant=tenant, name=name, slug=name.lower(), position=i)
        for i, name in enumerate(("Essentials", "Business", "Enterprise"))
    ]
    # The bench tenant gets IVCISA's calendar, example SLA matrix and request catalogue:
    # the seeders pick their data by slug, so they see this in-memory tenant as IVCISA's.
    tenant.slug = "ivcisa"
    seed_tenant_sla(tenant)
    seed_catalogue(tenant)
    tenant.slug = SLUG
    password = make_password(PASSWORD)
    orgs = Organization.objects.bulk_create(
        Organization(
            tenant=tenant, name=f"Customer {i:03d}", slug=f"customer-{i:03d}", plan=plans[i % 3]
        )
        for i in range(ORGS)
    )
    customers = User.objects.bulk_create(
        User(
            email=f"c{o.pk}-{j}@bench.example",
            full_name=f"Customer {o.pk}-{j}",
            tenant=tenant,
            organization=o,
            role=Role.ORG_ADMIN if j == 0 else Role.CUSTOMER,
            password=password,
        )
        for o in orgs
        for j in range(CUSTOMERS_PER_ORG)
    )
    engineers = User.objects.bulk_create(
        User(
            email=f"e{i}@benchdesk.example",
            full_name=f"Engineer {i}",
            tenant=tenant,
            role=Role.MANAGER if i == 0 else Role.ENGINEER,
            tier="" if i == 0 else "L1",
            password=password,
        )
        for i in range(ENGINEERS)
    )
    types = list(TicketType.objects.for_tenant(tenant))
    assert len(types) == len(IVCISA_TYPES)
    now = timezone.now()
    rng = random.Random(42)
    batch = 5000
    number = 1000
    for start in range(0, n_tickets, batch):
        tickets, size = [], min(batch, n_tickets - start)
        for _ in range(size):
            number += 1
            requester = rng.choice(customers)
            created = now - timedelta(minutes=rng.randint(5, 365 * 24 * 60))
            is_open = rng.random() < OPEN_SHARE
            status = (
                rng.choice(OPEN_STATUSES)
                if is_open
                else rng.choice((Status.RESOLVED, Status.CLOSED, Status.CLOSED))
            )
            assignee = None if (is_open and rng.random() < 0.3) else rng.choice(engineers)
            updated = min(now, created + timedelta(hours=rng.randint(1, 200)))
            tickets.append(
                Ticket(
                    tenant=tenant,
                    number=number,
                    organization_id=requester.organization_id,
                    requester=requester,
                    assignee=assignee,
                    ticket_type=rng.choice(types),
                    title=f"Ticket {number}: {rng.choice(WORDS)} {rng.choice(WORDS)} failing",
                    text="Something is wrong.\n\n" + " ".join(rng.choices(WORDS, k=60)),
                    affected_service=f"service-{rng.randint(1, 400)}",
                    priority=rng.choice(Priority.values),
                    status=status,
                    created_at=created,
                    updated_at=updated,
                    last_customer_reply_at=created,
                    first_response_at=created + timedelta(minutes=rng.randint(10, 600)),
                    resolved_at=None if is_open else updated,
                    closed_at=None,
                    reply_count=3,
                )
            )
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets, batch_size=batch)
            events, messages = [], []
            for t in tickets:
                engineer = t.assignee or engineers[1]
                events.append(
                    TicketEvent(
                        tenant=tenant,
                        ticket=t,
                        actor=t.requester,
                        kind=EventKind.CREATED,
                        data={"priority": t.priority},
                        created_at=t.created_at,
                    )
                )
                events.append(
                    TicketEvent(
                        tenant=tenant,
                        ticket=t,
                        actor=engineer,
                        kind=EventKind.STATUS,
                        data={"from": "new", "to": "in_progress"},
                        created_at=t.created_at + timedelta(minutes=5),
                    )
                )
                for k in range(3):
                    staff = k % 2 == 0
                    messages.append(
                        Message(
                            tenant=tenant,
                            ticket=t,
                            author=engineer if staff else t.requester,
                            body=" ".join(rng.choices(WORDS, k=40)),
                            is_internal=False,
                            created_at=t.created_at + timedelta(minutes=10 + k * 30),
                        )
                    )
                if t.status != Status.IN_PROGRESS:
                    events.append(
                        TicketEvent(
                            tenant=tenant,
                            ticket=t,
                            actor=engineer,
                            kind=EventKind.STATUS,
                            data={"from": "in_progress", "to": t.status},
                            created_at=t.updated_at,
                        )
                    )
            TicketEvent.objects.bulk_create(events, batch_size=batch)
            Message.objects.bulk_create(messages, batch_size=batch)
        log(f"seeded {start + size:,} / {n_tickets:,} tickets")
    TicketCounter.objects.update_or_create(tenant=tenant, defaults={"last_number": number})
    log(f"seeding took {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    changed = tickets_sla_recompute(tenant=tenant)
    log(f"SLA of {changed:,} open tickets computed in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Autovacuum would do this in production; right after bulk loading it has not yet.
            cursor.execute("VACUUM ANALYZE")
    return tenant


WORDS = [
    "vpn", "tunnel", "dns", "backup", "cluster", "database", "latency", "timeout",
    "certificate", "firewall", "login", "dashboard", "export", "pipeline", "model", "storage",
    "bucket", "instance", "network", "gateway", "api", "queue", "report", "billing", "sso",
    "token", "replica", "index", "memory", "disk", "alert", "scaling", "deploy", "rollback",
]  # fmt: skip


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p
    f, c = int(k), min(int(k) + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def timed(client, method, path, runs, data_fn=None):
    times, size = [], 0
    for i in range(runs):
        started = time.perf_counter()
        response = client.get(path) if method == "get" else client.post(path, data_fn(i))
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), (path, response.status_code)
        if method == "get":
            size = len(response.content)
    return times, size


def signed_in(email):
    client = Client(HTTP_HOST=HOST)
    client.force_login(User.objects.get(email=email))
    return client


def measure_in_process(tenant, runs):
    engineer = signed_in("e1@benchdesk.example")
    # The busiest customer: the organization admin of the organization with most tickets.
    customer_email = (
        User.objects.filter(tenant=tenant, role=Role.ORG_ADMIN).order_by("pk").first().email
    )
    customer = signed_in(customer_email)
    open_ticket = (
        Ticket.objects.for_tenant(tenant).filter(status__in=OPEN_STATUSES).order_by("pk").first()
    )
    type_id = TicketType.objects.for_tenant(tenant).first().pk
    rows = []
    for label, client, method, path, data_fn in (
        ("engineer: All open queue", engineer, "get", "/queue/open/", None),
        ("engineer: Unassigned queue", engineer, "get", "/queue/unassigned/", None),
        ("engineer: queue page 40", engineer, "get", "/queue/open/?page=40", None),
        ("customer: My tickets", customer, "get", "/tickets/?status=", None),
        ("customer: org tickets", customer, "get", "/tickets/?status=&scope=organization", None),
        ("engineer: ticket page", engineer, "get", f"/tickets/BEN-{open_ticket.number}/", None),
        (
            "customer: ticket creation",
            customer,
            "post",
            "/tickets/new/",
            lambda i: {
                "title": f"Bench ticket {i}",
                "ticket_type": type_id,
                "priority": "P3",
                "affected_service": "bench",
                "text": "Created by the benchmark.",
            },
        ),
    ):
        timed(client, method, path, 3, data_fn)  # warm caches
        times, size = timed(client, method, path, runs, data_fn)
        rows.append((label, statistics.median(times), percentile(times, 0.95), size))
    return rows


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _env():
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["PYTHONPATH"] = str(ROOT)
    return env


def measure_gunicorn(seconds: float, clients: int = 4):
    session = signed_in("e1@benchdesk.example").cookies[settings.SESSION_COOKIE_NAME].value
    port = 8799
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "helpdesk.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(),
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(1)
        headers = {"Host": HOST, "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
        done, errors = [], []
        stop = 0.0

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            while time.monotonic() < stop:
                conn.request("GET", "/queue/open/", headers=headers)
                response = conn.getresponse()
                response.read()
                (done if response.status == 200 else errors).append(1)

        for warm in range(20):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/queue/open/", headers=headers)
            conn.getresponse().read()
            del warm
        threads = [threading.Thread(target=worker) for _ in range(clients)]
        started = time.monotonic()
        stop = started + seconds
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        children = [
            int(p)
            for p in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        ]
        worker_rss = max(rss_mb(pid) for pid in children)
        return len(done) / elapsed, len(errors), worker_rss
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure_celery_worker():
    bin_dir = Path(sys.executable).parent
    worker = subprocess.Popen(
        [
            str(bin_dir / "celery"),
            "-A",
            "helpdesk",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(12)  # started, connected, drained what the creation runs queued
        return rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=10.0, help="gunicorn load duration")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--skip-migrate", action="store_true")
    args = parser.parse_args()
    if not args.skip_migrate:
        call_command("migrate", verbosity=0)
    tenant = seed(args.tickets, args.reseed)
    open_count = Ticket.objects.for_tenant(tenant).filter(status__in=OPEN_STATUSES).count()
    rows = measure_in_process(tenant, args.runs)
    rps, errors, gunicorn_rss = measure_gunicorn(args.seconds)
    celery_rss = measure_celery_worker()

    db = connection.vendor
    if db == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            db += " " + cursor.fetchone()[0].split()[0]
    total = Ticket.objects.for_tenant(tenant).count()
    print(
        f"\nTickets benchmark: {total:,} tickets ({open_count:,} open) in one tenant, "
        f"{Message.objects.for_tenant(tenant).count():,} messages, database {db}\n"
    )
    print(f"{'page':<30} {'p50 ms':>8} {'p95 ms':>8} {'HTML KB':>8}")
    print("-" * 57)
    for label, p50, p95, size in rows:
        kb = f"{size / 1024:.1f}" if size else "—"
        print(f"{label:<30} {p50:>8.1f} {p95:>8.1f} {kb:>8}")
    print()
    print(
        f"gunicorn (2 workers × 2 threads), 4 clients, All open queue: {rps:,.0f} requests/s"
        f" ({errors} errors)"
    )
    print(f"gunicorn worker RSS after the load: {gunicorn_rss:.0f} MB")
    print(f"Celery worker RSS (solo pool, idle after draining): {celery_rss:.0f} MB")


if __name__ == "__main__":
    main()
