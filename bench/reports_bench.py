"""SLA reports at volume: two years of tickets in one tenant, then the reports, the
ticket-level export and the home pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \\
        .venv/bin/python bench/reports_bench.py

Seeds (``reports_seed.py``, reused on later runs) 1,000,000 tickets opened over two years
(``--tickets``), 100,000 of them open (``--open``), with their SLA outcome rows and daily
rollups, then measures in process through every middleware, signed in as the tenant's
manager: the SLA report of last month by organization, plan and engineer, and of the last
12 months by plan and organization (p50/p95 over ``--runs``, queries per request); the
ticket-level CSV of the last 12 months, streamed (bytes, rows, time, resident memory while
streaming); and the home page of an engineer, the manager, an organization admin and a
customer. Pages not yet served (404) are measured through their selectors instead, and
the table says which. Prints EXPLAIN (ANALYZE, BUFFERS) of the year's main rollup query
and of its ticket-level rows query, and checks the rollups against ``RollupDelta`` on a
sample of days. PostgreSQL only.
"""

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._django import setup  # noqa: E402

setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from bench.reports_seed import HOST, MANAGER, SLUG, rollups_check, seed, seeded  # noqa: E402
from bench.tickets_bench import percentile  # noqa: E402
from helpdesk.db_router import replica_reads  # noqa: E402
from tickets.models import (  # noqa: E402
    OPEN_STATUSES,
    EventKind,
    RollupDimension,
    SlaOutcome,
    SlaRollup,
    Ticket,
    TicketEvent,
)
from tickets.reports.periods import LAST_MONTH, THIS_YEAR, period_for  # noqa: E402
from tickets.reports.selectors import (  # noqa: E402
    ENGINEER,
    ORGANIZATION,
    PLAN,
    ROW_COLUMNS,
    ReportFilters,
    RowFilters,
    _rollups,
    _sums,
    outcome_rows,
    sla_report,
)


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def signed_in(email: str) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(User.objects.get(email=email))
    return client


def served(client: Client, path: str) -> bool:
    """Whether the page exists yet (the report views and home pages are young)."""
    return client.get(path).status_code == 200


class QueryLog:
    """Every query the default connection runs inside the block, with its time and
    parameters (to EXPLAIN the slowest again)."""

    def __init__(self):
        self.queries: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql, params))

    def __enter__(self):
        self._wrapping = connection.execute_wrapper(self)
        self._wrapping.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapping.__exit__(*exc)


def timed(fn, runs: int):
    """(p50 ms, p95 ms, queries of the last run) of ``fn`` over ``runs`` calls after two
    warm-up calls."""
    for _ in range(2):
        fn()
    times, queries = [], 0
    for _ in range(runs):
        with QueryLog() as log:
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(log.queries)
    return statistics.median(times), percentile(times, 0.95), queries


def slowest_query(fn) -> tuple[float, str, str]:
    """(ms, SQL, EXPLAIN (ANALYZE, BUFFERS)) of the slowest query ``fn`` runs."""
    with QueryLog() as log:
        fn()
    ms, sql, params = max(log.queries, key=lambda query: query[0])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return ms, sql, plan


def page(client: Client, path: str):
    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response

    return get


def measure_reports(tenant, manager: Client, runs: int) -> list[tuple]:
    now = timezone.now()
    today = timezone.localdate(now, timezone=tenant_zone(tenant))
    rows = []
    views = served(manager, "/reports/sla/?period=last_month")
    for key, group in (
        (LAST_MONTH, ORGANIZATION),
        (LAST_MONTH, PLAN),
        (LAST_MONTH, ENGINEER),
        (THIS_YEAR, PLAN),
        (THIS_YEAR, ORGANIZATION),
    ):
        path = f"/reports/sla/?period={key}&group={group}"
        if views:
            fn, how = page(manager, path), path
        else:
            filters = ReportFilters(period=period_for(key, today=today), group=group)

            def fn(filters=filters):
                return sla_report(tenant=tenant, filters=filters, now=now)

            how = f"sla_report({key}, {group})"
        p50, p95, queries = timed(fn, runs)
        rows.append((how, p50, p95, queries))
    return rows


class Counter:
    """A file-like sink that counts what a CSV writer writes."""

    def __init__(self):
        self.bytes = 0

    def write(self, text: str) -> int:
        self.bytes += len(text.encode())
        return len(text)


def measure_export(tenant, manager: Client) -> dict:
    """The year's ticket-level CSV streamed to the end, with the process's resident memory
    sampled while streaming."""
    path = "/reports/sla/tickets.csv?period=last_365"
    samples = [rss_kb()]
    started = time.perf_counter()
    with QueryLog() as captured:
        response = manager.get(path)
        if served_csv := response.status_code == 200:
            assert response.streaming, "the export should stream"
            size = lines = 0
            for index, chunk in enumerate(response.streaming_content):
                size += len(chunk)
                lines += chunk.count(b"\n")
                if index % 2000 == 0:
                    samples.append(rss_kb())
            rows = lines - 1  # the header
            how = path
        else:
            today = timezone.localdate(timezone=tenant_zone(tenant))
            filters = RowFilters(period=period_for(THIS_YEAR, today=today))
            sink = Counter()
            writer = csv.writer(sink)
            writer.writerow(ROW_COLUMNS)
            with replica_reads():
                queryset = outcome_rows(tenant=tenant, filters=filters)
            rows = 0
            for row in queryset.values_list(*ROW_COLUMNS).iterator(chunk_size=2000):
                writer.writerow(row)
                rows += 1
                if rows % 20_000 == 0:
                    samples.append(rss_kb())
            size = sink.bytes
            how = "outcome_rows(last_365) → csv.writer"
    seconds = time.perf_counter() - started
    samples.append(rss_kb())
    return {
        "how": how,
        "served": served_csv,
        "rows": rows,
        "bytes": size,
        "seconds": seconds,
        "queries": len(captured.queries),
        "rss_start_mb": samples[0] / 1024,
        "rss_peak_growth_mb": (max(samples) - samples[0]) / 1024,
        "rss_end_growth_mb": (samples[-1] - samples[0]) / 1024,
    }


def tenant_zone(tenant):
    return ZoneInfo(tenant.time_zone or "UTC")


def homes_people(tenant) -> tuple[str, str, str]:
    """The engineer with most open tickets, and the admin and a customer of the organization
    with most open tickets."""
    open_tickets = Ticket.objects.for_tenant(tenant).filter(status__in=OPEN_STATUSES).order_by()
    engineer = (
        open_tickets.filter(assignee__isnull=False)
        .values("assignee__email")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["assignee__email"]
    )
    busiest = (
        open_tickets.values("organization_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["organization_id"]
    )
    people = User.objects.filter(tenant=tenant, organization_id=busiest).order_by("pk")
    org_admin = people.filter(role=Role.ORG_ADMIN).first().email
    customer = people.filter(role=Role.CUSTOMER).first().email
    return engineer, org_admin, customer


def measure_homes(tenant, runs: int) -> list[tuple]:
    engineer, org_admin, customer = homes_people(tenant)
    rows = []
    for label, email in (
        ("engineer", engineer),
        ("manager", MANAGER),
        ("organization admin", org_admin),
        ("customer", customer),
    ):
        client = signed_in(email)
        response = client.get("/")
        if response.status_code != 200:
            rows.append((f"home as {label}", None, None, None, response.status_code))
            continue
        p50, p95, queries = timed(page(client, "/"), runs)
        rows.append((f"home as {label}", p50, p95, queries, len(response.content)))
    return rows


def explain(tenant) -> list[tuple[str, str]]:
    today = timezone.localdate(timezone=tenant_zone(tenant))
    year = period_for(THIS_YEAR, today=today)
    everything = _rollups(
        tenant=tenant, filters=ReportFilters(period=year), dimension=RollupDimension.ALL
    )
    # The query ``sla_report`` sums a period's totals, weeks and priorities from.
    main = everything.values("day", "metric", "priority").annotate(**_sums()).order_by()
    rows = outcome_rows(tenant=tenant, filters=RowFilters(period=year)).values_list(*ROW_COLUMNS)
    return [
        (
            "year's rollups (all, by day, metric, priority)",
            main.explain(analyze=True, buffers=True),
        ),
        ("year's ticket-level rows", rows.explain(analyze=True, buffers=True)),
    ]


def counts(tenant) -> dict:
    decided = SlaOutcome.objects.for_tenant(tenant).filter(decided_at__isnull=False)
    by_dimension = dict(
        SlaRollup.objects.for_tenant(tenant)
        .values_list("dimension")
        .order_by()
        .annotate(n=Count("pk"))
    )
    return {
        "tickets": Ticket.objects.for_tenant(tenant).count(),
        "open tickets": Ticket.objects.for_tenant(tenant).filter(status__in=OPEN_STATUSES).count(),
        "outcome rows": SlaOutcome.objects.for_tenant(tenant).count(),
        "decided outcomes": decided.count(),
        "met outcomes": decided.filter(state="met").count(),
        "rollup cells": sum(by_dimension.values()),
        **{f"  cells: {name}": n for name, n in sorted(by_dimension.items())},
        "escalation events": TicketEvent.objects.for_tenant(tenant)
        .filter(kind=EventKind.ESCALATED)
        .count(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rollups", choices=("sql", "rebuild"), default="sql")
    parser.add_argument("--check-days", type=int, default=12)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--skip-migrate", action="store_true")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "PostgreSQL only (set DATABASE_URL)"
    if not args.skip_migrate:
        call_command("migrate", verbosity=0)
    tenant = seed(
        args.tickets, args.open, reseed=args.reseed, workers=args.workers, rollups=args.rollups
    )
    marker = seeded(SLUG)
    checked_days, checked_cells = rollups_check(tenant=tenant, days=args.check_days)
    manager = signed_in(MANAGER)
    reports = measure_reports(tenant, manager, args.runs)
    export = measure_export(tenant, manager)
    homes = measure_homes(tenant, args.runs)
    plans = explain(tenant)
    engineer_home = signed_in(homes_people(tenant)[0])
    for title, client, path in (
        (
            "month's report by organization",
            manager,
            "/reports/sla/?period=last_month&group=organization",
        ),
        (
            "year's report by organization",
            manager,
            "/reports/sla/?period=last_365&group=organization",
        ),
        ("manager's home", manager, "/"),
        ("engineer's home", engineer_home, "/"),
    ):
        if client.get(path).status_code == 200:
            ms, sql, plan = slowest_query(page(client, path))
            plans.append((f"slowest query of the {title} ({ms:.0f} ms): {sql[:160]}…", plan))
    numbers = counts(tenant)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]

    for title, plan in plans:
        print(f"\nEXPLAIN (ANALYZE, BUFFERS): {title}\n{plan}")
    print()
    print(
        f"PostgreSQL {pg_version}; load average {os.getloadavg()[0]:.2f} / "
        f"{os.getloadavg()[1]:.2f} / {os.getloadavg()[2]:.2f} on {os.cpu_count()} cores; "
        f"seeded in {marker['seconds']:.0f} s ({marker['seeded_at']:%Y-%m-%d %H:%M} UTC)"
    )
    for name, value in numbers.items():
        print(f"{name:>24}  {value:>12,}")
    print(
        f"rollups equal RollupDelta's count on {checked_days} sampled days "
        f"({checked_cells:,} cells)"
    )
    print()
    print(f"{'measured':>52}  {'p50 ms':>8}  {'p95 ms':>8}  {'queries':>7}")
    print(f"{'-' * 52}  {'-' * 8}  {'-' * 8}  {'-' * 7}")
    for how, p50, p95, queries in reports:
        print(f"{how:>52}  {p50:8.1f}  {p95:8.1f}  {queries:7}")
    for label, p50, p95, queries, extra in homes:
        if p50 is None:
            print(f"{label:>52}  {'—':>8}  {'—':>8}  {'—':>7}  (answered {extra})")
        else:
            print(f"{label:>52}  {p50:8.1f}  {p95:8.1f}  {queries:7}  ({extra:,} bytes)")
    print()
    print(
        f"export {export['how']}: {export['rows']:,} rows, {export['bytes'] / 1e6:.1f} MB in "
        f"{export['seconds']:.1f} s ({export['rows'] / export['seconds']:,.0f} rows/s), "
        f"{export['queries']} queries; resident memory {export['rss_start_mb']:.0f} MB at the "
        f"start, at most +{export['rss_peak_growth_mb']:.1f} MB while streaming, "
        f"+{export['rss_end_growth_mb']:.1f} MB at the end"
    )


if __name__ == "__main__":
    main()
