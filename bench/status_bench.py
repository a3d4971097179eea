"""The public status page under a surge.

Seeds one tenant with 12 components, 90 days of status history and a few dozen incidents
and maintenance windows (kept between runs; ``--reseed`` starts over), counts the queries of
``/status/`` in process (uncached and cached, through the full middleware stack), then
starts gunicorn on 127.0.0.1 and loads ``/status/`` as anonymous visitors.

The load is a closed loop by default: ``--clients`` asyncio tasks in this process, each
sending one request, waiting for the whole answer, then sending the next, for ``--seconds``
(latency is then mostly the queue: clients ÷ throughput). With ``--rate R`` it is an open
loop: the same clients send R requests a second between them, each on its own schedule,
as visitors reloading the page do; a request sent late because its client was still waiting
is measured from when it was due, so a slow server cannot hide its queue. Each request is a
new TCP connection on loopback (``Connection: close``), so latency includes the connect;
it runs to the last byte.
"""

import argparse
import asyncio
import http.client
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._django import ROOT, setup  # noqa: E402

setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Domain, Tenant  # noqa: E402
from accounts.selectors import clear_tenant_cache  # noqa: E402
from helpdesk.markdown import render_markdown  # noqa: E402
from tickets.models import (  # noqa: E402
    Component,
    ComponentStatus,
    ComponentStatusSpan,
    Incident,
    IncidentComponent,
    IncidentKind,
    IncidentStatus,
    IncidentUpdate,
)
from tickets.status.cache import status_page_changed  # noqa: E402

SLUG = "statusbench"
HOST = f"{SLUG}.localhost"
COMPONENTS = 12
DAYS = 90
PORT = 8797
BAD_STATES = [
    ComponentStatus.DEGRADED,
    ComponentStatus.PARTIAL_OUTAGE,
    ComponentStatus.MAJOR_OUTAGE,
]


def seed(reseed: bool) -> Tenant:
    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant and not reseed:
        return tenant
    if tenant:
        tenant.delete()
    tenant = Tenant.objects.create(
        slug=SLUG,
        name="Bench",
        portal_title="Bench Support",
        ticket_prefix="SBN",
        time_zone="America/New_York",
        support_email=f"support@{SLUG}.example",
        require_2fa_for_staff=False,
    )
    Domain.objects.create(tenant=tenant, domain=HOST, is_primary=True)
    rng = random.Random(7)
    now = timezone.now()
    start = now - timedelta(days=DAYS + 1)
    components = Component.objects.bulk_create(
        Component(
            tenant=tenant,
            name=f"Service {n + 1}",
            slug=f"service-{n + 1}",
            description="A part of the service.",
            position=n,
            is_public=n < 10,
            created_at=start,
        )
        for n in range(COMPONENTS)
    )
    spans, incidents, links, updates = [], [], [], []
    for component in components:
        moment = start
        while True:
            quiet = timedelta(hours=rng.uniform(24, 24 * 9))
            bad = timedelta(minutes=rng.uniform(10, 300))
            if moment + quiet + bad >= now:
                break
            spans.append((component, ComponentStatus.OPERATIONAL, moment, moment + quiet))
            status = rng.choice(
                [
                    ComponentStatus.DEGRADED,
                    ComponentStatus.PARTIAL_OUTAGE,
                    ComponentStatus.MAJOR_OUTAGE,
                ]
            )
            spans.append((component, status, moment + quiet, moment + quiet + bad))
            incidents.append((component, status, moment + quiet, moment + quiet + bad))
            moment = moment + quiet + bad
        spans.append((component, ComponentStatus.OPERATIONAL, moment, None))
    ComponentStatusSpan.objects.bulk_create(
        ComponentStatusSpan(tenant=tenant, component=c, status=s, started_at=a, ended_at=b)
        for c, s, a, b in spans
    )
    rows = Incident.objects.bulk_create(
        Incident(
            tenant=tenant,
            kind=IncidentKind.INCIDENT,
            title=f"{c.name}: {ComponentStatus(s).label}",
            status=IncidentStatus.RESOLVED,
            created_at=a,
            updated_at=b,
            published_at=a,
            starts_at=a,
            ended_at=b,
        )
        for c, s, a, b in incidents
    )
    for incident, (component, status, began, ended) in zip(rows, incidents, strict=True):
        links.append(
            IncidentComponent(tenant=tenant, incident=incident, component=component, status=status)
        )
        for at, state, body in (
            (began, IncidentStatus.INVESTIGATING, "We are looking into it."),
            (began + (ended - began) / 2, IncidentStatus.MONITORING, "A fix is **out**."),
            (ended, IncidentStatus.RESOLVED, "Resolved."),
        ):
            updates.append(
                IncidentUpdate(
                    tenant=tenant,
                    incident=incident,
                    status=state,
                    body=body,
                    body_html=render_markdown(body),
                    created_at=at,
                    notify=False,
                )
            )
    IncidentComponent.objects.bulk_create(links)
    IncidentUpdate.objects.bulk_create(updates)
    # One ongoing incident and one upcoming maintenance window, as during a surge.
    ongoing = Incident.objects.create(
        tenant=tenant,
        title="Calls are not tracked",
        status=IncidentStatus.IDENTIFIED,
        impact="major",
        created_at=now,
        updated_at=now,
        published_at=now,
        starts_at=now,
    )
    IncidentComponent.objects.create(
        tenant=tenant, incident=ongoing, component=components[0], status="major_outage"
    )
    IncidentUpdate.objects.create(
        tenant=tenant,
        incident=ongoing,
        status=IncidentStatus.IDENTIFIED,
        body="A bad deploy; rolling back.",
        body_html=render_markdown("A bad deploy; rolling back."),
        created_at=now,
        notify=False,
    )
    Component.objects.filter(pk=components[0].pk).update(status="major_outage")
    window = Incident.objects.create(
        tenant=tenant,
        kind=IncidentKind.MAINTENANCE,
        title="Database upgrade",
        status=IncidentStatus.SCHEDULED,
        created_at=now,
        updated_at=now,
        published_at=now,
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=2),
    )
    IncidentUpdate.objects.create(
        tenant=tenant,
        incident=window,
        status=IncidentStatus.SCHEDULED,
        body="Planned.",
        body_html=render_markdown("Planned."),
        created_at=now,
        notify=False,
    )
    return tenant


def queries_per_view(tenant) -> tuple[int, int, int]:
    """Queries of an uncached and a cached /status/ (tenant already resolved) and the HTML
    size."""
    clear_tenant_cache()
    client = Client(HTTP_HOST=HOST)
    client.get("/status/healthcheck-warm-tenant/")  # resolves the tenant (a 404)
    status_page_changed(tenant.pk)
    cache.delete(f"status:version:{tenant.pk}")
    with CaptureQueriesContext(connection) as uncached:
        response = client.get("/status/")
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as cached:
        client.get("/status/")
    return len(uncached), len(cached), len(response.content)


async def _one(path: str) -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept-Language: en\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        await writer.drain()
        data = await reader.read()
        writer.close()
        ok = data.startswith(b"HTTP/1.1 200") or data.startswith(b"HTTP/1.0 200")
    except OSError:
        ok = False
    return time.perf_counter() - started, ok


async def _load(clients: int, seconds: float, rate: float | None = None):
    latencies, errors = [], 0
    start = time.perf_counter()
    deadline = start + seconds

    async def client(index: int):
        nonlocal errors
        interval = clients / rate if rate else 0.0
        due = start + interval * index / clients
        while True:
            if rate:
                wait = due - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
            if time.perf_counter() >= deadline:
                return
            sent = time.perf_counter()
            elapsed, ok = await _one("/status/")
            # Open loop: from when the request was due, not when the client got to it.
            latencies.append(elapsed + (sent - due if rate else 0.0))
            errors += not ok
            due += interval

    started = time.perf_counter()
    await asyncio.gather(*(client(index) for index in range(clients)))
    return latencies, errors, time.perf_counter() - started


def run_gunicorn(workers: int, threads: int):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "helpdesk.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(workers),
            "-k",
            "gthread",
            "--threads",
            str(threads),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            break
        except OSError:
            time.sleep(0.1)
    return server


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--rate", type=float, default=None, help="requests per second in all (open loop)"
    )
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--skip-migrate", action="store_true")
    args = parser.parse_args()
    if not args.skip_migrate:
        call_command("migrate", verbosity=0)
    tenant = seed(args.reseed)
    uncached, cached, size = queries_per_view(tenant)
    spans = ComponentStatusSpan.objects.for_tenant(tenant).count()
    incidents = Incident.objects.for_tenant(tenant).count()
    server = run_gunicorn(args.workers, args.threads)
    try:
        # Warm every worker's cache entry and tenant lookup.
        asyncio.run(_load(args.workers * args.threads, 1.0))
        latencies, errors, elapsed = asyncio.run(_load(args.clients, args.seconds, args.rate))
    finally:
        server.terminate()
        server.wait(timeout=10)
    load = os.getloadavg()
    ms = [value * 1000 for value in latencies]
    print(
        f"\nStatus page benchmark: {COMPONENTS} components, {spans:,} spans over {DAYS} days, "
        f"{incidents} incidents; {connection.vendor}; "
        f"gunicorn {args.workers} workers x {args.threads} threads (gthread), {os.cpu_count()} CPUs"
    )
    mode = f"open loop at {args.rate:,.0f} requests/s" if args.rate else "closed loop"
    print(
        f"Load: {mode}, {args.clients} asyncio clients in one process, one new loopback "
        f"connection per request, for {args.seconds:.0f} s; latency = connect (or due time) "
        "to last byte."
    )
    rows = [
        ("requests", f"{len(ms):,}"),
        ("errors (non-200 or socket)", f"{errors}"),
        ("p50 latency", f"{statistics.median(ms):.1f} ms"),
        ("p95 latency", f"{percentile(ms, 0.95):.1f} ms"),
        ("p99 latency", f"{percentile(ms, 0.99):.1f} ms"),
        ("requests/s", f"{len(ms) / elapsed:,.0f}"),
        ("queries, uncached view", f"{uncached}"),
        ("queries, cached view", f"{cached}"),
        ("HTML size", f"{size / 1024:.0f} KiB"),
        ("load average (1/5/15 min)", " ".join(f"{x:.2f}" for x in load)),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value:>14}")


if __name__ == "__main__":
    main()
