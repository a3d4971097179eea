"""What reports count of an SLA clock beside its state, and the pauses a metric's clock
takes: its own (On hold / Resolved for resolution, none for first response) merged with the
declared maintenance windows when the target pauses during maintenance. Pure, like
:mod:`sla.engine`, which re-exports these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import clock
from .states import AT_RISK_FRACTION, FIRST_RESPONSE

__all__ = [
    "MaintenanceWindow",
    "MetricMeasures",
    "clock_reaches",
    "measure",
    "metric_pauses",
    "normalise_pauses",
]


@dataclass(frozen=True)
class MaintenanceWindow:
    """A declared maintenance window as it pauses a clock: from ``start`` to ``end`` (UTC),
    already cut to when it was published and when it really ended."""

    start: datetime
    end: datetime
    title: str = ""


@dataclass(frozen=True)
class MetricMeasures:
    """What reports count of one metric beside its state: the clock time it took, the time
    it stood still, and the instant it reaches 75 % of its target."""

    stopped_at: datetime | None  # first response given / resolved (None: still running)
    business_seconds: int | None  # clock time from opening to the stop, pauses left out
    paused_seconds: int  # clock time spent paused, up to the stop (or ``now``)
    risk_at: datetime | None  # when 75 % of the target has run (None: not running)


def metric_pauses(rule, facts, metric: str) -> tuple[tuple[datetime, datetime | None], ...]:
    """The raw pauses of ``metric``'s clock: the ticket's own ones (resolution only) and,
    for a target that pauses during maintenance, the maintenance windows."""
    own = () if metric == FIRST_RESPONSE else tuple(facts.pauses)
    if not getattr(rule, "pause_during_maintenance", False):
        return own
    windows = tuple((w.start, w.end) for w in getattr(facts, "maintenance", ()))
    return own + windows


def normalise_pauses(raw, opened, horizon, stopped):
    """Pauses that matter up to ``horizon`` (now, or the stop): later ones are dropped, a
    pause still going at the horizon is open-ended unless the clock has stopped. Overlapping
    pauses (a maintenance window while on hold) merge, so no time counts twice."""
    spans = []
    for start, end in raw:
        a = clock.to_us(start)
        # A pause that starts exactly now is under way: the clock stops at this instant.
        if a > horizon:
            continue
        b = None if end is None else clock.to_us(end)
        if b is None or b > horizon:
            b = horizon if stopped else None
        spans.append((a, b))
    return clock.merge_pauses_us(spans, opened)


def clock_reaches(book, facts, now: datetime, metric: str, seconds: int) -> datetime | None:
    """The instant at which ``metric``'s clock will have counted ``seconds`` of its own time
    (business or 24/7), with the ticket's pauses up to ``now``.

    None when the metric has no target, its clock has stopped (first response given,
    ticket resolved), or a pause still going at ``now`` holds it before it gets there. Used
    to place points of the clock other than the due time: "75 % of the target", "30
    minutes before the due time", "2 hours after it".
    """
    rule = book.rule(facts.priority, metric) if book is not None else None
    if rule is None or facts.resolved_at is not None:
        return None
    if metric == FIRST_RESPONSE and facts.first_response_at is not None:
        return None
    opened = clock.to_us(facts.opened_at)
    pauses = normalise_pauses(metric_pauses(rule, facts, metric), opened, clock.to_us(now), False)
    point = clock.due_us(rule.calendar, opened, max(int(seconds), 0) * clock.US, pauses)
    return None if point is None else clock.from_us(point)


def measure(book, facts, now: datetime, metric: str) -> MetricMeasures | None:
    """The measures of ``metric`` on the plan's calendar (None when it has no target).

    Times are on the target's own clock (business hours, or real time for 24/7), so a
    median "time to first response" reads in the same units as the promise; paused time
    includes declared maintenance when the target pauses for it.
    """
    rule = book.rule(facts.priority, metric) if book is not None else None
    if rule is None:
        return None
    calendar = rule.calendar
    opened = clock.to_us(facts.opened_at)
    if metric == FIRST_RESPONSE:
        stop_at = facts.first_response_at or facts.resolved_at
    else:
        stop_at = facts.resolved_at
    stop = None if stop_at is None else max(clock.to_us(stop_at), opened)
    horizon = max(clock.to_us(now), opened) if stop is None else stop
    pauses = normalise_pauses(metric_pauses(rule, facts, metric), opened, horizon, stop is not None)
    used = clock.elapsed_us(calendar, opened, horizon, pauses)
    paused = calendar.between_us(opened, horizon) - used
    risk_at = None
    if stop is None:
        target = rule.spec.seconds(rule.calendar)
        risk_at = clock_reaches(book, facts, now, metric, int(target * AT_RISK_FRACTION))
    return MetricMeasures(
        stopped_at=None if stop is None else clock.from_us(stop),
        business_seconds=None if stop is None else used // clock.US,
        paused_seconds=max(paused, 0) // clock.US,
        risk_at=risk_at,
    )
