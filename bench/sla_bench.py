"""SLA engine benchmark: due-time computations per second and evaluating 100,000 open tickets.

Seeds the two demo help desks' SLA tables (the same code as ``seed_demo``; idempotent) in the
database from DATABASE_URL, loads every plan's targets once, then measures in one process:

1. due times for the seeded targets (every plan × priority × metric that has a target) at
   random opening instants over a year: the public ``sla.clock.due_at`` on aware datetimes,
   per clock (business calendar, 24/7) and overall;
2. ``sla.engine.evaluate`` on the facts of 100,000 open tickets (random plans, priorities,
   opening times in the last 30 days, replies, On hold periods): the pure evaluation a bulk
   recomputation runs, without and with the human explanation.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_sla .venv/bin/python bench/sla_bench.py

Options: ``--due N`` (default 300000 computations), ``--tickets N`` (default 100000),
``--seed S`` (random seed, default 2026).
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

from accounts.demo import seed_tenants  # noqa: E402
from accounts.models import Tenant  # noqa: E402
from sla import clock  # noqa: E402
from sla.demo import seed_sla  # noqa: E402
from sla.engine import RESOLUTION, TicketClockFacts, evaluate  # noqa: E402
from sla.selectors import plan_books_for_tenant  # noqa: E402

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_SECONDS = 365 * 86400


def prepare_database() -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("Applying migrations…")
        call_command("migrate", verbosity=0)
    seed_tenants(base_url_format="http://{host}:8000/")
    seed_sla()


def load_books():
    started = time.perf_counter()
    with_queries = len(connection.queries)
    books = {}
    for tenant in Tenant.objects.filter(slug__in=["invoca", "ivcisa"]).order_by("slug"):
        books[tenant.slug] = plan_books_for_tenant(tenant=tenant)
    elapsed = time.perf_counter() - started
    return books, elapsed, len(connection.queries) - with_queries


def bench_due_times(books, count: int, rng: random.Random):
    rules = [rule for tenant in books.values() for book in tenant.values() for rule in book.rules]
    jobs = []
    for _ in range(count):
        rule = rng.choice(rules)
        opened = YEAR_START + timedelta(seconds=rng.randrange(YEAR_SECONDS))
        jobs.append((rule.calendar, opened, rule.spec.seconds(rule.calendar), rule.spec.clock))
    rows = []
    for label, wanted in (("business calendar", "business"), ("24/7", "24x7"), ("all", None)):
        subset = [job for job in jobs if wanted is None or job[3] == wanted]
        due_at = clock.due_at
        started = time.perf_counter()
        for calendar, opened, seconds, _clock in subset:
            due_at(calendar, opened, seconds)
        elapsed = time.perf_counter() - started
        rows.append((label, len(subset), elapsed, len(subset) / elapsed))
    return len(rules), rows


def ticket_facts(books, count: int, rng: random.Random, now: datetime):
    plans = [(book, slug) for slug, tenant in books.items() for book in tenant.values()]
    tickets = []
    for _ in range(count):
        book, _slug = rng.choice(plans)
        priority = rng.choices(["P1", "P2", "P3", "P4"], weights=[5, 20, 45, 30])[0]
        opened = now - timedelta(seconds=rng.randrange(30 * 86400))
        age = (now - opened).total_seconds()
        replied = None
        if rng.random() < 0.7:
            replied = opened + timedelta(seconds=rng.uniform(0, age) * 0.3)
        pauses = []
        if rng.random() < 0.3:
            start = opened + timedelta(seconds=rng.uniform(0, age) * 0.5)
            end = start + timedelta(seconds=rng.uniform(0, (now - start).total_seconds()) * 0.5)
            pauses.append((start, end))
        if rng.random() < 0.1:
            pauses.append((now - timedelta(seconds=rng.uniform(0, 86400)), None))
        facts = TicketClockFacts(
            opened_at=opened,
            priority=priority,
            first_response_at=replied,
            pauses=tuple(pauses),
            resolved_at=None,
        )
        previous = None
        if replied is not None and rng.random() < 0.5:
            previous = {"first_response": ("met", replied)}
        tickets.append((book, facts, previous))
    return tickets


def bench_evaluate(tickets, now: datetime, explain: bool):
    started = time.perf_counter()
    states = {}
    for book, facts, previous in tickets:
        result = evaluate(book, facts, now, previous, explain=explain)
        state = result[RESOLUTION].state
        states[state] = states.get(state, 0) + 1
    return time.perf_counter() - started, states


def table(headers, rows):
    widths = [max(len(str(v)) for v in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join(f"{{:>{w}}}" for w in widths)
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--due", type=int, default=300_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    db = connection.settings_dict
    print(f"Database: {connection.vendor} {db.get('NAME')} · Python {sys.version.split()[0]}")
    prepare_database()
    connection.force_debug_cursor = True
    books, load_seconds, load_queries = load_books()
    connection.force_debug_cursor = False
    plan_count = sum(len(b) for b in books.values())
    print(
        f"Loaded {plan_count} plans' books for 2 tenants in {load_seconds * 1000:.1f} ms "
        f"({load_queries} queries)."
    )

    # Warm the zone tables and the calendars' derived tables once, as a running process has.
    bench_due_times(books, 1000, random.Random(1))
    rule_count, due_rows = bench_due_times(books, args.due, rng)
    print(f"\n1. Due times for the {rule_count} seeded targets, random openings over 2026")
    table(
        ["clock", "computations", "seconds", "per second"],
        [(label, f"{n:,}", f"{s:.2f}", f"{rate:,.0f}") for label, n, s, rate in due_rows],
    )

    now = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    tickets = ticket_facts(books, args.tickets, rng, now)
    rows = []
    for explain in (False, True):
        seconds, states = bench_evaluate(tickets, now, explain)
        rows.append(
            (
                "with explanation" if explain else "bulk (no explanation)",
                f"{len(tickets):,}",
                f"{seconds:.2f}",
                f"{len(tickets) / seconds:,.0f}",
                f"{seconds / len(tickets) * 1e6:.1f}",
            )
        )
    print(f"\n2. Evaluating {len(tickets):,} open tickets' facts (both metrics each)")
    table(["evaluation", "tickets", "seconds", "tickets/s", "µs/ticket"], rows)
    print("   resolution states: " + ", ".join(f"{k} {v:,}" for k, v in sorted(states.items())))


if __name__ == "__main__":
    main()
