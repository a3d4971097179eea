"""Seeding for the tickets benchmarks: one tenant with N tickets (about 8 % open), each with
a few replies and events, written with bulk inserts; reused on later runs."""

import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._django import setup  # noqa: E402

setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
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
