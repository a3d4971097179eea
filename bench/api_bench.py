"""The JSON API at volume: seed N tickets in one tenant (bench/tickets_seed.py), then time
the API's requests in process, through every middleware, with a personal access token.

    DATABASE_URL=postgres://root@127.0.0.1:5432/helpdesk_bench \
        .venv/bin/python bench/api_bench.py --tickets 100000

Prints p50/p95 server times and the queries each request costs, on the first page of the
ticket list and deep in it (after following the cursor): the count must not grow.
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._django import setup  # noqa: E402

setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import ApiToken, Role, User  # noqa: E402
from accounts.tokens import api_token_create  # noqa: E402
from bench.tickets_bench import percentile  # noqa: E402
from bench.tickets_seed import HOST, seed  # noqa: E402
from tickets.models import OPEN_STATUSES, Ticket, TicketType  # noqa: E402

UNASSIGNED_P1 = "/api/v1/tickets/?queue=unassigned&priority=P1"


def client_for(user) -> APIClient:
    ApiToken.objects.filter(user=user).delete()
    _, raw = api_token_create(
        user=user, name="bench", can_write=True, expires_at=timezone.now() + timedelta(days=1)
    )
    return APIClient(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {raw}")


def deep_cursor(client, path: str, pages: int) -> str:
    """The URL of page ``pages`` of ``path``, reached by following ``next``."""
    url = path
    for _ in range(pages - 1):
        url = client.get(url).json()["next"]
    return url.split(HOST, 1)[1]


def timed(client, method, path, runs, body_fn=None):
    times = []
    for i in range(runs):
        started = time.perf_counter()
        if method == "get":
            response = client.get(path)
        else:
            response = client.post(path, body_fn(i), format="json")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 201), (path, response.status_code, response.content)
    with CaptureQueriesContext(connection) as queries:
        if method == "get":
            client.get(path)
        else:
            client.post(path, body_fn(runs), format="json")
    return times, len(queries.captured_queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--skip-migrate", action="store_true")
    args = parser.parse_args()
    if not args.skip_migrate:
        call_command("migrate", verbosity=0)
    tenant = seed(args.tickets, args.reseed)
    engineer = client_for(User.objects.get(email="e1@benchdesk.example"))
    customer = client_for(
        User.objects.filter(tenant=tenant, role=Role.ORG_ADMIN).order_by("pk").first()
    )
    ticket = (
        Ticket.objects.for_tenant(tenant).filter(status__in=OPEN_STATUSES).order_by("pk").first()
    )
    type_id = TicketType.objects.for_tenant(tenant).first().pk
    ref = f"/api/v1/tickets/BEN-{ticket.number}"
    deep = deep_cursor(engineer, "/api/v1/tickets/?page_size=25", 40)
    requests = [
        ("engineer: ticket list (SLA due)", engineer, "get", "/api/v1/tickets/", None),
        ("engineer: list, page 40 by cursor", engineer, "get", deep, None),
        ("engineer: list, unassigned P1", engineer, "get", UNASSIGNED_P1, None),
        ("engineer: list, 100 rows", engineer, "get", "/api/v1/tickets/?page_size=100", None),
        ("customer: their tickets", customer, "get", "/api/v1/tickets/", None),
        ("engineer: one ticket", engineer, "get", f"{ref}/", None),
        ("engineer: its messages", engineer, "get", f"{ref}/messages/", None),
        ("engineer: its SLA", engineer, "get", f"{ref}/sla/", None),
        (
            "customer: open a ticket",
            customer,
            "post",
            "/api/v1/tickets/",
            lambda i: {
                "title": f"API bench {i}",
                "text": "From the benchmark.",
                "type": type_id,
                "priority": "P3",
            },
        ),
    ]
    rows = []
    for label, client, method, path, body_fn in requests:
        timed(client, method, path, 3, body_fn)  # warm caches
        times, queries = timed(client, method, path, args.runs, body_fn)
        rows.append((label, statistics.median(times), percentile(times, 0.95), queries))

    db = connection.vendor
    if db == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            db += " " + cursor.fetchone()[0].split()[0]
    total = Ticket.objects.for_tenant(tenant).count()
    open_count = Ticket.objects.for_tenant(tenant).filter(status__in=OPEN_STATUSES).count()
    print(
        f"\nAPI benchmark: {total:,} tickets ({open_count:,} open) in one tenant, "
        f"database {db}, {args.runs} runs each, in process with a token\n"
    )
    print(f"{'request':<36} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    print("-" * 63)
    for label, p50, p95, queries in rows:
        print(f"{label:<36} {p50:>8.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
