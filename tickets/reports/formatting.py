"""How the report's figures read, in the active language: durations in words, the median of
a bucketed time as the bucket's bound ("within 4 h", "over 30 d"), percentages."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, pgettext

from sla.explanations import format_duration
from sla.models import Metric

from .charts import Chart, Group, bar_chart
from .selectors import BREACHED, MET, METRIC, Figures, SlaReport


def duration(seconds: int | None) -> str:
    return "—" if seconds is None else format_duration(seconds)


def bound(value: tuple[int | None, bool]) -> str:
    """A percentile of bucketed times, as :meth:`Figures.percentile` gives it."""
    seconds, open_ended = value
    if seconds is None:
        return "—"
    if open_ended:
        return gettext("over %(duration)s") % {"duration": format_duration(seconds)}
    return gettext("within %(duration)s") % {"duration": format_duration(seconds)}


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    # The number in the active language's separators; the sign is not a word to translate.
    return f"{number_format(round(value, 1), 1)}\N{NO-BREAK SPACE}%"


def figures_text(figures: Figures) -> dict[str, str]:
    """The readable columns of one metric's figures."""
    return {
        "compliance": percent(figures.compliance),
        "median": bound(figures.median),
        "p90": bound(figures.p90),
        "paused": duration(figures.mean_paused_seconds),
    }


# First-response ranges for the distribution chart: the upper bound (seconds) of the last
# bucket of each range (each one a bucket bound of sla.measures, so a bucket never straddles
# two ranges); the last range is open-ended.
DISTRIBUTION_RANGES = (15 * 60, 30 * 60, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 3 * 86400)


def distribution_ranges(
    distribution: list[tuple[int | None, int]],
) -> list[tuple[str, int]]:
    """The 32 buckets of a distribution summed into readable ranges: (label, count)."""
    counts = [0] * (len(DISTRIBUTION_RANGES) + 1)
    for upper, count in distribution:
        index = bisect_left(DISTRIBUTION_RANGES, upper) if upper is not None else len(counts) - 1
        counts[index] += count
    labels, low = [], None
    for high in DISTRIBUTION_RANGES:
        if low is None:
            labels.append(gettext("within %(duration)s") % {"duration": format_duration(high)})
        else:
            labels.append(
                pgettext("time range", "%(low)s to %(high)s")
                % {"low": format_duration(low), "high": format_duration(high)}
            )
        low = high
    labels.append(gettext("over %(duration)s") % {"duration": format_duration(low)})
    return list(zip(labels, counts, strict=True))


# --- The page's blocks: figures with the links to the rows behind them -------------------


@dataclass
class MetricLine:
    """One metric's figures of a total or a row, readable, each count linking to its rows."""

    metric: str
    label: str
    figures: Figures
    text: dict[str, str]
    targets_url: str
    met_url: str
    breached_url: str


@dataclass
class BreakdownRow:
    label: str
    lines: list[MetricLine]
    escalations: int


def metric_line(metric: str, figures: Figures, *, rows_url, query: dict) -> MetricLine:
    query = {**query, "metric": metric}
    return MetricLine(
        metric=metric,
        label=METRIC_LABELS[metric],
        figures=figures,
        text=figures_text(figures),
        targets_url=f"{rows_url}?{urlencode(query)}",
        met_url=f"{rows_url}?{urlencode({**query, 'outcome': MET})}",
        breached_url=f"{rows_url}?{urlencode({**query, 'outcome': BREACHED})}",
    )


def row_key_query(group: str, key) -> dict[str, str]:
    """The drill-down parameter naming a row of ``group``."""
    return {group: str(key if key is not None else "")}


def totals_lines(report: SlaReport, *, rows_url, query) -> list[MetricLine]:
    return [
        metric_line(metric, report.totals[metric], rows_url=rows_url, query=query)
        for metric in report.filters.metrics
    ]


def breakdown_rows(report: SlaReport, *, rows_url, query) -> list[BreakdownRow]:
    group = report.filters.group
    result = []
    for row in report.rows:
        row_query = {**query, **row_key_query(group, row.key)}
        metrics = report.filters.metrics
        if group == METRIC:
            metrics = (row.key,)
        lines = [
            metric_line(metric, row.figures[metric], rows_url=rows_url, query=row_query)
            for metric in metrics
        ]
        result.append(BreakdownRow(label=str(row.label), lines=lines, escalations=row.escalations))
    return result


METRIC_LABELS = dict(Metric.choices)


# --- Charts: the geometry of tickets.reports.charts with the words and the same numbers ---


@dataclass
class Cell:
    text: str
    url: str = ""
    title: str = ""


@dataclass
class ChartBlock:
    key: str
    title: str
    description: str
    chart: Chart
    legend: list[tuple[int, str]]  # (series, label)
    headers: list[str]
    rows: list[list[Cell]]


def _count_title(label, count) -> str:
    return gettext("%(label)s: %(count)s") % {"label": label, "count": count}


def compliance_chart(report: SlaReport) -> ChartBlock:
    metrics = report.filters.metrics
    groups, rows = [], []
    for week in report.weeks:
        day = date_format(week.monday, "SHORT_DATE_FORMAT")
        values, titles, cells = [], [], [Cell(day)]
        for metric in metrics:
            figures = week.figures[metric]
            values.append(figures.compliance)
            text = (
                gettext("%(percent)s (%(met)s of %(targets)s)")
                % {"percent": percent(figures.compliance), "met": figures.met,
                   "targets": figures.targets}
                if figures.targets
                else gettext("no targets decided")
            )  # fmt: skip
            titles.append(
                gettext("%(metric)s, week of %(day)s: %(text)s")
                % {"metric": METRIC_LABELS[metric], "day": day, "text": text}
            )
            cells.append(Cell(text))
        groups.append(Group(label=day, values=values, titles=titles))
        rows.append(cells)
    return ChartBlock(
        key="compliance",
        title=gettext("Compliance by week"),
        description=gettext(
            "Targets met as a share of the targets decided each week (Monday to Sunday); a "
            "week without decided targets has no bar."
        ),
        chart=bar_chart(groups, series=len(metrics), top=100, ticks=4, tick_format=_percent_tick),
        legend=list(enumerate(METRIC_LABELS[m] for m in metrics)),
        headers=[gettext("Week of")] + [METRIC_LABELS[m] for m in metrics],
        rows=rows,
    )


def _percent_tick(value: float) -> str:
    return f"{int(value)}\N{NO-BREAK SPACE}%"


def breaches_chart(report: SlaReport) -> ChartBlock:
    metrics = report.filters.metrics
    groups, rows = [], []
    for row in report.breaches_by_priority:
        values = [row.figures[m].breached for m in metrics]
        titles = [
            _count_title(f"{row.key} · {METRIC_LABELS[m]}", value)
            for m, value in zip(metrics, values, strict=True)
        ]
        groups.append(Group(label=str(row.key), values=values, titles=titles))
        rows.append([Cell(str(row.label))] + [Cell(str(v)) for v in values])
    return ChartBlock(
        key="breaches",
        title=gettext("Breaches by priority"),
        description=gettext("Targets breached in the period, per priority and metric."),
        chart=bar_chart(groups, series=len(metrics)),
        legend=list(enumerate(METRIC_LABELS[m] for m in metrics)),
        headers=[gettext("Priority")] + [METRIC_LABELS[m] for m in metrics],
        rows=rows,
    )


def distribution_chart(report: SlaReport) -> ChartBlock:
    ranges = distribution_ranges(report.first_response_distribution)
    groups = [Group(label=label, values=[count], titles=[_count_title(label, count)])
              for label, count in ranges]  # fmt: skip
    return ChartBlock(
        key="first-response",
        title=gettext("Time to first response"),
        description=gettext(
            "First responses measured in the period, by business time taken to send them."
        ),
        chart=bar_chart(groups, max_labels=8),
        legend=[],
        headers=[gettext("Business time"), gettext("First responses")],
        rows=[[Cell(label), Cell(str(count))] for label, count in ranges],
    )


def backlog_chart(report: SlaReport, *, queue_url: str) -> ChartBlock:
    note = gettext(
        "The open queue, oldest first: it has no filter by age, so it lists every open ticket."
    )
    groups, rows = [], []
    for label, count, _low, _high in report.backlog:
        groups.append(Group(label=str(label), values=[count], titles=[_count_title(label, count)]))
        rows.append([Cell(str(label)), Cell(str(count), url=queue_url, title=note)])
    return ChartBlock(
        key="backlog",
        title=gettext("Backlog by age"),
        description=gettext(
            "Open tickets now (new, in progress, on hold), by the time since they were opened."
        ),
        chart=bar_chart(groups, max_labels=8),
        legend=[],
        headers=[gettext("Age"), gettext("Open tickets")],
        rows=rows,
    )


def report_charts(report: SlaReport, *, queue_url: str) -> list[ChartBlock]:
    return [
        compliance_chart(report),
        breaches_chart(report),
        distribution_chart(report),
        backlog_chart(report, queue_url=queue_url),
    ]
