"""Reads for escalation. Every query starts from the tenant."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from accounts.models import STAFF_ROLES, Role, User
from helpdesk.db import CompiledQuery
from helpdesk.tenant_data import tenant_data
from tickets.models import Ticket
from tickets.selectors.lists import catalogue
from tickets.selectors.tickets import people_by_id
from tickets.services.sla import Evaluated, ticket_sla_evaluated

from . import matrix
from .matrix import Planned, RuleSpec, next_escalation
from .models import (
    Audience,
    EscalationEvent,
    EscalationLevel,
    EscalationMatrix,
    EscalationRule,
    OnCallShift,
)


def matrix_rules(*, tenant) -> tuple[RuleSpec, ...]:
    """The tenant's active rules as plain data (none while its matrix is off): two queries,
    then none while the matrix is unchanged (``helpdesk.tenant_data``; their labels are
    kept per language)."""
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    return tenant_data(
        tenant_id, f"escalation-rules:{get_language()}", lambda: _matrix_rules_load(tenant_id)
    )


def _matrix_rules_load(tenant_id: int) -> tuple[RuleSpec, ...]:
    tenant = tenant_id
    rows = list(
        EscalationRule.objects.for_tenant(tenant)
        .filter(is_active=True, matrix__is_active=True)
        .select_related("level")
        .order_by("pk")
    )
    if not rows:
        return ()
    level_types = defaultdict(set)
    through = EscalationLevel.ticket_types.through
    for level_id, type_id in through.objects.filter(
        escalationlevel__tenant_id=tenant if isinstance(tenant, int) else tenant.pk,
        escalationlevel_id__in={r.level_id for r in rows if r.level_id},
    ).values_list("escalationlevel_id", "tickettype_id"):
        level_types[level_id].add(type_id)
    return tuple(
        RuleSpec(
            pk=row.pk,
            metric=row.metric,
            threshold=row.threshold,
            amount=row.amount,
            priority=row.priority,
            level_id=row.level_id,
            level_rank=row.level.rank if row.level_id else 0,
            level_name=row.level.name if row.level_id else "",
            level_types=frozenset(level_types.get(row.level_id, ())),
            notify_assignee=row.notify_assignee,
            reassign=row.reassign,
            raise_priority_to=row.raise_priority_to,
            business_hours_only=row.business_hours_only,
            label=row.describe(),
        )
        for row in rows
    )


def type_lineage(*, tenant) -> dict[int, tuple[int, ...]]:
    """Each request type's id with its parent's: a level narrowed to a top-level entry
    covers its sub-categories. ``tenant``: a tenant or its id; read from the tenant's kept
    catalogue, so no query while it is unchanged."""
    return {
        pk: (pk, entry.parent_id) if entry.parent_id else (pk,)
        for pk, entry in catalogue(tenant=tenant).by_id.items()
    }


class MatrixContext:
    """The tenant's rules and type lineage, loaded once per request or batch."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.rules = matrix_rules(tenant=tenant)
        self.lineage = type_lineage(tenant=tenant) if self.rules else {}

    def plan(self, item: Evaluated, fired, now) -> list[Planned]:
        ticket = item.ticket
        if not self.rules or not ticket.is_open:
            return []
        return matrix.plan(
            item.book,
            item.facts,
            self.rules,
            type_ids=self.lineage.get(ticket.ticket_type_id, (ticket.ticket_type_id,)),
            fired=fired,
            now=now,
        )


def fired_keys(*, tenant, tickets) -> dict[int, set[str]]:
    """The keys already fired in each ticket's current cycle: one query."""
    tickets = list(tickets)
    cycles = {t.pk: t.escalation_cycle for t in tickets}
    keys = defaultdict(set)
    rows = (
        EscalationEvent.objects.for_tenant(tenant)
        .filter(ticket_id__in=list(cycles))
        .values_list("ticket_id", "cycle", "key")
    )
    for ticket_id, cycle, key in rows:
        if cycles.get(ticket_id) == cycle:
            keys[ticket_id].add(key)
    return keys


def levels_for_tenant(*, tenant):
    return EscalationLevel.objects.for_tenant(tenant).order_by("rank", "name")


def levels_for_ticket(*, tenant, ticket: Ticket) -> list[EscalationLevel]:
    """Levels that handle ``ticket``'s request type (or every type), lowest first; from
    the tenant's ladder kept in memory (``helpdesk.tenant_data``): shared rows, never
    mutate them."""
    type_ids = {ticket.ticket_type_id}
    if ticket.ticket_type.parent_id:
        type_ids.add(ticket.ticket_type.parent_id)
    return [
        level
        for level, handled in _ladder(tenant)
        if not handled or not handled.isdisjoint(type_ids)
    ]


def _ladder(tenant) -> tuple[tuple[EscalationLevel, frozenset[int]], ...]:
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    return tenant_data(tenant_id, "escalation-ladder", lambda: _ladder_load(tenant_id))


def _ladder_load(tenant_id: int) -> tuple[tuple[EscalationLevel, frozenset[int]], ...]:
    levels = list(levels_for_tenant(tenant=tenant_id))
    handled = defaultdict(set)
    for level_id, type_id in EscalationLevel.ticket_types.through.objects.filter(
        escalationlevel__tenant_id=tenant_id
    ).values_list("escalationlevel_id", "tickettype_id"):
        handled[level_id].add(type_id)
    return tuple((level, frozenset(handled.get(level.pk, ()))) for level in levels)


def user_levels(*, tenant, user: User) -> QuerySet[EscalationLevel]:
    """The levels ``user`` belongs to, unevaluated: queues use it as a subquery."""
    if not user.is_agent or user.tenant_id != tenant.pk:
        return EscalationLevel.objects.none()
    groups = Q(audience=Audience.STAFF) | Q(users=user)
    if user.is_manager:
        groups |= Q(audience=Audience.MANAGERS)
    if user.role == Role.ENGINEER:
        groups |= Q(audience=Audience.ENGINEERS, tier="") | Q(
            audience=Audience.ENGINEERS, tier=user.tier or "-"
        )
    return levels_for_tenant(tenant=tenant).filter(groups)


def level_recipients(*, tenant, level: EscalationLevel) -> list[User]:
    """The active staff a level notifies (its group and its named people)."""
    people = Q(pk__in=level.users.values("pk"))
    if level.audience == Audience.STAFF:
        people |= Q(role__in=STAFF_ROLES)
    elif level.audience == Audience.MANAGERS:
        people |= Q(role__in=(Role.MANAGER, Role.TENANT_ADMIN))
    elif level.audience == Audience.ENGINEERS:
        people |= Q(role=Role.ENGINEER, **({"tier": level.tier} if level.tier else {}))
    return list(User.objects.for_tenant(tenant).filter(people, is_active=True).order_by("email"))


def split_addresses(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]


def on_call_now(*, tenant, at: datetime) -> list[User]:
    """The people whose on-call shift covers ``at``."""
    return [
        shift.user
        for shift in OnCallShift.objects.for_tenant(tenant)
        .filter(starts_at__lte=at, ends_at__gt=at, user__is_active=True)
        .select_related("user")
        .order_by("starts_at")
    ]


def matrix_for(*, tenant) -> EscalationMatrix | None:
    return EscalationMatrix.objects.for_tenant(tenant).first()


# Compiled once per process: the ticket page reads it on every view.
_TICKET_ESCALATIONS = CompiledQuery(
    lambda tenant, ticket: (
        EscalationEvent.objects.for_tenant(tenant)
        .filter(ticket_id=ticket)
        .order_by("created_at", "pk")
    ),
    "tenant",
    "ticket",
)


def ticket_escalations(*, tenant, ticket: Ticket) -> list[EscalationEvent]:
    """The ticket's escalation history, oldest first, each with the person who acted (the
    rule that fired is named on the row itself: ``key``, ``level_name``, ``reason``)."""
    history = _TICKET_ESCALATIONS(tenant=tenant.pk, ticket=ticket.pk)
    people = people_by_id(ticket=ticket, ids=[event.actor_id for event in history])
    for event in history:
        event.actor = people.get(event.actor_id)
    return history


@dataclass(frozen=True)
class EscalationPanel:
    level: EscalationLevel | None
    history: list[EscalationEvent]
    next_planned: Planned | None
    levels: list[EscalationLevel]
    next_level: EscalationLevel | None
    lower_levels: list[EscalationLevel]
    # The level the ticket stands at: its escalation level, else the ladder's first rung.
    standing: EscalationLevel | None = None


def due_tickets(*, now: datetime) -> QuerySet[Ticket]:
    """Tickets of every tenant with a rule due, earliest first: a range scan of a partial
    index, in its order. The beat check's only query across tenants; each ticket is then
    processed within its own tenant."""
    return Ticket.objects.filter(escalation_check_at__lte=now).order_by("escalation_check_at")


@dataclass(frozen=True)
class Ladder:
    """Where a ticket stands on the levels that handle it, and where it can go.

    A ticket that is not escalated stands on the first rung (the lowest level handling it:
    the people who work it already), so escalating it goes above that, never to the
    engineer's own level; an escalated one stands at its level.
    """

    levels: list[EscalationLevel]
    standing: EscalationLevel | None
    up: list[EscalationLevel]  # above the standing, lowest first; none once resolved
    down: list[EscalationLevel]  # below the escalation level, nearest first

    @property
    def standing_rank(self) -> int:
        return self.standing.rank if self.standing is not None else 0


def ticket_ladder(*, tenant, ticket: Ticket) -> Ladder:
    levels = levels_for_ticket(tenant=tenant, ticket=ticket)
    current = ticket.escalation_level if ticket.escalation_level_id else None
    standing = current or (levels[0] if levels else None)
    rank = standing.rank if standing is not None else 0
    up = [level for level in levels if level.rank > rank] if ticket.is_open else []
    current_rank = current.rank if current is not None else 0
    down = [level for level in reversed(levels) if level.rank < current_rank]
    return Ladder(levels=levels, standing=standing, up=up, down=down)


def ticket_escalation_levels(
    *, tenant, ticket: Ticket
) -> tuple[list[EscalationLevel], list[EscalationLevel]]:
    """The levels ``ticket`` can go up to (above where it stands, lowest first; none once
    it is resolved) and down to (below it, nearest first), among those handling its type."""
    ladder = ticket_ladder(tenant=tenant, ticket=ticket)
    return ladder.up, ladder.down


def ticket_escalation_panel(
    *, tenant, ticket: Ticket, actor: User, now, evaluated=None
) -> EscalationPanel:
    """What the ticket page shows staff about escalation: the level, the history, the next
    escalation a rule has planned, and the levels ``actor`` may move the ticket to.

    ``evaluated`` is the ticket's SLA evaluation when the caller has one at hand (the
    ticket page computes it for its SLA panel); the plan is the one the every-minute
    check follows, so "L3 at 16:00" is when the check will fire.
    """
    ladder = ticket_ladder(tenant=tenant, ticket=ticket) if actor.is_agent else None
    up, down = (ladder.up, ladder.down) if ladder is not None else ([], [])
    history = ticket_escalations(tenant=tenant, ticket=ticket)
    next_planned = None
    if ticket.is_open:
        context = MatrixContext(tenant)
        if context.rules:
            if evaluated is None:
                evaluated = ticket_sla_evaluated(ticket=ticket, now=now, explain=False)
            # What ``fired_keys`` reads, from the history already at hand.
            fired = {e.key for e in history if e.cycle == ticket.escalation_cycle}
            next_planned = next_escalation(
                context.plan(evaluated, fired, now),
                now,
                above_rank=ladder.standing_rank if ladder is not None else 0,
            )
    return EscalationPanel(
        level=ticket.escalation_level,
        history=history,
        next_planned=next_planned,
        levels=up,
        next_level=up[0] if up else None,
        lower_levels=down if actor.is_manager else [],
        standing=ladder.standing if ladder is not None else None,
    )
