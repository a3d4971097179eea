"""The geometry of the report's charts: bars as plain numbers a template draws as inline SVG.

Pure (no ORM, no templates): a chart is a list of groups of values, one value per series;
every bar's height is proportional to its value against the chart's largest value (or a
fixed top, 100 for percentages), a zero draws no height, and a missing value (a week
without decided targets) draws no bar at all, so "0 % met" and "nothing to measure" never
look alike. The same numbers go to the table beside each chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 240
# Room for the axis labels: left for the values, bottom for the groups' names.
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 36
GAP = 0.25  # share of each group's width left empty between groups


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float
    series: int
    label: str  # what the bar's tooltip and screen readers say


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class GroupLabel:
    x: float  # centre of the group
    text: str
    shown: bool = True  # written under the axis (every n-th one when they would not fit)


@dataclass(frozen=True)
class Group:
    label: str
    values: Sequence[float | None]  # one per series; None: nothing to draw
    titles: Sequence[str] = ()  # one per series: the bar's tooltip (defaults to the value)


@dataclass
class Chart:
    width: int
    height: int
    plot_left: float
    plot_top: float
    plot_bottom: float
    plot_right: float
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[GroupLabel] = field(default_factory=list)

    @property
    def tick_x(self) -> float:
        """Where the value axis's numbers end (right-aligned, left of the plot)."""
        return self.plot_left - 6

    @property
    def label_y(self) -> float:
        """The baseline of the groups' names under the plot."""
        return self.plot_bottom + 18

    @property
    def is_empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def nice_top(value: float) -> float:
    """A round number at or above ``value`` for the top of the axis: 1, 2, 5, 10, 20, 50…"""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def bar_chart(
    groups: Sequence[Group],
    *,
    series: int = 1,
    top: float | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
    ticks: int | None = None,
    tick_format=_number,
    max_labels: int = 14,
) -> Chart:
    """Bars of ``groups`` (each with ``series`` values side by side) on one value axis from 0
    to ``top`` (the largest value rounded up when not given), with ``ticks`` steps."""
    chart = Chart(
        width=width,
        height=height,
        plot_left=LEFT,
        plot_top=TOP,
        plot_bottom=height - BOTTOM,
        plot_right=width - RIGHT,
    )
    values = [v for group in groups for v in group.values if v is not None]
    if top is None:
        top = nice_top(max(values, default=0))
    if ticks is None:
        # Whole steps for counts: 1, 2 or 5 × 10ⁿ splits into its own steps up to 5, else 5.
        ticks = int(top) if top <= 5 and float(top).is_integer() else 5
    plot_height = chart.plot_bottom - chart.plot_top
    for step in range(ticks + 1):
        amount = top * step / ticks
        y = chart.plot_bottom - plot_height * step / ticks
        chart.ticks.append(Tick(y=round(y, 2), text=tick_format(amount)))
    if not groups:
        return chart
    slot = (chart.plot_right - chart.plot_left) / len(groups)
    bar_width = slot * (1 - GAP) / max(series, 1)
    every = max(1, math.ceil(len(groups) / max_labels))
    for index, group in enumerate(groups):
        start = chart.plot_left + slot * index + slot * GAP / 2
        centre = round(start + slot * (1 - GAP) / 2, 2)
        chart.labels.append(GroupLabel(x=centre, text=group.label, shown=index % every == 0))
        for position, value in enumerate(group.values[:series]):
            if value is None:
                continue
            bar_height = plot_height * min(max(value, 0), top) / top
            titles = group.titles
            chart.bars.append(
                Bar(
                    x=round(start + bar_width * position, 2),
                    y=round(chart.plot_bottom - bar_height, 2),
                    width=round(bar_width, 2),
                    height=round(bar_height, 2),
                    value=value,
                    series=position,
                    label=titles[position] if position < len(titles) else _number(value),
                )
            )
    return chart
