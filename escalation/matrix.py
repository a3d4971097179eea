"""When the rules of an escalation matrix fire for one ticket: pure data in, instants out.

No ORM and no settings: the selectors turn the tenant's rules into :class:`RuleSpec` and
the ticket into the SLA engine's facts; everything here is arithmetic on the SLA clock.

A rule names a point of a metric's clock:

* ``percent`` — that share of the target has run (75 % of 4 business hours = 3 business
  hours after opening, pauses excluded);
* ``before_due`` / ``at_due`` / ``after_due`` — the target plus or minus minutes, counted on
  the same clock (business minutes for a business-hours target, real ones on 24/7).

A point the clock has not reached yet fires when it does; a rule that "waits for business
hours" fires at the next opening of the plan's calendar instead (never for P1, which is
covered around the clock). A rule fires once per ticket and SLA cycle: ``fired`` holds the
keys already used in the ticket's current cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from helpdesk.priorities import Priority
from sla import clock
from sla.engine import PlanBook, TicketClockFacts, clock_reaches, target_seconds

PERCENT = "percent"
BEFORE_DUE = "before_due"
AT_DUE = "at_due"
AFTER_DUE = "after_due"


@dataclass(frozen=True)
class RuleSpec:
    pk: int
    metric: str
    threshold: str
    amount: int = 0
    priority: str = ""  # "" = every priority
    level_id: int | None = None
    level_rank: int = 0
    level_name: str = ""
    level_types: frozenset[int] = frozenset()  # empty = every request type
    notify_assignee: bool = False
    reassign: bool = False
    raise_priority_to: str = ""
    business_hours_only: bool = False
    label: str = ""

    @property
    def key(self) -> str:
        return f"rule:{self.pk}"

    def applies_to(self, priority: str, type_ids: Iterable[int]) -> bool:
        if self.priority and self.priority != priority:
            return False
        return not self.level_types or not self.level_types.isdisjoint(type_ids)

    def clock_seconds(self, target: int) -> int:
        """The point of the clock, in the clock's seconds, for a target of ``target``."""
        if self.threshold == PERCENT:
            return target * self.amount // 100
        if self.threshold == BEFORE_DUE:
            return max(target - self.amount * 60, 0)
        if self.threshold == AFTER_DUE:
            return target + self.amount * 60
        return target

    @property
    def at_or_after_breach(self) -> bool:
        return self.threshold in (AT_DUE, AFTER_DUE) or (
            self.threshold == PERCENT and self.amount >= 100
        )


@dataclass(frozen=True)
class Planned:
    rule: RuleSpec
    point: datetime  # where the clock reaches the rule's point
    at: datetime  # when it fires: the point, or the next business opening after it


def plan(
    book: PlanBook | None,
    facts: TicketClockFacts,
    rules: Iterable[RuleSpec],
    *,
    type_ids: Iterable[int],
    fired: Iterable[str],
    now: datetime,
) -> list[Planned]:
    """The rules still to fire for a ticket, each with its instant, earliest first.

    Rules whose clock is stopped (first response given, ticket resolved) or held by a
    pause are left out: they come back when the ticket changes and is planned again.
    So are warnings that would only go out after the breach.
    """
    type_ids = frozenset(type_ids)
    fired = frozenset(fired)
    calendar = book.calendar if book is not None else None
    planned = []
    for rule in rules:
        if rule.key in fired or not rule.applies_to(facts.priority, type_ids):
            continue
        target = target_seconds(book, facts.priority, rule.metric)
        if target is None:
            continue
        point = clock_reaches(book, facts, now, rule.metric, rule.clock_seconds(target))
        if point is None:
            continue
        at = point
        if rule.business_hours_only and facts.priority != Priority.P1 and calendar is not None:
            at = clock.next_open(calendar, point)
        if _moot_warning(rule, at, book, facts, now, target):
            continue
        planned.append(Planned(rule=rule, point=point, at=at))
    planned.sort(key=lambda p: (p.at, p.rule.level_rank, p.rule.pk))
    return planned


def _moot_warning(rule, at, book, facts, now, target) -> bool:
    """An "about to breach" warning that would go out once the target is already breached
    (after a priority raise, or held for business hours past the due time) says nothing
    true: it is left out; the breach rules speak instead."""
    if rule.level_id is not None or rule.at_or_after_breach:
        return False
    breach = clock_reaches(book, facts, now, rule.metric, target)
    return breach is not None and max(at, now) >= breach


def next_check(planned: Iterable[Planned]) -> datetime | None:
    return min((p.at for p in planned), default=None)


def due(planned: Iterable[Planned], now: datetime) -> list[Planned]:
    return [p for p in planned if p.at <= now]


def next_escalation(
    planned: Iterable[Planned], now: datetime, *, above_rank: int = 0
) -> Planned | None:
    """The next rule that escalates to a level above ``above_rank`` (the rank the ticket
    stands at; warnings aside), for "L3 at 16:00": a ticket already above a rule's level
    is never shown as going back down to it."""
    return next(
        (
            p
            for p in planned
            if p.rule.level_id is not None and p.rule.level_rank > above_rank and p.at > now
        ),
        None,
    )


def is_after_hours(book: PlanBook | None, moment: datetime) -> bool:
    """Whether the plan's people are off at ``moment`` (no calendar: never)."""
    calendar = book.calendar if book is not None else None
    if calendar is None or calendar.always_open:
        return False
    return clock.next_open(calendar, moment) > moment


def higher_priority(current: str, proposed: str) -> bool:
    """P1 is the highest; an empty proposal never raises."""
    return bool(proposed) and proposed < current
