"""Seeding for the tickets benchmarks: one tenant with N tickets (a share of them open), each
with a few replies and events, written with bulk inserts; reused on later runs.

Open tickets look like a working desk's: a new one has no staff reply yet, replies and
status changes never lie in the future. Closed tickets can be seeded without their
conversation (``closed_history=False``) when only their volume matters, as for the
escalation check, which reads open tickets only.
"""

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
from escalation.models import EscalationEvent  # noqa: E402
from helpdesk.markdown import RENDERER_VERSION, render_markdown  # noqa: E402
from helpdesk.priorities import Priority  # noqa: E402
from sla.demo import seed_tenant_sla  # noqa: E402
from sla.models import SupportPlan  # noqa: E402
from tickets import events as timeline  # noqa: E402
from tickets.demo import IVCISA_TYPES, seed_catalogue  # noqa: E402
from tickets.models import (  # noqa: E402
    OPEN_STATUSES,
    Attachment,
    Message,
    Status,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketType,
)
from tickets.open_counts import open_counts_compact  # noqa: E402
from tickets.services.sla import tickets_sla_recompute  # noqa: E402

SLUG = "benchdesk"
HOST = f"{SLUG}.localhost"
PASSWORD = "bench-password-2026"  # noqa: S105
ORGS = 60
CUSTOMERS_PER_ORG = 5
ENGINEERS = 12
OPEN_SHARE = 0.08
BATCH = 5000
YEAR_MINUTES = 365 * 24 * 60


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def seed(
    n_tickets: int,
    reseed: bool,
    *,
    slug: str = SLUG,
    open_share: float = OPEN_SHARE,
    open_mean_age_days: float | None = None,
    closed_history: bool = True,
) -> Tenant:
    """The tenant ``slug`` with ``n_tickets`` tickets, ``open_share`` of them open.

    Tickets are opened evenly over the last year; with ``open_mean_age_days`` the open ones
    are younger instead, their ages drawn from an exponential distribution with that mean
    (a desk receiving tickets evenly that keeps 10 % of a year's tickets open holds each
    about 36 days: Little's law).
    """
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant and not reseed and Ticket.objects.for_tenant(tenant).count() >= n_tickets:
        log(f"reusing {n_tickets:,} seeded tickets")
        return tenant
    if tenant:
        log("removing the earlier bench tenant")
        _remove(tenant)
    started = time.perf_counter()
    tenant, customers, engineers = _people(slug)
    people = (customers, engineers)
    types = list(TicketType.objects.for_tenant(tenant))
    assert len(types) == len(IVCISA_TYPES)
    now = timezone.now()
    rng = random.Random(42)
    number = 1000
    open_left = round(n_tickets * open_share)
    for start in range(0, n_tickets, BATCH):
        tickets, events, messages, size = [], [], [], min(BATCH, n_tickets - start)
        for i in range(start, start + size):
            number += 1
            # Selection sampling: exactly ``open_left`` of the remaining tickets are open.
            is_open = rng.random() * (n_tickets - i) < open_left
            open_left -= is_open
            if is_open and open_mean_age_days:
                age = min(rng.expovariate(1 / open_mean_age_days) * 24 * 60, YEAR_MINUTES)
                created = now - timedelta(minutes=max(age, 5))
            else:
                created = now - timedelta(minutes=rng.randint(5, YEAR_MINUTES))
            ticket = _ticket(rng, tenant, number, created, is_open, now, people, types)
            tickets.append(ticket)
            if closed_history or is_open:
                _history(rng, ticket, engineers[1], now, events, messages)
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets, batch_size=BATCH)
            TicketEvent.objects.bulk_create(events, batch_size=BATCH)
            Message.objects.bulk_create(messages, batch_size=BATCH)
        if (start // BATCH) % 20 == 19 or start + size == n_tickets:
            log(f"seeded {start + size:,} / {n_tickets:,} tickets")
    TicketCounter.objects.update_or_create(tenant=tenant, defaults={"last_number": number})
    log(f"seeding took {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    changed = tickets_sla_recompute(tenant=tenant)
    log(f"SLA of {changed:,} open tickets computed in {time.perf_counter() - started:.1f} s")
    # The open-ticket counts, one row per insert so far, folded as the every-minute task does.
    open_counts_compact()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Autovacuum would do this in production; right after bulk loading it has not yet.
            cursor.execute("VACUUM ANALYZE")
    return tenant


def _remove(tenant: Tenant) -> None:
    """The tenant and everything of it; the big tables first in plain SQL, which Django's
    cascade (one object at a time) would take hours over."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in (EscalationEvent, TicketEvent, Message, Attachment, Ticket):
            cursor.execute(
                f"DELETE FROM {quote(model._meta.db_table)} WHERE tenant_id = %s",  # noqa: S608
                [tenant.pk],
            )
    tenant.delete()


def _people(slug: str):
    tenant = Tenant.objects.create(
        slug=slug,
        name="Bench Desk",
        portal_title="Bench Desk Support",
        ticket_prefix="BEN",
        time_zone="America/Bogota",
        support_email=f"support@{slug}.example",
        require_2fa_for_staff=False,
    )
    Domain.objects.create(tenant=tenant, domain=f"{slug}.localhost", is_primary=True)
    plans = [
        SupportPlan.objects.create(tenant=tenant, name=name, slug=name.lower(), position=i)
        for i, name in enumerate(("Essentials", "Business", "Enterprise"))
    ]
    # The bench tenant gets IVCISA's calendar, example SLA matrix and request catalogue:
    # the seeders pick their data by slug, so they see this in-memory tenant as IVCISA's.
    tenant.slug = "ivcisa"
    seed_tenant_sla(tenant)
    seed_catalogue(tenant)
    tenant.slug = slug
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
            email=f"e{i}@{slug}.example",
            full_name=f"Engineer {i}",
            tenant=tenant,
            role=Role.MANAGER if i == 0 else Role.ENGINEER,
            tier="" if i == 0 else "L1",
            password=password,
        )
        for i in range(ENGINEERS)
    )
    return tenant, customers, engineers


def _ticket(rng, tenant, number, created, is_open, now, people, types) -> Ticket:
    customers, engineers = people
    requester = rng.choice(customers)
    status = (
        rng.choice(OPEN_STATUSES)
        if is_open
        else rng.choice((Status.RESOLVED, Status.CLOSED, Status.CLOSED))
    )
    updated = min(now, created + timedelta(hours=rng.randint(1, 200)))
    first_response = created + timedelta(minutes=rng.randint(10, 600))
    if status == Status.NEW or first_response > now:
        first_response = None  # nobody has answered yet
    if status == Status.NEW:
        assignee = None
    else:
        assignee = None if (is_open and rng.random() < 0.3) else rng.choice(engineers)
    text = "Something is wrong.\n\n" + " ".join(rng.choices(WORDS, k=60))
    return Ticket(
        tenant=tenant,
        number=number,
        organization_id=requester.organization_id,
        requester=requester,
        assignee=assignee,
        ticket_type=rng.choice(types),
        title=f"Ticket {number}: {rng.choice(WORDS)} {rng.choice(WORDS)} failing",
        text=text,
        text_html=render_markdown(text),
        markdown_version=RENDERER_VERSION,
        affected_service=f"service-{rng.randint(1, 400)}",
        priority=rng.choice(Priority.values),
        status=status,
        created_at=created,
        updated_at=max(updated, first_response or created),
        last_customer_reply_at=created,
        first_response_at=first_response,
        resolved_at=None if is_open else updated,
        closed_at=None,
        reply_count=0,
    )


def _history(rng, t: Ticket, fallback_engineer, now, events: list, messages: list) -> None:
    """The ticket's creation, its status changes and its replies (never after ``now``):
    an engineer answers at the first response, the customer half an hour later, the
    engineer again half an hour after that."""
    engineer = t.assignee or fallback_engineer
    events.append(
        timeline.created_event(
            ticket=t,
            actor=t.requester,
            priority=t.priority,
            type_name=t.ticket_type.full_name,
            files=[],
            at=t.created_at,
        )
    )
    if t.status == Status.NEW:
        return
    started = min(now, t.created_at + timedelta(minutes=5))
    events.append(
        timeline.status_changed_event(
            ticket=t, actor=engineer, old=Status.NEW, new=Status.IN_PROGRESS, at=started
        )
    )
    if t.first_response_at is not None:
        for k in range(3):
            at = t.first_response_at + timedelta(minutes=k * 30)
            if at > now:
                break
            messages.append(
                Message(
                    tenant_id=t.tenant_id,
                    ticket=t,
                    author=engineer if k % 2 == 0 else t.requester,
                    body=(body := " ".join(rng.choices(WORDS, k=40))),
                    body_html=render_markdown(body),
                    markdown_version=RENDERER_VERSION,
                    is_internal=False,
                    created_at=at,
                )
            )
            t.reply_count += 1
    if t.status != Status.IN_PROGRESS:
        events.append(
            timeline.status_changed_event(
                ticket=t,
                actor=engineer,
                old=Status.IN_PROGRESS,
                new=t.status,
                at=max(started, t.updated_at),
            )
        )


WORDS = [
    "vpn", "tunnel", "dns", "backup", "cluster", "database", "latency", "timeout",
    "certificate", "firewall", "login", "dashboard", "export", "pipeline", "model", "storage",
    "bucket", "instance", "network", "gateway", "api", "queue", "report", "billing", "sso",
    "token", "replica", "index", "memory", "disk", "alert", "scaling", "deploy", "rollback",
]  # fmt: skip
