"""Seeding for the reports benchmark: one tenant with two years of tickets and their SLA
outcomes, written with COPY, then its daily rollups; reused on later runs.

The tenant has Invoca's four plans and matrices (Mission Critical, Premium, Core, Basic on a
Mon–Fri 8–5 Pacific calendar; Mission Critical's P1 first response on the 24/7 one), 50
organizations, engineers and a manager. Each ticket's times are drawn so that about nine
in ten targets are met, and its outcome rows come from the SLA engine itself (``evaluate``
and ``measure`` on the plan's book, as ``tickets.services.outcomes`` stores them), so
states, due times, business and paused seconds agree with what the help desk would have
written. Closed tickets carry no conversation (only their volume and outcomes matter to the
reports); open ones have the status changes their SLA clocks read, and a share of P1 and
P2 tickets were escalated once.

Rows are generated in worker processes as COPY text and streamed into PostgreSQL by the
main process; a marker row (``bench_reports_seed``) records a finished seeding.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._django import setup  # noqa: E402

setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from accounts.models import Domain, Organization, Role, Tenant, User  # noqa: E402
from escalation.models import EscalationEvent, EscalationLevel, EscalationMatrix  # noqa: E402
from helpdesk.markdown import RENDERER_VERSION, render_markdown  # noqa: E402
from sla import clock  # noqa: E402
from sla.demo import seed_tenant_sla  # noqa: E402
from sla.engine import (  # noqa: E402
    METRICS,
    NONE,
    TicketClockFacts,
    evaluate,
    measure,
    target_seconds,
)
from sla.measures import BUCKET_BOUNDS  # noqa: E402
from sla.models import SupportPlan  # noqa: E402
from sla.selectors import plan_books_for_tenant  # noqa: E402
from tickets.demo import seed_catalogue  # noqa: E402
from tickets.models import (  # noqa: E402
    BUCKET_COLUMNS,  # noqa: E402
    Attachment,
    Message,
    SlaOutcome,
    SlaRollup,
    Status,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketType,
)
from tickets.services.outcomes import (  # noqa: E402
    COUNT_COLUMNS,
    DIMENSION_KEYS,
    RollupDelta,
    rollups_rebuild,
)
from tickets.services.sla import sla_columns  # noqa: E402

SLUG = "reportsdesk"
HOST = f"{SLUG}.localhost"
PASSWORD = "bench-password-2026"  # noqa: S105
MANAGER = f"manager@{SLUG}.example"
ORGS = 50
PEOPLE_PER_ORG = 4  # the first is the organization's admin
ENGINEERS = 15
DAYS = 730
CHUNK = 20_000
MARKER = "bench_reports_seed"
PRIORITIES = (("P1", 0.05), ("P2", 0.20), ("P3", 0.45), ("P4", 0.30))
OPEN_MEAN_AGE_DAYS = 15
FIRST_RESPONSE_MET = 0.92
RESOLUTION_MET = 0.88
HOLD_SHARE = 0.15
ESCALATED_SHARE = 0.05  # of P1 and P2 tickets

TICKET_COLUMNS = (
    "id", "tenant_id", "number", "title", "text", "text_html", "markdown_version",
    "affected_service", "steps", "steps_html", "priority", "status", "channel", "created_at",
    "updated_at", "last_customer_reply_at", "first_response_at", "resolved_at", "closed_at",
    "reply_count", "first_response_due_at", "first_response_state", "first_response_ended_at",
    "resolution_due_at", "resolution_state", "resolution_ended_at", "sla_due_at",
    "assignee_id", "organization_id", "requester_id", "ticket_type_id", "escalation_check_at",
    "escalation_cycle", "escalation_level_id",
)  # fmt: skip
OUTCOME_COLUMNS = (
    "tenant_id", "ticket_id", "metric", "state", "plan_id", "priority", "target_clock",
    "target_amount", "target_unit", "target_seconds", "measured_on_earlier_terms",
    "organization_id", "request_type_id", "assignee_id", "escalation_level_id", "opened_at",
    "due_at", "risk_at", "met_at", "breached_at", "decided_at", "stopped_at",
    "business_seconds", "paused_seconds", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = ("tenant_id", "ticket_id", "actor_id", "kind", "data", "is_internal", "created_at")
TEXT = "Something is wrong with the service since this morning; details below."

# What the worker processes read (set before they fork).
_WORLD: dict = {}


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def seeded(slug: str = SLUG) -> dict | None:
    """The marker of a finished seeding of ``slug`` (None: not seeded)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER} (slug text PRIMARY KEY, tickets integer, "
            "open integer, seconds double precision, seeded_at timestamptz)"
        )
        cursor.execute(
            f"SELECT tickets, open, seconds, seeded_at FROM {MARKER} WHERE slug = %s",  # noqa: S608
            [slug],
        )
        row = cursor.fetchone()
    if row is None or not Tenant.objects.filter(slug=slug).exists():
        return None
    return dict(zip(("tickets", "open", "seconds", "seeded_at"), row, strict=True))


def seed(
    n_tickets: int, n_open: int, *, reseed: bool = False, workers: int = 2, rollups: str = "sql"
) -> Tenant:
    """The tenant with ``n_tickets`` tickets over two years, ``n_open`` of them open.

    ``rollups``: "sql" builds the daily rollups with one INSERT … SELECT … GROUP BY per
    dimension (:func:`rollups_by_sql`); "rebuild" with ``rollups_rebuild``, which upserts
    cell by cell, about 1.7 ms a cell here (this seeding's 333,000 cells: some ten minutes).
    """
    marker = seeded()
    if marker and not reseed and marker["tickets"] == n_tickets and marker["open"] == n_open:
        log(f"reusing {n_tickets:,} seeded tickets (seeded {marker['seeded_at']:%Y-%m-%d %H:%M})")
        return Tenant.objects.get(slug=SLUG)
    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant:
        log("removing the earlier reports tenant")
        _remove(tenant)
    started = time.perf_counter()
    tenant = _world(n_tickets, n_open)
    _copy_rows(n_tickets, workers)
    copied = time.perf_counter() - started
    log(f"tickets and outcomes written in {copied:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), "
            "(SELECT max(id) FROM tickets_ticket))"
        )
        cursor.execute("ANALYZE tickets_slaoutcome")
    TicketCounter.objects.update_or_create(
        tenant=tenant, defaults={"last_number": 1000 + n_tickets}
    )
    step = time.perf_counter()
    if rollups == "rebuild":
        cells = rollups_rebuild(tenant=tenant)
    else:
        cells = rollups_by_sql(tenant=tenant)
    log(f"rollups ({rollups}): {cells:,} cells in {time.perf_counter() - step:.0f} s")
    with connection.cursor() as cursor:
        # Autovacuum would do this in production; right after bulk loading it has not yet.
        for table in ("tickets_ticket", "tickets_slaoutcome", "tickets_slarollup"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("VACUUM ANALYZE tickets_ticketevent")
        seconds = time.perf_counter() - started
        cursor.execute(
            f"INSERT INTO {MARKER} VALUES (%s, %s, %s, %s, now()) ON CONFLICT (slug) DO UPDATE "  # noqa: S608
            "SET tickets = excluded.tickets, open = excluded.open, seconds = excluded.seconds, "
            "seeded_at = excluded.seeded_at",
            [SLUG, n_tickets, n_open, seconds],
        )
    log(f"seeding took {seconds:.0f} s")
    return tenant


def _remove(tenant: Tenant) -> None:
    """The tenant and everything of it; the big tables first in plain SQL."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER} WHERE slug = %s", [tenant.slug])  # noqa: S608
        for model in (
            SlaRollup,
            SlaOutcome,
            EscalationEvent,
            TicketEvent,
            Message,
            Attachment,
            Ticket,
        ):
            cursor.execute(
                f"DELETE FROM {quote(model._meta.db_table)} WHERE tenant_id = %s",  # noqa: S608
                [tenant.pk],
            )
    tenant.delete()


@transaction.atomic
def _world(n_tickets: int, n_open: int) -> Tenant:
    """The tenant, its plans, catalogue, people and escalation levels; fills ``_WORLD``."""
    tenant = Tenant.objects.create(
        slug=SLUG,
        name="Reports Desk",
        portal_title="Reports Desk Support",
        ticket_prefix="REP",
        time_zone="America/Los_Angeles",
        support_email=f"support@{SLUG}.example",
        require_2fa_for_staff=False,
    )
    Domain.objects.create(tenant=tenant, domain=HOST, is_primary=True)
    # Invoca's calendars, matrices and catalogue: the seeders pick their data by slug.
    tenant.slug = "invoca"
    seed_tenant_sla(tenant)
    seed_catalogue(tenant)
    tenant.slug = SLUG
    plans = list(SupportPlan.objects.for_tenant(tenant).order_by("position"))
    assert len(plans) == 4, plans
    password = make_password(PASSWORD)
    orgs = Organization.objects.bulk_create(
        Organization(
            tenant=tenant,
            name=f"Customer {i:02d}",
            slug=f"customer-{i:02d}",
            plan=plans[i % len(plans)],
        )
        for i in range(ORGS)
    )
    people = User.objects.bulk_create(
        User(
            email=f"c{i:02d}-{j}@{SLUG}.example",
            full_name=f"Customer {i:02d}-{j}",
            tenant=tenant,
            organization=org,
            role=Role.ORG_ADMIN if j == 0 else Role.CUSTOMER,
            password=password,
        )
        for i, org in enumerate(orgs)
        for j in range(PEOPLE_PER_ORG)
    )
    staff = User.objects.bulk_create(
        [
            User(
                email=MANAGER,
                full_name="Manager",
                tenant=tenant,
                role=Role.MANAGER,
                password=password,
            )
        ]
        + [
            User(
                email=f"e{i}@{SLUG}.example",
                full_name=f"Engineer {i:02d}",
                tenant=tenant,
                role=Role.ENGINEER,
                tier=("L1", "L2", "L3")[i % 3],
                password=password,
            )
            for i in range(1, ENGINEERS + 1)
        ]
    )
    matrix = EscalationMatrix.objects.create(tenant=tenant)
    levels = [
        EscalationLevel.objects.create(tenant=tenant, matrix=matrix, rank=rank, name=name)
        for rank, name in ((1, "L1 Support"), (2, "L2 Support"), (3, "Support managers"))
    ]
    types = list(TicketType.objects.for_tenant(tenant))
    leaves = [t for t in types if t.parent_id is not None] or types
    books = plan_books_for_tenant(tenant=tenant)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(max(id), 0) FROM tickets_ticket")
        first_id = cursor.fetchone()[0] + 1
    _WORLD.update(
        tenant_id=tenant.pk,
        now=timezone.now().astimezone(UTC),
        n_tickets=n_tickets,
        n_open=n_open,
        first_id=first_id,
        books={plan.pk: books.get(plan.pk) for plan in plans},
        orgs=[(org.pk, org.plan_id) for org in orgs],
        # Some organizations open far more tickets than others.
        org_weights=[1 / (i + 1) ** 0.6 for i in range(ORGS)],
        people={org.pk: [p.pk for p in people if p.organization_id == org.pk] for org in orgs},
        engineers=[u.pk for u in staff if u.role == Role.ENGINEER],
        engineer_weights=[1 + (i % 5) for i in range(ENGINEERS)],
        types=[(t.pk, t.parent_id or t.pk) for t in leaves],
        levels=[(level.pk, level.name) for level in levels[:2]],
        text_html=render_markdown(TEXT),
    )
    return tenant


# --------------------------------------------------------------------------------------------
# Rows, generated in the worker processes
# --------------------------------------------------------------------------------------------


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def _line(values) -> str:
    return "\t".join(_copy_value(v) for v in values) + "\n"


def _open_chunk(start: int, size: int) -> list[bool]:
    """Which tickets of the chunk are open: every ``n/open``-th one, evenly spread."""
    n, n_open = _WORLD["n_tickets"], _WORLD["n_open"]
    return [(i * n_open) // n != ((i + 1) * n_open) // n for i in range(start, start + size)]


def _used(rng: random.Random, seconds: int, met_share: float) -> int:
    """Clock time a target took: within it ``met_share`` of the time, else beyond it."""
    if rng.random() < met_share:
        return max(60, int(seconds * rng.uniform(0.05, 0.98)))
    return int(seconds * rng.uniform(1.03, 2.5))


def _chunk(start: int) -> tuple[str, str, str, dict]:
    world = _WORLD
    # Target labels are not stored: skip looking their words up in a catalogue.
    translation.deactivate_all()
    size = min(CHUNK, world["n_tickets"] - start)
    rng = random.Random(start)
    now = world["now"]
    tenant_id = world["tenant_id"]
    opens = _open_chunk(start, size)
    tickets, outcomes, events = [], [], []
    counts = {"tickets": 0, "open": 0, "outcomes": 0, "escalations": 0, "events": 0}
    priorities = [p for p, _ in PRIORITIES]
    weights = [w for _, w in PRIORITIES]
    for offset in range(size):
        i = start + offset
        is_open = opens[offset]
        ticket_id = world["first_id"] + i
        number = 1001 + i
        org_id, plan_id = rng.choices(world["orgs"], world["org_weights"])[0]
        book = world["books"][plan_id]
        requester = rng.choice(world["people"][org_id])
        type_id, request_type_id = rng.choice(world["types"])
        priority = rng.choices(priorities, weights)[0]
        if is_open:
            age = min(rng.expovariate(1 / OPEN_MEAN_AGE_DAYS), DAYS - 1) * 86400
            created = now - timedelta(seconds=max(age, 300))
        else:
            created = now - timedelta(seconds=rng.uniform(3 * 86400, DAYS * 86400))
        created = created.replace(microsecond=0)
        fr_rule = book.rule(priority, "first_response")
        res_rule = book.rule(priority, "resolution")
        fr_seconds = target_seconds(book, priority, "first_response")
        first_response = clock.due_at(
            fr_rule.calendar, created, _used(rng, fr_seconds, FIRST_RESPONSE_MET)
        )
        hold = None
        resolved = closed = None
        if is_open:
            status = rng.choices(
                (Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD), (0.2, 0.55, 0.25)
            )[0]
            if status == Status.NEW or first_response >= now:
                status, first_response = Status.NEW, None
            elif status == Status.ON_HOLD:
                hold_start = first_response + timedelta(minutes=rng.randint(10, 600))
                hold = (min(hold_start, now - timedelta(minutes=1)), None)
            pauses = (hold,) if hold else ()
        else:
            if rng.random() < HOLD_SHARE:
                hold_start = first_response + timedelta(minutes=rng.randint(10, 1440))
                hold = (hold_start, hold_start + timedelta(minutes=rng.randint(120, 7200)))
            if res_rule is not None:
                res_seconds = target_seconds(book, priority, "resolution")
                resolved = clock.due_at(
                    res_rule.calendar,
                    created,
                    _used(rng, res_seconds, RESOLUTION_MET),
                    (hold,) if hold else (),
                )
                if hold and hold[0] >= resolved:
                    hold = None
            else:
                after = hold[1] if hold else first_response
                resolved = after + timedelta(minutes=rng.randint(60, 14400))
            resolved = max(resolved, first_response + timedelta(minutes=5))
            if resolved >= now:
                # Not resolved yet after all (a few recent tickets): still being worked on.
                is_open, status, resolved, hold, pauses = True, Status.IN_PROGRESS, None, None, ()
                if first_response >= now:
                    status, first_response = Status.NEW, None
            else:
                closed = resolved + timedelta(days=14)
                status = Status.CLOSED if closed < now else Status.RESOLVED
                closed = closed if status == Status.CLOSED else None
                pauses = ((hold,) if hold else ()) + ((resolved, None),)
        facts = TicketClockFacts(
            opened_at=created,
            priority=priority,
            first_response_at=first_response,
            pauses=pauses,
            resolved_at=resolved,
        )
        if status == Status.NEW or is_open and rng.random() < 0.2:
            assignee = None
        else:
            assignee = rng.choices(world["engineers"], world["engineer_weights"])[0]
        level = None
        if priority in ("P1", "P2") and rng.random() < ESCALATED_SHARE:
            level_id, level_name = rng.choice(world["levels"])
            level = level_id
            horizon = resolved or now
            at = created + (horizon - created) * rng.uniform(0.2, 0.9)
            events.append(
                _line(
                    (
                        tenant_id,
                        ticket_id,
                        None,
                        "escalated",
                        json.dumps({"level": level_name, "reason": "SLA rule", "by": "rule"}),
                        True,
                        at,
                    )
                )
            )
            counts["escalations"] += 1
        if is_open and status != Status.NEW:
            for at, old, new in (
                (min(created + timedelta(minutes=5), now), Status.NEW, Status.IN_PROGRESS),
                *(((hold[0], Status.IN_PROGRESS, Status.ON_HOLD),) if hold else ()),
            ):
                data = {"from": str(old), "to": str(new), "reason": ""}
                events.append(
                    _line((tenant_id, ticket_id, assignee, "status", json.dumps(data), False, at))
                )
                counts["events"] += 1
        outcome = evaluate(book, facts, now, explain=False)
        for metric in METRICS:
            state = outcome[metric]
            if state.state == NONE or state.target is None:
                continue
            measures = measure(book, facts, now, metric)
            met_at = state.ended_at if state.state == "met" else None
            breached_at = state.ended_at if state.state == "breached" else None
            outcomes.append(
                _line(
                    (
                        tenant_id,
                        ticket_id,
                        metric,
                        state.state,
                        plan_id,
                        priority,
                        state.target.clock,
                        state.target.amount,
                        state.target.unit,
                        target_seconds(book, priority, metric),
                        False,
                        org_id,
                        request_type_id,
                        assignee,
                        level,
                        created,
                        state.due_at,
                        measures.risk_at if state.state == "running" else None,
                        met_at,
                        breached_at,
                        met_at or breached_at,
                        measures.stopped_at,
                        measures.business_seconds,
                        measures.paused_seconds,
                        now,
                    )
                )
            )
            counts["outcomes"] += 1
        columns = sla_columns(
            ticket=SimpleNamespace(first_response_at=first_response, status=status),
            outcome=outcome,
        )
        updated = closed or resolved or (hold[0] if hold else first_response) or created
        tickets.append(
            _line(
                (
                    ticket_id,
                    tenant_id,
                    number,
                    f"Ticket {number}: service failing",
                    TEXT,
                    world["text_html"],
                    RENDERER_VERSION,
                    f"service-{rng.randint(1, 400)}",
                    "",
                    "",
                    priority,
                    status,
                    "portal",
                    created,
                    updated,
                    created,
                    first_response,
                    resolved,
                    closed,
                    0 if first_response is None else 2,
                    columns["first_response_due_at"],
                    columns["first_response_state"],
                    columns["first_response_ended_at"],
                    columns["resolution_due_at"],
                    columns["resolution_state"],
                    columns["resolution_ended_at"],
                    columns["sla_due_at"],
                    assignee,
                    org_id,
                    requester,
                    type_id,
                    None,
                    1,
                    level,
                )
            )
        )
        counts["tickets"] += 1
        counts["open"] += is_open
    return "".join(tickets), "".join(outcomes), "".join(events), counts


def _copy_rows(n_tickets: int, workers: int) -> None:
    connection.ensure_connection()
    raw = connection.connection
    starts = range(0, n_tickets, CHUNK)
    totals = {"tickets": 0, "open": 0, "outcomes": 0, "escalations": 0, "events": 0}
    started = time.perf_counter()
    context = multiprocessing.get_context("fork")
    # The workers must not share this process's database connection.
    connection.close()
    with context.Pool(workers) as pool:
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor:
            # The rows reference only what this seeding just created: skip the foreign-key
            # triggers while loading (a superuser's session setting; PostgreSQL's own
            # pg_restore does the same with --disable-triggers).
            cursor.execute("SET session_replication_role = replica")
            copying = 0.0
            for tickets, outcomes, events, counts in pool.imap(_chunk, starts):
                copy_started = time.perf_counter()
                with cursor.copy(
                    f"COPY tickets_ticket ({', '.join(TICKET_COLUMNS)}) FROM STDIN"  # noqa: S608
                ) as copy:
                    copy.write(tickets)
                with cursor.copy(
                    f"COPY tickets_slaoutcome ({', '.join(OUTCOME_COLUMNS)}) FROM STDIN"  # noqa: S608
                ) as copy:
                    copy.write(outcomes)
                if events:
                    with cursor.copy(
                        f"COPY tickets_ticketevent ({', '.join(EVENT_COLUMNS)}) FROM STDIN"  # noqa: S608
                    ) as copy:
                        copy.write(events)
                raw.commit()
                copying += time.perf_counter() - copy_started
                for name, value in counts.items():
                    totals[name] += value
                if totals["tickets"] % 100_000 < CHUNK or totals["tickets"] == n_tickets:
                    log(
                        f"  {totals['tickets']:,} / {n_tickets:,} tickets, "
                        f"{totals['outcomes']:,} outcomes "
                        f"({time.perf_counter() - started:.0f} s, {copying:.0f} s of COPY)"
                    )
            cursor.execute("SET session_replication_role = DEFAULT")
    log(
        f"written: {totals['tickets']:,} tickets ({totals['open']:,} open), "
        f"{totals['outcomes']:,} outcome rows, {totals['escalations']:,} escalations, "
        f"{totals['events']:,} status changes"
    )


# --------------------------------------------------------------------------------------------
# Rollups in SQL, and their check against RollupDelta
# --------------------------------------------------------------------------------------------


def _rollup_select(dimension: str, column: str | None, zone: str) -> tuple[str, list]:
    """One dimension's cells, counted as ``RollupDelta.add`` counts them: decided outcomes
    by local day of decision, metric, plan (0: none), priority and key (0: none); the
    bucket is ``bisect_left(BUCKET_BOUNDS, seconds)``, which for whole seconds is
    ``width_bucket(seconds - 1, bounds)``."""
    key = "0" if column is None else f"COALESCE({column}, 0)"
    buckets = ", ".join(
        f"count(*) FILTER (WHERE bucket = {index})" for index in range(len(BUCKET_COLUMNS))
    )
    sql = f"""
        SELECT tenant_id, %s, (decided_at AT TIME ZONE %s)::date, metric,
               COALESCE(plan_id, 0), priority, {key},
               count(*), count(*) FILTER (WHERE state = 'met'), count(business_seconds),
               COALESCE(sum(business_seconds), 0), COALESCE(sum(paused_seconds), 0),
               count(*) FILTER (WHERE measured_on_earlier_terms), {buckets}
        FROM (
            SELECT *, CASE WHEN business_seconds IS NULL THEN NULL ELSE
                   width_bucket(GREATEST(business_seconds, 0) - 1, %s::int[]) END AS bucket
            FROM tickets_slaoutcome
            WHERE tenant_id = %s AND decided_at IS NOT NULL
        ) AS decided
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    """  # noqa: S608
    return sql, [dimension, zone, list(BUCKET_BOUNDS)]


@transaction.atomic
def rollups_by_sql(*, tenant) -> int:
    """Every rollup of ``tenant`` recounted from its outcome rows in the database; returns
    the cells written."""
    zone = tenant.time_zone or "UTC"
    columns = ", ".join(
        ("tenant_id", "dimension", "day", "metric", "plan_key", "priority", "key")
        + COUNT_COLUMNS
        + BUCKET_COLUMNS
    )
    SlaRollup.objects.for_tenant(tenant).delete()
    cells = 0
    with connection.cursor() as cursor:
        for dimension, column in DIMENSION_KEYS:
            select, params = _rollup_select(str(dimension), column, zone)
            cursor.execute(
                f"INSERT INTO tickets_slarollup ({columns}) {select}",  # noqa: S608
                [*params, tenant.pk],
            )
            cells += cursor.rowcount
    return cells


def rollups_check(*, tenant, days: int = 12, seed: int = 7) -> tuple[int, int]:
    """Compare the stored cells of ``days`` random local days with what ``RollupDelta``
    counts from the outcome rows decided on them; returns (days, cells) checked and raises
    AssertionError on the first difference."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tenant.time_zone or "UTC")
    all_days = sorted(
        SlaRollup.objects.for_tenant(tenant)
        .filter(dimension="all")
        .values_list("day", flat=True)
        .distinct()
    )
    picked = sorted(random.Random(seed).sample(all_days, min(days, len(all_days))))
    checked = 0
    columns = COUNT_COLUMNS + BUCKET_COLUMNS
    for day in picked:
        start = datetime.combine(day, datetime.min.time(), zone)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)
        delta = RollupDelta()
        for row in SlaOutcome.objects.for_tenant(tenant).filter(
            decided_at__gte=start, decided_at__lt=end
        ):
            delta.add(row, zone, +1)
        expected = {
            cell: tuple(values.get(name, 0) for name in columns)
            for cell, values in delta.cells.items()
        }
        stored = {
            (r[0], r[1], r[2], r[3], r[4], r[5]): tuple(r[6:])
            for r in SlaRollup.objects.for_tenant(tenant)
            .filter(day=day)
            .values_list("dimension", "day", "metric", "plan_key", "priority", "key", *columns)
        }
        assert stored == expected, (day, set(stored) ^ set(expected))
        checked += len(stored)
    return len(picked), checked
