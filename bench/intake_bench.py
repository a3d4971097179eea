"""Email intake at volume: an inbox of N stored messages processed by one worker process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \
        .venv/bin/python bench/intake_bench.py --messages 10000

Seeds one tenant (IVCISA's catalogue and SLA plans, 60 organizations) with open tickets,
the emails we sent about them (Message-IDs and threads, as the ticket notifications store
them) and N stored messages: new tickets from known customers, replies by signed reply
address, replies by In-Reply-To, automatic replies, bounces of our emails and unknown
senders, a share of them with a file. Then processes every message in one process, as one
worker does, and prints messages per second and queries per message for each kind. The
emails processing queues stay in the outbox: delivering them is another worker's job.
"""

import argparse
import random
import statistics
import sys
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._django import setup  # noqa: E402

setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

import helpdesk.services  # noqa: E402
from accounts.models import Role, Tenant, User  # noqa: E402
from bench.sla_bench import table  # noqa: E402
from bench.tickets_seed import _people, _remove, log  # noqa: E402
from helpdesk.models import OutboxEmail  # noqa: E402
from helpdesk.priorities import Priority  # noqa: E402
from tickets.intake.process import inbound_process  # noqa: E402
from tickets.models import (  # noqa: E402
    Attachment,
    InboundEmail,
    Mailbox,
    Message,
    Ticket,
    TicketParticipant,
    TicketType,
    message_digest,
)
from tickets.reply_address import REPLY_MARKER, reply_address  # noqa: E402
from tickets.services import ticket_create  # noqa: E402

SLUG = "intakebench"
SUPPORT = f"support@{SLUG}.example"
MIX = (
    ("new ticket", 0.30),
    ("reply by address", 0.25),
    ("reply by In-Reply-To", 0.20),
    ("automatic reply", 0.15),
    ("bounce", 0.05),
    ("unknown sender", 0.05),
)
WITH_FILE = 0.2
TICKETS = 400


def prepare_database() -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        log("Applying migrations…")
        call_command("migrate", verbosity=0)


def _email(*, sender, to, subject, body, rng, in_reply_to=None, headers=None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain="mail.bench.example")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if rng.random() < WITH_FILE:
        message.add_attachment(
            b"ERROR tunnel reset\n" * 200, maintype="text", subtype="plain", filename="trace.log"
        )
    return message.as_bytes()


def _quoted(text: str) -> str:
    return (
        f"{text}\n\nOn Tue, 1 Dec 2026 at 10:02, Support <{SUPPORT}> wrote:\n"
        f"> {REPLY_MARKER}\n> Please send the logs.\n"
    )


def _bounce(sent: OutboxEmail) -> bytes:
    report = EmailMessage()
    report["From"] = "MAILER-DAEMON@mx.bench.example"
    report["To"] = SUPPORT
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = make_msgid(domain="mx.bench.example")
    report.set_content("The mail system could not deliver your message.")
    report.make_mixed()
    report.set_type("multipart/report")
    status = EmailMessage()
    status.set_type("message/delivery-status")
    block = EmailMessage()
    block["Final-Recipient"] = f"rfc822; {sent.to[0]}"
    block["Action"] = "failed"
    block["Status"] = "5.1.1"
    block["Diagnostic-Code"] = "smtp; 550 5.1.1 user unknown"
    status.set_payload([EmailMessage(), block])
    report.attach(status)
    headers = EmailMessage()
    headers.set_type("text/rfc822-headers")
    headers.set_payload(f"To: {sent.to[0]}\r\nMessage-ID: {sent.message_id}\r\n")
    report.attach(headers)
    return report.as_bytes()


def seed(count: int, rng: random.Random):
    """The tenant, its tickets and the emails we sent about them, and ``count`` stored
    messages; returns (message id, kind) in processing order."""
    old = Tenant.objects.filter(slug=SLUG).first()
    if old:
        log("removing the earlier bench tenant")
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in (Attachment, TicketParticipant, Message, InboundEmail, Mailbox):
                cursor.execute(
                    f"DELETE FROM {quote(model._meta.db_table)} WHERE tenant_id = %s",  # noqa: S608
                    [old.pk],
                )
        _remove(old)
    started = time.perf_counter()
    tenant, customers, engineers = _people(SLUG)
    customers = [c for c in customers if c.role == Role.CUSTOMER]
    ticket_type = TicketType.objects.for_tenant(tenant).filter(is_active=True).first()
    mailbox = Mailbox.objects.create(
        tenant=tenant,
        address=SUPPORT,
        transport=Mailbox.Transport.PUSH,
        default_ticket_type=ticket_type,
        default_priority=Priority.P3,
    )
    base_url = f"http://{SLUG}.localhost/"
    tickets = []
    for number in range(TICKETS):
        requester = rng.choice(customers)
        tickets.append(
            ticket_create(
                actor=requester,
                tenant=tenant,
                title=f"Seeded problem {number}",
                text="Something is wrong.",
                ticket_type=ticket_type,
                priority=rng.choice(Priority.values),
                affected_service="",
                base_url=base_url,
            )
        )
    sent = OutboxEmail.objects.bulk_create(
        OutboxEmail(
            tenant=tenant,
            to=[ticket.requester.email],
            from_email=SUPPORT,
            subject=f"Re: {ticket.reference} {ticket.title}",
            body_text="Please send the logs.",
            message_id=make_msgid(domain=f"{SLUG}.localhost"),
            thread=f"ticket:{ticket.pk}",
            status=OutboxEmail.Status.SENT,
        )
        for ticket in tickets
    )
    by_ticket = {int(email.thread.partition(":")[2]): email for email in sent}
    kinds = [kind for kind, share in MIX for _ in range(round(count * share))][:count]
    rng.shuffle(kinds)
    rows, order = [], []
    now = timezone.now()
    for index, kind in enumerate(kinds):
        ticket = rng.choice(tickets)
        requester = ticket.requester
        if kind == "new ticket":
            sender = rng.choice(customers)
            raw = _email(
                sender=f"{sender.full_name} <{sender.email}>",
                to=SUPPORT,
                subject=f"Problem {index}",
                body="The tunnel drops every 30 minutes.\n\nBest regards,\nA customer",
                rng=rng,
            )
        elif kind == "reply by address":
            to = reply_address(
                mailbox_address=SUPPORT,
                tenant_id=tenant.pk,
                ticket_id=ticket.pk,
                recipient=requester.email,
            )
            raw = _email(
                sender=requester.email,
                to=to,
                subject=f"Re: {ticket.title}",
                body=_quoted(f"Here is more, {index}."),
                rng=rng,
            )
        elif kind == "reply by In-Reply-To":
            raw = _email(
                sender=requester.email,
                to=SUPPORT,
                subject=f"Re: {ticket.title}",
                body=_quoted(f"Still failing, {index}."),
                rng=rng,
                in_reply_to=by_ticket[ticket.pk].message_id,
            )
        elif kind == "automatic reply":
            raw = _email(
                sender=requester.email,
                to=SUPPORT,
                subject=f"Automatic reply: {ticket.title}",
                body="I am out of the office until Monday.",
                rng=rng,
                headers={"Auto-Submitted": "auto-replied"},
            )
        elif kind == "bounce":
            raw = _bounce(by_ticket[ticket.pk])
        else:
            raw = _email(
                sender=f"stranger{index}@nowhere.example",
                to=SUPPORT,
                subject="Can you help?",
                body="Hello, I have a question.",
                rng=rng,
            )
        row = InboundEmail(
            tenant=tenant,
            mailbox=mailbox,
            message_id=f"<bench-{index}@mail.bench.example>",
            size=len(raw),
            source=InboundEmail.Source.PIPE,
            received_at=now,
            next_attempt_at=now,
        )
        row.raw.save(f"{message_digest(raw)}.eml", ContentFile(raw), save=False)
        rows.append(row)
        order.append(kind)
    InboundEmail.objects.bulk_create(rows, batch_size=2000)
    log(f"seeded {len(rows):,} stored messages in {time.perf_counter() - started:.1f} s")
    return [(row.pk, kind) for row, kind in zip(rows, order, strict=True)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    db = connection.settings_dict
    print(f"Database: {connection.vendor} {db.get('NAME')} · Python {sys.version.split()[0]}")
    prepare_database()
    # Delivery is another worker's job: the outbox rows are written, no task is sent.
    helpdesk.services._deliveries_enqueue = lambda ids: None
    inbox = seed(args.messages, rng)

    times: dict[str, list[float]] = {kind: [] for kind, _share in MIX}
    queries: dict[str, list[int]] = {kind: [] for kind, _share in MIX}
    outcomes: dict[str, set] = {kind: set() for kind, _share in MIX}
    connection.force_debug_cursor = True
    started = time.perf_counter()
    for inbound_id, kind in inbox:
        reset_queries()
        begun = time.perf_counter()
        outcome = inbound_process(inbound_id=inbound_id)
        times[kind].append(time.perf_counter() - begun)
        queries[kind].append(len(connection.queries))
        outcomes[kind].add(outcome.split(" ")[0])
    elapsed = time.perf_counter() - started
    connection.force_debug_cursor = False

    rows = []
    for kind, _share in MIX:
        spent = times[kind]
        rows.append(
            (
                kind,
                f"{len(spent):,}",
                f"{len(spent) / sum(spent):,.0f}",
                f"{statistics.median(spent) * 1000:.1f}",
                f"{statistics.quantiles(spent, n=20)[-1] * 1000:.1f}",
                f"{min(queries[kind])}–{max(queries[kind])}",
                ", ".join(sorted(outcomes[kind])),
            )
        )
    total = len(inbox)
    all_queries = [q for kind in queries.values() for q in kind]
    rows.append(
        (
            "all",
            f"{total:,}",
            f"{total / elapsed:,.0f}",
            f"{statistics.median([t for kind in times.values() for t in kind]) * 1000:.1f}",
            "",
            f"{sum(all_queries) / total:.1f} avg",
            "",
        )
    )
    print(f"\nProcessing {total:,} stored messages in one process: {elapsed:.1f} s")
    table(["kind", "messages", "messages/s", "p50 ms", "p95 ms", "queries", "outcomes"], rows)
    states = dict(
        InboundEmail.objects.filter(pk__in=[i for i, _kind in inbox])
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    tenant = Tenant.objects.get(slug=SLUG)
    print(
        "   states: "
        + ", ".join(f"{state} {n:,}" for state, n in sorted(states.items()))
        + f" · tickets now {Ticket.objects.for_tenant(tenant).count():,}"
        + f" · customers {User.objects.for_tenant(tenant).customers().count():,}"
    )


if __name__ == "__main__":
    main()
