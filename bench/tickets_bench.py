"""Tickets at volume: seed N tickets in one tenant, then time the pages people use most.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \
        .venv/bin/python bench/tickets_bench.py --tickets 100000

Prints one table of server times (in process, through every middleware), HTML sizes,
queue throughput under gunicorn with 4 concurrent clients, and worker memory.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._django import ROOT, setup  # noqa: E402

setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from bench.tickets_seed import HOST, seed  # noqa: E402
from tickets.models import (  # noqa: E402
    OPEN_STATUSES,
    Message,
    Ticket,
    TicketType,
)


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
    parser.add_argument(
        "--open-share", type=float, default=None, help="share of the tickets seeded open"
    )
    parser.add_argument(
        "--closed-history",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="seed closed tickets with their conversation (off: quicker for 1,000,000)",
    )
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--skip-migrate", action="store_true")
    args = parser.parse_args()
    if not args.skip_migrate:
        call_command("migrate", verbosity=0)
    extra = {"closed_history": args.closed_history}
    if args.open_share is not None:
        extra["open_share"] = args.open_share
    tenant = seed(args.tickets, args.reseed, **extra)
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
