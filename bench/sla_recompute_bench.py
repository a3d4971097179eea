"""Recomputing the SLA of 100,000 open tickets in the database, as the SLA admin's
"recompute open tickets" does after the tables change.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \
        .venv/bin/python bench/sla_recompute_bench.py

Uses (or first seeds) the tickets benchmark's tenant, opens every one of its tickets, then
times a recompute that changes every ticket and one that changes none; then halves every
target of every plan (open tickets keep their due times) and times the admin's preview of
"Recompute open tickets" (nothing written) and applying it.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.tickets_seed import seed  # noqa: E402  (starts Django)
from sla.models import SlaTarget, SupportPlan  # noqa: E402
from sla.services import plan_set_matrix  # noqa: E402
from sla.targets import TargetSpec  # noqa: E402
from tickets.models import Status, Ticket  # noqa: E402
from tickets.services.sla import (  # noqa: E402
    sla_recompute_open_tickets,
    sla_recompute_preview,
    tickets_sla_recompute,
)


def halve_every_target(tenant) -> None:
    """Save every plan's matrix with each target halved, as an admin tightening it would."""
    for plan in SupportPlan.objects.for_tenant(tenant):
        cells = {
            (t.priority, t.metric): TargetSpec(
                clock=t.clock, amount=max(t.amount // 2, 1), unit=t.unit
            )
            for t in SlaTarget.objects.for_tenant(tenant).filter(plan=plan)
            if t.amount
        }
        plan_set_matrix(plan=plan, calendar=plan.calendar, cells=cells)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    tenant = seed(args.tickets, reseed=False)
    opened = Ticket.objects.for_tenant(tenant).update(
        status=Status.IN_PROGRESS,
        resolved_at=None,
        closed_at=None,
        first_response_state="none",
        resolution_state="none",
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE tickets_ticket")
    rows = []
    for label in ("every ticket changes", "nothing changes"):
        started = time.perf_counter()
        written = tickets_sla_recompute(tenant=tenant)
        elapsed = time.perf_counter() - started
        rows.append((label, written, elapsed))
    print(f"\nSLA recompute of {opened:,} open tickets, database {connection.vendor}\n")
    print(f"{'run':<24} {'written':>9} {'seconds':>8} {'tickets/s':>10}")
    print("-" * 54)
    for label, written, elapsed in rows:
        print(f"{label:<24} {written:>9,} {elapsed:>8.1f} {opened / elapsed:>10,.0f}")

    halve_every_target(tenant)
    started = time.perf_counter()
    preview = sla_recompute_preview(tenant=tenant)
    previewed = time.perf_counter() - started
    started = time.perf_counter()
    applied = sla_recompute_open_tickets(tenant=tenant)
    applying = time.perf_counter() - started
    print("\nEvery target halved; open tickets keep their due times until recomputed\n")
    print(f"{'step':<24} {'tickets':>9} {'seconds':>8} {'tickets/s':>10}")
    print("-" * 54)
    print(
        f"{'preview (examined)':<24} {preview.examined:>9,} {previewed:>8.1f} "
        f"{preview.examined / previewed:>10,.0f}"
    )
    print(f"{'  would move':<24} {preview.moving:>9,}")
    print(f"{'  would become breached':<24} {preview.breached_count:>9,}")
    print(f"{'apply (written)':<24} {applied:>9,} {applying:>8.1f} {opened / applying:>10,.0f}")


if __name__ == "__main__":
    main()
