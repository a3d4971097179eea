"""The escalation benchmark's matrix, people and past: what a desk that has run its matrix
for a year looks like before the measured check."""

import time

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Q

from accounts.models import Role, User
from escalation import matrix
from escalation.demo import RES, seed_tenant_escalation
from escalation.models import (
    EscalationEvent,
    EscalationLevel,
    EscalationMatrix,
    EscalationRule,
    Threshold,
)
from escalation.selectors import MatrixContext, fired_keys
from escalation.services.notify import level_audience
from escalation.services.run import rule_event
from sla.engine import METRIC_LABELS
from sla.selectors import plan_books_for_tenant
from tickets.models import OPEN_STATUSES, Ticket, TicketEvent
from tickets.services.ladder import escalation_level_apply
from tickets.services.sla import evaluate_many
from tickets.services.tickets import priority_apply

from .tickets_seed import PASSWORD, log

STAFF = [
    *((f"senior{i}", f"Senior engineer {i}", Role.ENGINEER, "L2", "") for i in range(1, 5)),
    *((f"expert{i}", f"Expert {i}", Role.ENGINEER, "L3", "") for i in range(1, 3)),
    *((f"manager{i}", f"Support manager {i}", Role.MANAGER, "", "") for i in (1, 2)),
    ("head", "Head of support", Role.TENANT_ADMIN, "", "America/New_York"),
]


def ensure_matrix(tenant) -> EscalationMatrix:
    """IVCISA's demo matrix and on-call rota (four levels: L1 and L2 engineers, the
    managers, the head of support with the account managers' list), staffed with senior
    engineers, experts, managers and a head of support in another time zone, plus one rule
    a tenant admin might add: a P3 still open eight business hours after its resolution
    breach goes to the managers' queue as a P2."""
    password = make_password(PASSWORD)
    for handle, name, role, tier, zone in STAFF:
        User.objects.get_or_create(
            email=f"{handle}@{tenant.slug}.example",
            defaults={
                "full_name": name,
                "tenant": tenant,
                "role": role,
                "tier": tier,
                "time_zone": zone,
                "password": password,
            },
        )
    # The seeder picks its data by slug, as the SLA seeder does for the tickets' tenant.
    slug, tenant.slug = tenant.slug, "ivcisa"
    try:
        seed_tenant_escalation(tenant)
    finally:
        tenant.slug = slug
    desk = EscalationMatrix.objects.for_tenant(tenant).get()
    EscalationRule.objects.get_or_create(
        tenant=tenant,
        matrix=desk,
        priority="P3",
        metric=RES,
        threshold=Threshold.AFTER_DUE,
        amount=480,
        level=EscalationLevel.objects.for_tenant(tenant).get(rank=3),
        defaults={"reassign": True, "raise_priority_to": "P2", "business_hours_only": True},
    )
    return desk


def catch_up(tenant, *, now, batch_size: int = 2000) -> int:
    """Record as history the escalations open tickets have already had by ``now``: the
    events at the instants they fired, the levels reached, hand-overs and raised
    priorities, without emails (sent long ago). Returns how many rules it recorded."""
    started = time.perf_counter()
    context = MatrixContext(tenant)
    books = plan_books_for_tenant(tenant=tenant)
    levels = {level.pk: level for level in EscalationLevel.objects.for_tenant(tenant)}
    cache = {}
    addresses = {
        pk: level_audience(tenant=tenant, level=level, cache=cache).addresses
        for pk, level in levels.items()
    }
    candidates = Ticket.objects.for_tenant(tenant).filter(
        Q(escalation_check_at__isnull=True) | Q(escalation_check_at__lte=now),
        status__in=OPEN_STATUSES,
    )
    last_pk, recorded = 0, 0
    while True:
        batch = list(
            candidates.filter(pk__gt=last_pk)
            .select_related("organization", "assignee", "escalation_level")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            break
        last_pk = batch[-1].pk
        fired = fired_keys(tenant=tenant, tickets=batch)
        events, timeline, changed = [], [], {}
        pending = batch
        while pending:
            evaluated = evaluate_many(tenant=tenant, tickets=pending, books=books, now=now)
            pending = []
            for item in evaluated.values():
                ticket = item.ticket
                for entry in matrix.due(context.plan(item, fired[ticket.pk], now), now):
                    fired[ticket.pk].add(entry.rule.key)
                    raised = _record(item, entry, levels, addresses, events, timeline)
                    changed[ticket.pk] = ticket
                    if raised:
                        pending.append(ticket)  # planned again with its new targets
                        break
        with transaction.atomic():
            EscalationEvent.objects.bulk_create(events, batch_size=5000)
            TicketEvent.objects.bulk_create(timeline, batch_size=5000)
            _write(changed.values())
        recorded += len(events)
    log(f"recorded {recorded:,} past escalations in {time.perf_counter() - started:.1f} s")
    return recorded


def _record(item, entry, levels, addresses, events, timeline) -> bool:
    """One past firing; returns whether it raised the ticket's priority."""
    ticket, rule, at = item.ticket, entry.rule, entry.at
    level = levels.get(rule.level_id)
    status = item.outcome.get(rule.metric)
    label = METRIC_LABELS[rule.metric]
    state = "breached" if rule.at_or_after_breach else "at risk"
    reason = f"{label} target {state} ({rule.label})."
    recipients = list(addresses.get(rule.level_id, []))
    if rule.notify_assignee and ticket.assignee is not None:
        recipients.append(ticket.assignee.email)
    events.append(
        rule_event(
            ticket=ticket,
            rule=rule,
            level=level,
            reason=reason,
            status=status,
            planned_at=at,
            recipients=recipients,
            created_at=at,
        )
    )

    if level is not None:
        timeline += escalation_level_apply(
            ticket=ticket,
            level=level,
            actor=None,
            reason=reason,
            by="rule",
            hand_over=rule.reassign,
            now=at,
        )
    raised = priority_apply(
        ticket=ticket,
        actor=None,
        priority=rule.raise_priority_to,
        reason=reason,
        raise_only=True,
        now=at,
    )
    if raised is not None:
        timeline.append(raised)
        return True
    return False


def _write(tickets) -> None:
    fields = [Ticket._meta.get_field(f) for f in ("escalation_level", "assignee", "priority")]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(Ticket._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
    rows = [[getattr(t, field.attname) for field in fields] + [t.pk] for t in tickets]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
