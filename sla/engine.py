"""Evaluate a ticket's SLA clocks: pure data in, statuses out (no ORM, no settings).

The tickets app gathers a ticket's facts (:class:`TicketClockFacts`), loads its plan's targets
once with :func:`sla.selectors.plan_book_for` and calls :func:`evaluate`. The rules:

1. Business time runs inside the calendar's open hours; the 24/7 clock counts real time.
2. N business days = N × the calendar's business-day length.
3. Due = the earliest instant the target's time has run; a target ending exactly at closing
   time is due at closing time.
4. First response runs from opening to the first public reply by staff and never pauses.
   (A ticket resolved without any public reply stops it at the resolution.)
5. Resolution runs from opening, stands still while the ticket is On hold or Resolved, stops
   when it is Resolved and runs again if it is reopened.
6. A priority change recomputes from the original opening time; an outcome already met or
   breached (``previous``) is kept.
7. The plan is the one passed in (the organization's plan at the time of computing).
8. No plan, or N/A: state "none", no due time, never breaches.

What people read (labels, the explanation, durations, dates) comes out in the active language
through :mod:`sla.words`, which asks Django only when a word is wanted: this module still
imports, and computes, without Django (English then).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from . import clock
from .clock import Calendar
from .explanations import explanation_lines, format_duration, format_local
from .states import (
    AT_RISK_FRACTION,
    BREACHED,
    FINAL_STATES,
    FIRST_RESPONSE,
    MET,
    METRIC_LABELS,
    METRICS,
    NO_TARGET_LABEL,
    NONE,
    PAUSED,
    RESOLUTION,
    RUNNING,
)
from .targets import ALWAYS, TargetSpec, format_target
from .usage import (
    MaintenanceWindow,
    MetricMeasures,
    clock_reaches,
    measure,
    metric_pauses,
    normalise_pauses,
)
from .words import gettext

__all__ = [
    "MetricStatus",
    "PlanBook",
    "TargetRule",
    "TicketClockFacts",
    "MaintenanceWindow",
    "MetricMeasures",
    "clock_reaches",
    "due_times",
    "evaluate",
    "measure",
    "metric_label",
    "target_seconds",
    "AT_RISK_FRACTION",
    "BREACHED",
    "FINAL_STATES",
    "FIRST_RESPONSE",
    "MET",
    "METRIC_LABELS",
    "METRICS",
    "NO_TARGET_LABEL",
    "NONE",
    "PAUSED",
    "RESOLUTION",
    "RUNNING",
    "format_duration",
    "format_local",
]


def metric_label(metric: str) -> str:
    """ "First response" / "Resolution" in the active language."""
    return gettext(METRIC_LABELS[metric])


@dataclass(frozen=True)
class TicketClockFacts:
    opened_at: datetime
    priority: str  # "P1".."P4"
    first_response_at: datetime | None  # first public reply by staff; None if none yet
    # Resolution clock stopped: On hold or Resolved periods, end None = ongoing.
    pauses: tuple[tuple[datetime, datetime | None], ...] = ()
    resolved_at: datetime | None = None  # set while the ticket is Resolved/Closed
    # Declared maintenance of the ticket's component (or linked to it): pauses both clocks
    # of the targets that pause during maintenance.
    maintenance: tuple[MaintenanceWindow, ...] = ()


@dataclass(frozen=True)
class MetricStatus:
    metric: str  # "first_response" | "resolution"
    target_label: str  # "2 business hours", "1 hour (24/7)", "No target"
    due_at: datetime | None
    state: str  # "running" | "paused" | "met" | "breached" | "none"
    ended_at: datetime | None  # met at / breached at
    elapsed_fraction: float | None  # at `now`, for at-risk colouring (>= 0.75 at risk)
    # Business seconds left at `now` (negative = overdue, in real time once breached).
    remaining_seconds: int | None
    explanation: tuple[str, ...]  # human lines for a "how was this computed" disclosure
    clock: str = ""  # "business" | "24x7" | "" (no target)
    # The target itself, so its label can be written in each reader's language (an email
    # rendered for several recipients); ``target_label`` is in the language of the evaluation.
    target: TargetSpec | None = None

    @property
    def at_risk(self) -> bool:
        return (
            self.state == RUNNING
            and self.elapsed_fraction is not None
            and self.elapsed_fraction >= AT_RISK_FRACTION
        )

    @property
    def is_business_clock(self) -> bool:
        return self.clock not in (ALWAYS, "")

    @property
    def metric_label(self) -> str:
        return metric_label(self.metric)

    @property
    def target_text(self) -> str:
        """The target in the active language ("4 business hours", "4 horas hábiles")."""
        if self.target is None:
            return self.target_label if self.clock else gettext(NO_TARGET_LABEL)
        return format_target(self.target)


@dataclass(frozen=True)
class TargetRule:
    """One cell of a plan's matrix with the clock it runs on, ready to compute."""

    priority: str
    metric: str
    spec: TargetSpec
    calendar: Calendar
    calendar_name: str = ""
    # Contract term: the clock stands still during declared maintenance of the component.
    pause_during_maintenance: bool = False


@dataclass(frozen=True)
class PlanBook:
    """A plan's targets with their calendars, as plain data. Missing cells are N/A."""

    plan_id: int | None
    plan_name: str
    rules: tuple[TargetRule, ...] = ()
    # The plan's business calendar (None without one): when its people are at work.
    calendar: Calendar | None = None
    _index: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        for rule in self.rules:
            self._index[(rule.priority, rule.metric)] = rule

    def rule(self, priority: str, metric: str) -> TargetRule | None:
        return self._index.get((priority, metric))


def _seconds_of(rule: TargetRule) -> int:
    return rule.spec.seconds(rule.calendar)


def due_times(
    book: PlanBook | None,
    *,
    priority: str,
    opened_at: datetime,
    pauses: Iterable[tuple[datetime, datetime | None]] = (),
) -> dict[str, datetime | None]:
    """Due times (UTC) of both metrics for a ticket opened at ``opened_at``; pauses apply to
    resolution only. None for N/A, no plan, or a resolution clock held by an open pause."""
    pauses = tuple(pauses)
    result: dict[str, datetime | None] = {}
    for metric in METRICS:
        rule = book.rule(priority, metric) if book else None
        if rule is None:
            result[metric] = None
            continue
        result[metric] = clock.due_at(
            rule.calendar,
            opened_at,
            _seconds_of(rule),
            pauses if metric == RESOLUTION else (),
        )
    return result


def target_seconds(book: PlanBook | None, priority: str, metric: str) -> int | None:
    """The length of ``metric``'s target for ``priority`` in its clock's seconds (None: N/A)."""
    rule = book.rule(priority, metric) if book is not None else None
    return None if rule is None else _seconds_of(rule)


def evaluate(
    book: PlanBook | None,
    facts: TicketClockFacts,
    now: datetime,
    previous: Mapping[str, tuple] | None = None,
    *,
    explain: bool = True,
) -> dict[str, MetricStatus]:
    """Both metrics' status at ``now``. ``previous`` maps a metric to the (state, ended_at)
    or (state, ended_at, due_at) stored before this computation; a met or breached outcome
    there is kept (rule 6), with the due time it was measured against when given.
    ``explain=False`` skips the human explanation, for bulk recomputation."""
    previous = previous or {}
    return {
        metric: _evaluate_metric(book, facts, now, metric, previous.get(metric), explain)
        for metric in METRICS
    }


def _evaluate_metric(book, facts, now, metric, previous, explain) -> MetricStatus:
    rule = book.rule(facts.priority, metric) if book is not None else None
    if rule is None:
        lines = ()
        if explain:
            if book is None:
                lines = (gettext("The organization has no support plan, so no target applies."),)
            elif metric == FIRST_RESPONSE:
                lines = (
                    gettext(
                        "%(plan)s has no first response target for %(priority)s (N/A): no due "
                        "time, never breached."
                    )
                    % {"plan": book.plan_name, "priority": facts.priority},
                )
            else:
                lines = (
                    gettext(
                        "%(plan)s has no resolution target for %(priority)s (N/A): no due "
                        "time, never breached."
                    )
                    % {"plan": book.plan_name, "priority": facts.priority},
                )
        return MetricStatus(metric, gettext(NO_TARGET_LABEL), None, NONE, None, None, None, lines)

    calendar = rule.calendar
    amount = _seconds_of(rule) * clock.US
    opened = clock.to_us(facts.opened_at)
    now_us = clock.to_us(now)

    if metric == FIRST_RESPONSE:
        stop_at = facts.first_response_at
        if stop_at is None:
            stop_at = facts.resolved_at
    else:
        stop_at = facts.resolved_at
    stop = None if stop_at is None else clock.to_us(stop_at)
    horizon = now_us if stop is None else stop
    pauses = normalise_pauses(metric_pauses(rule, facts, metric), opened, horizon, stop is not None)

    due = clock.due_us(calendar, opened, amount, pauses)
    ongoing_pause = pauses[-1][0] if pauses and pauses[-1][1] is None else None

    kept = previous is not None and previous[0] in FINAL_STATES
    if kept:
        state, ended = previous[0], None if previous[1] is None else clock.to_us(previous[1])
        # The outcome keeps the due time it was measured against (a third element, when
        # stored), so a kept breach never sits beside a due time still to come.
        if len(previous) > 2 and previous[2] is not None:
            due = clock.to_us(previous[2])
        if ended is None:
            ended = due if state == BREACHED else stop
    elif stop is not None:
        if due is not None and stop <= due:
            state, ended = MET, stop
        else:
            state, ended = BREACHED, due
    elif due is not None and now_us > due:
        state, ended = BREACHED, due
    elif due is None:
        state, ended = PAUSED, None
    else:
        state, ended = RUNNING, None

    if state == MET:
        measured_to = ended if ended is not None else now_us
    elif state == PAUSED:
        measured_to = ongoing_pause
    else:
        measured_to = now_us
    elapsed = clock.elapsed_us(calendar, opened, measured_to, pauses)
    fraction = elapsed / amount if amount else 1.0
    if state == BREACHED and ended is not None:
        remaining = -((now_us - ended) // clock.US) if now_us > ended else 0
        fraction = max(fraction, 1.0)
    else:
        remaining = (amount - elapsed) // clock.US

    due_at = None if due is None else clock.from_us(due)
    ended_at = None if ended is None else clock.from_us(ended)
    lines = ()
    if explain:
        lines = explanation_lines(
            book=book,
            rule=rule,
            facts=facts,
            metric=metric,
            pauses=_own_pauses(rule, facts, metric, opened, horizon, stop is not None, pauses),
            due=due_at,
            state=state,
            ended=ended_at,
            kept=kept,
            maintenance=_windows_seen(rule, facts, horizon),
            horizon=clock.from_us(horizon),
            stopped_by_resolution=metric == FIRST_RESPONSE
            and facts.first_response_at is None
            and facts.resolved_at is not None,
        )
    return MetricStatus(
        metric=metric,
        target_label=format_target(rule.spec),
        due_at=due_at,
        state=state,
        ended_at=ended_at,
        elapsed_fraction=fraction,
        remaining_seconds=int(remaining),
        explanation=lines,
        clock=rule.spec.clock,
        target=rule.spec,
    )


def _windows_seen(rule, facts, horizon) -> tuple[MaintenanceWindow, ...]:
    """The maintenance windows that paused this rule's clock by ``horizon``."""
    if not rule.pause_during_maintenance:
        return ()
    return tuple(w for w in facts.maintenance if clock.to_us(w.start) <= horizon)


def _own_pauses(rule, facts, metric, opened, horizon, stopped, pauses):
    """The ticket's own pauses (On hold, Resolved), for the line that counts them apart
    from the maintenance windows."""
    if not (rule.pause_during_maintenance and facts.maintenance):
        return pauses
    own = () if metric == FIRST_RESPONSE else facts.pauses
    return normalise_pauses(own, opened, horizon, stopped)
