"""The every-minute escalation check at volume: idle, and with 1,000 tickets due.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \\
    REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/escalation_bench.py --tickets 1000000 --open 100000

Seeds (or reuses) one tenant with N tickets of which M open, the demo help desk's escalation
matrix and the escalations its open tickets have already had, then times: planning every
open ticket's next check (the recompute an edit of the matrix triggers), the beat check
with nothing due (and EXPLAIN of its query), one check with 1,000 tickets due (wall time,
rules fired, emails queued, queries), and the idle check after it. Delivery tasks go to
the Redis broker as in production and are purged from it at the end (the outbox keeps the
rows): give it a Redis database no worker reads.
"""

import argparse
import cProfile
import os
import platform
import pstats
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._django import setup  # noqa: E402

setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.escalation_seed import catch_up, ensure_matrix  # noqa: E402
from bench.tickets_seed import log, seed  # noqa: E402
from escalation.models import EscalationEvent  # noqa: E402
from escalation.services import escalations_run_due  # noqa: E402
from escalation.tasks import check_escalations  # noqa: E402
from helpdesk.celery import app  # noqa: E402
from helpdesk.models import OutboxEmail  # noqa: E402
from tickets.models import OPEN_STATUSES, EventKind, Ticket, TicketEvent  # noqa: E402
from tickets.services.sla import tickets_sla_recompute  # noqa: E402

SLUG = "escbench"


class QueryCounter:
    """Counts statements sent to the database (an executemany counts once), without the
    cost of recording them."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting():
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p
    f, c = int(k), min(int(k) + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def table(headers, rows):
    widths = [max(len(str(v)) for v in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join([f"{{:<{widths[0]}}}"] + [f"{{:>{w}}}" for w in widths[1:]])
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


def broker_depth() -> int:
    """Messages waiting in the broker's queues (Redis lists named after the queues)."""
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        return sum(client.llen(queue) for queue in settings.CELERY_TASK_QUEUES)


def recompute(tenant):
    """Planning every open ticket, as after an edit of the matrix (every next check moves)
    and as a no-op re-run."""
    open_tickets = Ticket.objects.for_tenant(tenant).filter(status__in=OPEN_STATUSES)
    rows = []
    for label in ("matrix edited: all move", "nothing changed"):
        if label.startswith("matrix"):
            open_tickets.update(escalation_check_at=None)
        with counting() as queries:
            started = time.perf_counter()
            tickets_sla_recompute(tenant=tenant)
            elapsed = time.perf_counter() - started
        rows.append((label, elapsed, queries.count))
    scheduled = open_tickets.filter(escalation_check_at__isnull=False).count()
    return rows, open_tickets.count(), scheduled


def idle_checks(runs: int, now=None) -> tuple[list[float], int]:
    times, queries = [], 0
    for _ in range(runs):
        with counting() as counter:
            started = time.perf_counter()
            fired = check_escalations() if now is None else escalations_run_due(now=now)
            times.append((time.perf_counter() - started) * 1000)
        assert fired == 0, f"{fired} rules fired in an idle check"
        queries = counter.count
    return times, queries


def explain_due_query() -> list[str]:
    """The plan of the query the idle check actually ran (captured, then explained)."""
    with CaptureQueriesContext(connection) as captured:
        check_escalations()
    sql = next(q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT"))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def due_instant(count: int):
    """The instant at which the ``count`` tickets planned first are due; returns it, how
    many are due then, and the tickets held back.

    Tickets opened overnight reach their points together (the business clock starts for
    all at the opening), so many can be due at the very same instant. Those of them past
    the first ``count`` (by id) have their next check put off by a minute, so that exactly
    ``count`` are due; :func:`release` gives them back their instant afterwards.
    """
    first = list(
        Ticket.objects.filter(escalation_check_at__isnull=False)
        .order_by("escalation_check_at", "pk")
        .values_list("pk", "escalation_check_at")[:count]
    )
    at = first[-1][1]
    held = list(
        Ticket.objects.filter(escalation_check_at=at)
        .exclude(pk__in=[pk for pk, _ in first])
        .values_list("pk", flat=True)
    )
    Ticket.objects.filter(pk__in=held).update(escalation_check_at=at + timedelta(minutes=1))
    return at, len(first), held


def release(held: list[int], at) -> None:
    Ticket.objects.filter(pk__in=held).update(escalation_check_at=at)


def run_due(tenant, count: int, profile: bool):
    at, due, held = due_instant(count)
    emails_before = OutboxEmail.objects.filter(tenant=tenant).count()
    events_before = EscalationEvent.objects.for_tenant(tenant).count()
    # Rows this check writes come after these (an earlier run may have used the same instant).
    last_event = EscalationEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    last_entry = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    depth_before = broker_depth()
    profiler = cProfile.Profile() if profile else None
    with counting() as queries:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        fired = escalations_run_due(now=at)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
    result = {
        "at": at,
        "due": due,
        "held": held,
        "fired": fired,
        "seconds": elapsed,
        "queries": queries.count,
        "events": EscalationEvent.objects.for_tenant(tenant).count() - events_before,
        "emails": OutboxEmail.objects.filter(tenant=tenant).count() - emails_before,
        "tasks": broker_depth() - depth_before,
        "escalated": EscalationEvent.objects.for_tenant(tenant)
        .filter(pk__gt=last_event or 0)
        .values("ticket_id")
        .distinct()
        .count(),
        "raised": TicketEvent.objects.for_tenant(tenant)
        .filter(pk__gt=last_entry or 0, kind=EventKind.PRIORITY)
        .count(),
    }
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative")
        stats.print_stats(40)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000, help="open tickets among them")
    parser.add_argument("--due", type=int, default=1000, help="tickets due in the busy check")
    parser.add_argument("--idle-runs", type=int, default=50)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument(
        "--full-history",
        action="store_true",
        help="closed tickets with their replies and events too (slower to seed)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the busy check")
    args = parser.parse_args()
    if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        sys.exit("Set REDIS_URL: the check enqueues its emails' deliveries on the broker.")
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
    call_command("migrate", verbosity=0)
    tenant = seed(
        args.tickets,
        args.reseed,
        slug=SLUG,
        open_share=args.open / args.tickets,
        open_mean_age_days=365 * args.open / args.tickets,
        closed_history=args.full_history,
    )
    ensure_matrix(tenant)
    catch_up(tenant, now=timezone.now())
    plan_rows, open_count, scheduled = recompute(tenant)
    if connection.vendor == "postgresql":
        # What autovacuum does after the bulk inserts of the past and the recompute's updates.
        with connection.cursor() as cursor:
            for model in (Ticket, TicketEvent, EscalationEvent, OutboxEmail):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    total = Ticket.objects.count()
    pending_before = broker_depth()
    warm_up = check_escalations()  # whatever fell due since planning, as beat would find it
    idle, idle_queries = idle_checks(args.idle_runs)
    plan = explain_due_query() if connection.vendor == "postgresql" else []
    busy = run_due(tenant, args.due, args.profile)
    after, after_queries = idle_checks(args.idle_runs, now=busy["at"])
    release(busy["held"], busy["at"])

    db = connection.settings_dict
    version = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = " " + cursor.fetchone()[0]
    print(
        f"\nEscalation check, database {connection.vendor}{version} ({db.get('NAME')}), "
        f"broker {settings.CELERY_BROKER_URL.split('://')[0]}"
    )
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs ({platform.machine()})")
    print(
        f"{total:,} tickets in the database, {open_count:,} open in the bench tenant, "
        f"{scheduled:,} with a next check planned"
    )
    print("\n1. Planning every open ticket's next check (SLA recompute with the matrix)")
    table(
        ["run", "seconds", "tickets/s", "queries"],
        [(label, f"{s:.1f}", f"{open_count / s:,.0f}", f"{q:,}") for label, s, q in plan_rows],
    )
    print(f"\n2. The beat check, {args.idle_runs} runs each (ms)")
    table(
        ["check", "p50", "p95", "max", "queries", "fired"],
        [
            (label, f"{statistics.median(t):.2f}", f"{percentile(t, 0.95):.2f}",
             f"{max(t):.2f}", q, 0)
            for label, t, q in (
                ("nothing due", idle, idle_queries),
                ("nothing due, after the busy check", after, after_queries),
            )
        ],
    )  # fmt: skip
    if warm_up:
        print(f"   (a first check fired {warm_up} rules fallen due since planning)")
    handled = max(busy["due"], 1)
    local = timezone.localtime(busy["at"], ZoneInfo(tenant.time_zone))
    print(
        f"\n3. One check with {busy['due']:,} tickets due "
        f"(at {busy['at']:%a %Y-%m-%d %H:%M} UTC, {local:%H:%M} at the help desk)"
    )
    table(
        ["tickets due", "escalated", "rules fired", "emails queued", "tasks sent", "seconds",
         "ms/rule", "queries", "queries/ticket"],
        [(f"{busy['due']:,}", f"{busy['escalated']:,}", f"{busy['fired']:,}",
          f"{busy['emails']:,}", f"{busy['tasks']:,}", f"{busy['seconds']:.2f}",
          f"{busy['seconds'] * 1000 / max(busy['fired'], 1):.2f}", f"{busy['queries']:,}",
          f"{busy['queries'] / handled:.1f}")],
    )  # fmt: skip
    if busy["held"]:
        print(
            f"   {len(busy['held']):,} more tickets were due at that very instant: their check "
            "was put off a minute for the measurement"
        )
    if busy["raised"]:
        print(
            f"   {busy['raised']:,} tickets had their priority raised: their SLA was recomputed "
            "and the rules of the new priority already past fired in the same check"
        )
    if busy["events"] != busy["fired"]:
        print(f"   escalation events written: {busy['events']:,}")
    if plan:
        print("\n4. EXPLAIN (ANALYZE, BUFFERS) of the idle check's query")
        for line in plan:
            print("   " + line)
        if "ticket_escalation_check" not in "\n".join(plan):
            print("   WARNING: the check does not use the ticket_escalation_check index")
    if broker_depth() > pending_before:
        purged = app.control.purge()
        log(f"purged {purged:,} delivery tasks from the broker (the outbox keeps the rows)")


if __name__ == "__main__":
    main()
