"""CSV files of the SLA report, streamed: a year of ticket-level rows is never held in
memory, and the rows are read from the replica when there is one."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from sla.explanations import format_duration
from sla.targets import TargetSpec, format_target

from .formatting import METRIC_LABELS, bound, duration
from .selectors import GROUP_LABELS, NONE_LABELS, SlaReport

CHUNK = 2000
# A cell a spreadsheet would read as a formula (or a command, in older ones).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like that hands back what csv.writer writes, for one row at a time."""

    def write(self, value: str) -> str:
        return value


def safe(value):
    """``value`` as a spreadsheet shows it without evaluating it: text starting with a
    formula character gets a leading apostrophe (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(
    *, filename: str, header: list[str], rows: Iterable[list]
) -> StreamingHttpResponse:
    """A streamed CSV attachment. ``rows`` is iterated while the response is sent, in the
    language of the request (the streaming outlives the view)."""
    language = translation.get_language()
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        with translation.override(language):
            # A byte-order mark: spreadsheets then read the accents of UTF-8 right.
            yield "\ufeff" + writer.writerow([safe(cell) for cell in header])
            for row in rows:
                yield writer.writerow([safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def period_slug(period) -> str:
    return f"{period.first_day.isoformat()}_{period.last_day.isoformat()}"


def _seconds(value: int | None) -> int | str:
    return "" if value is None else value


def report_header(filters) -> list[str]:
    return [
        str(GROUP_LABELS[filters.group]),
        gettext("Key"),
        gettext("Metric"),
        gettext("Targets"),
        gettext("Met"),
        gettext("Breached"),
        gettext("Compliance (percent)"),
        gettext("Median time used (seconds, bucket bound)"),
        gettext("Median time used"),
        gettext("90th percentile (seconds, bucket bound)"),
        gettext("90th percentile"),
        gettext("Mean time paused (seconds)"),
        gettext("Mean time paused"),
        gettext("Escalations fired"),
        gettext("Measured on earlier terms"),
    ]


def _figures_cells(figures) -> list:
    compliance = figures.compliance
    median, p90 = figures.median, figures.p90
    return [
        figures.targets,
        figures.met,
        figures.breached,
        "" if compliance is None else round(compliance, 1),
        _seconds(median[0]),
        bound(median),
        _seconds(p90[0]),
        bound(p90),
        _seconds(figures.mean_paused_seconds),
        duration(figures.mean_paused_seconds),
    ]


def report_rows(report: SlaReport) -> Iterator[list]:
    """One line per group key and metric, then the totals per metric (key "total")."""
    filters = report.filters
    group = filters.group
    for row in report.rows:
        metrics = (row.key,) if group == "metric" else filters.metrics
        for metric in metrics:
            figures = row.figures[metric]
            yield [
                str(row.label),
                row.key if row.key is not None else "",
                str(METRIC_LABELS[metric]),
                *_figures_cells(figures),
                row.escalations,
                figures.earlier_terms,
            ]
    for metric in filters.metrics:
        figures = report.totals[metric]
        yield [
            pgettext("report row", "Total"),
            "",
            str(METRIC_LABELS[metric]),
            *_figures_cells(figures),
            report.escalations,
            figures.earlier_terms,
        ]


TICKET_COLUMNS = (
    "ticket__number",
    "ticket__title",
    "organization__name",
    "plan__name",
    "priority",
    "metric",
    "target_clock",
    "target_amount",
    "target_unit",
    "due_at",
    "met_at",
    "breached_at",
    "business_seconds",
    "paused_seconds",
    "state",
    "measured_on_earlier_terms",
)


def tickets_header() -> list[str]:
    return [
        gettext("Ticket"),
        gettext("Title"),
        gettext("Organization"),
        gettext("Support plan"),
        gettext("Priority"),
        gettext("Metric"),
        gettext("Target"),
        gettext("Due"),
        gettext("Met at"),
        gettext("Breached at"),
        gettext("Business time used (seconds)"),
        gettext("Business time used"),
        gettext("Time paused (seconds)"),
        gettext("State"),
        gettext("Measured on earlier terms"),
    ]


def tickets_rows(rows, *, prefix: str, zone: ZoneInfo) -> Iterator[list]:
    """Ticket-level rows from ``rows`` (an outcome queryset, already bound to its
    database), read in chunks as the file is sent."""
    states = {"met": gettext("Met"), "breached": gettext("Breached")}
    yes, no = gettext("yes"), gettext("no")
    no_plan = str(NONE_LABELS["plan"])

    def local(moment):
        return moment.astimezone(zone).isoformat(timespec="minutes") if moment else ""

    for (
        number, title, organization, plan, priority, metric, clock, amount, unit,
        due_at, met_at, breached_at, business, paused, state, earlier,
    ) in rows.values_list(*TICKET_COLUMNS).iterator(chunk_size=CHUNK):  # fmt: skip
        yield [
            f"{prefix}-{number}",
            title,
            organization,
            plan or no_plan,
            priority,
            str(METRIC_LABELS.get(metric, metric)),
            format_target(TargetSpec(clock, amount, unit)),
            local(due_at),
            local(met_at),
            local(breached_at),
            _seconds(business),
            "" if business is None else format_duration(business),
            paused,
            states.get(state, state),
            yes if earlier else no,
        ]
