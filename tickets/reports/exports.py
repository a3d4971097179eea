"""CSV files of the SLA report, streamed: a year of ticket-level rows is never held in
memory, and the rows are read from the replica when there is one."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connections, transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from accounts.models import Organization
from sla.explanations import format_duration
from sla.models import SupportPlan
from sla.targets import TargetSpec, format_target

from .formatting import METRIC_LABELS, bound, duration
from .selectors import GROUP_LABELS, NONE_LABELS, SlaReport

# Rows fetched per round trip to the database, and rows per piece of the response: a piece
# per row costs more in the web server than writing the row does.
CHUNK = 5000
LINES_PER_PIECE = 500
# A cell a spreadsheet would read as a formula (or a command, in older ones).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """``value`` as a spreadsheet shows it without evaluating it: text starting with a
    formula character gets a leading apostrophe (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(header: list[str], rows: Iterable[list], *, escaped: bool = False) -> Iterator[str]:
    """The CSV text of ``header``, then of ``rows`` in pieces of a few hundred lines; it
    starts with a byte-order mark (spreadsheets then read the accents of UTF-8 right). Cells are
    escaped with :func:`safe` unless the rows say they already are (``escaped``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([safe(cell) for cell in header])
    # The header goes first on its own: the download starts while the rows are read.
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    if not escaped:
        rows = ([safe(cell) for cell in row] for row in rows)
    write = writer.writerow
    count = 0
    for row in rows:
        write(row)
        count += 1
        if count == LINES_PER_PIECE:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            count = 0
    if count:
        yield buffer.getvalue()


def csv_response(
    *, filename: str, header: list[str], rows: Iterable[list], escaped: bool = False
) -> StreamingHttpResponse:
    """A streamed CSV attachment. ``rows`` is iterated while the response is sent, in the
    language of the request (the streaming outlives the view)."""
    language = translation.get_language()

    def lines() -> Iterator[str]:
        with translation.override(language):
            yield from csv_lines(header, rows, escaped=escaped)

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


def _ticket_columns() -> tuple:
    # The times come as text: the database's ISO 8601 text is read in C by fromisoformat, the
    # driver's datetime loader in Python (a third of a year's export went there).
    as_text = [Cast(name, CharField()) for name in ("due_at", "met_at", "breached_at")]
    return (
        "ticket__number",
        "ticket__title",
        "organization_id",
        "plan_id",
        "priority",
        "metric",
        "target_clock",
        "target_amount",
        "target_unit",
        *as_text,
        "business_seconds",
        "paused_seconds",
        "state",
        "measured_on_earlier_terms",
    )


# Readable durations kept at most (one per number of minutes), so that a year's file does not
# grow a cache as large as itself.
DURATIONS_KEPT = 20_000
HOURS_KEPT = 10_000


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


def _names(queryset, field: str) -> dict[int, str]:
    """pk → name, escaped once for the spreadsheet (a few dozen rows per tenant)."""
    return {pk: safe(name) for pk, name in queryset.values_list("pk", field).order_by()}


def _local_time(text: str, zone: ZoneInfo) -> str:
    """A UTC time as the database writes it ("2026-02-09 18:00:00+00"; SQLite without the
    offset) → ISO 8601 to the minute in ``zone``: "2026-02-09T10:00-08:00"."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).isoformat(timespec="minutes")


def _local_times(zone: ZoneInfo):
    """:func:`_local_time` for ``zone``, working out each UTC hour's local hour and offset
    once (converting every time on its own was a fifth of a year's export). An hour with a
    change of offset in it, or a zone whose offset is not whole hours, takes the long way."""
    hours: dict[str, tuple[str, str] | None] = {}

    def hour_of(key: str) -> tuple[str, str] | None:
        start = datetime.fromisoformat(key + ":00").replace(tzinfo=UTC)
        first, last = start.astimezone(zone), (start + timedelta(minutes=59)).astimezone(zone)
        offset = first.utcoffset()
        if offset != last.utcoffset() or offset % timedelta(hours=1):
            return None
        return first.strftime("%Y-%m-%dT%H"), first.isoformat(timespec="minutes")[16:]

    def local(text) -> str:
        if not text:
            return ""
        # Only UTC text: "…+00" from PostgreSQL, no offset from SQLite (19 or 26 characters).
        if text.endswith("+00") or len(text) in (19, 26):
            key = text[:13]
            try:
                hour = hours[key]
            except KeyError:
                if len(hours) >= HOURS_KEPT:
                    hours.clear()
                hour = hours[key] = hour_of(key)
            if hour is not None:
                return hour[0] + text[13:16] + hour[1]
        return _local_time(text, zone)

    return local


def _streamed(queryset, database: str) -> Iterator[tuple]:
    """The rows of ``queryset`` fetched ``CHUNK`` at a time, the first ones as soon as the
    database has them.

    Outside a transaction, PostgreSQL's server-side cursor has to be holdable, and a
    holdable cursor runs the whole query and stores its result before the first row
    comes back, and copies it. Inside one, they come straight from the query. The
    transaction only reads, and lasts as long as the download.
    """
    with transaction.atomic(using=database):
        if connections[database].vendor == "postgresql":
            # The file reads every row: plan for the whole result, not for its first tenth
            # as cursors do by default. For a year, walking the decision index and fetching
            # each ticket by key took 14 s in the database; one merge join and a sort, 4 s.
            with connections[database].cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
        yield from queryset.iterator(chunk_size=CHUNK)


def tickets_rows(rows, *, tenant, zone: ZoneInfo) -> Iterator[list]:
    """Ticket-level rows from ``rows`` (an outcome queryset, already bound to its
    database), read in chunks as the file is sent, in the tenant's zone (ISO 8601 with
    the offset, which spreadsheets and scripts both read).

    Every text cell is escaped here (the file's cells need no second pass). Labels that
    repeat on every row (targets, durations, organization and plan names) are worked out
    once each: a year is hundreds of thousands of rows.
    """
    database = rows.db
    organizations = _names(Organization.objects.using(database).for_tenant(tenant), "name")
    plans = _names(SupportPlan.objects.using(database).for_tenant(tenant), "name")
    no_plan = safe(str(NONE_LABELS["plan"]))
    metrics = {key: str(label) for key, label in METRIC_LABELS.items()}
    states = {"met": gettext("Met"), "breached": gettext("Breached")}
    yes, no = gettext("yes"), gettext("no")
    prefix = safe(f"{tenant.ticket_prefix}-")
    targets: dict[tuple, str] = {}
    durations: dict[int, str] = {}

    def target(clock, amount, unit) -> str:
        key = (clock, amount, unit)
        label = targets.get(key)
        if label is None:
            label = targets[key] = format_target(TargetSpec(clock, amount, unit))
        return label

    def used(seconds) -> str:
        if seconds is None:
            return ""
        # From a minute on, the label reads whole minutes (hours, days) only.
        key = seconds // 60 if seconds >= 60 else -1 - seconds
        label = durations.get(key)
        if label is None:
            if len(durations) >= DURATIONS_KEPT:
                durations.clear()
            label = durations[key] = format_duration(seconds)
        return label

    local = _local_times(zone)

    for (
        number, title, organization, plan, priority, metric, clock, amount, unit,
        due_at, met_at, breached_at, business, paused, state, earlier,
    ) in _streamed(rows.values_list(*_ticket_columns()), database):  # fmt: skip
        yield [
            f"{prefix}{number}",
            "'" + title if title.startswith(FORMULA_STARTS) else title,
            organizations.get(organization, ""),
            plans.get(plan, no_plan),
            priority,
            metrics.get(metric, metric),
            target(clock, amount, unit),
            local(due_at),
            local(met_at),
            local(breached_at),
            "" if business is None else business,
            used(business),
            paused,
            states.get(state, state),
            yes if earlier else no,
        ]
