"""The organization admin's monthly SLA statement: the page (printable) and its CSV.

Only an organization admin reads it, and only of their own organization (never one named
in the URL); everyone else gets the 404 of a missing page.
"""

import csv
import io

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.decorators import org_admin_required
from accounts.selectors import organization_for_actor
from helpdesk.db_router import replica_reads

from .periods import month_period
from .statement import (
    MonthError,
    local_today,
    months_offered,
    next_month,
    organization_statement,
    previous_month,
    statement_line,
    statement_lines,
    statement_month,
)

CSV_CHUNK = 2000
CSV_LINES_PER_PIECE = 500
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _month_value(month) -> str:
    return month.strftime("%Y-%m")


def _month_label(month) -> str:
    return date_format(month, get_format("YEAR_MONTH_FORMAT"))


def _chosen_month(request, today):
    """(first day of the month asked for, the error to show or "")."""
    try:
        return statement_month(request.GET.get("month"), today=today), ""
    except MonthError as error:
        message = _("%(problem)s Showing the current month instead.") % {"problem": error}
        return today.replace(day=1), message


@never_cache
@org_admin_required
def sla_statement(request):
    tenant = request.tenant
    organization = organization_for_actor(actor=request.user, tenant=tenant)
    now = timezone.now()
    today = local_today(tenant, now)
    month, error = _chosen_month(request, today)
    statement = organization_statement(
        tenant=tenant, organization=organization, month=month, now=now
    )
    here = reverse("reports:statement")
    earlier = previous_month(month)
    later = next_month(month)
    return render(
        request,
        "reports/sla_statement.html",
        {
            "statement": statement,
            "organization": organization,
            "month_value": _month_value(month),
            "month_label": _month_label(month),
            "month_error": error,
            "months": [(_month_value(m), _month_label(m)) for m in months_offered(today=today)],
            "previous_url": f"{here}?month={_month_value(earlier)}",
            "previous_label": _month_label(earlier),
            "next_url": f"{here}?month={_month_value(later)}" if later <= today else "",
            "next_label": _month_label(later),
            "csv_url": f"{reverse('reports:statement_csv')}?month={_month_value(month)}",
        },
    )


def _cell(value) -> str:
    """A cell as text, with a leading apostrophe where a spreadsheet would run a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _moment(value) -> str:
    """A time in the reader's zone, as a spreadsheet reads it: "2026-02-09 10:00"."""
    return "" if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _minutes(seconds) -> str:
    return "" if seconds is None else str(round(seconds / 60))


def csv_headers() -> list[str]:
    return [
        _("Ticket"),
        _("Title"),
        _("Requester"),
        _("Priority"),
        _("Metric"),
        _("Promise"),
        _("Due"),
        _("Outcome"),
        _("Met or breached at"),
        _("Business time used (minutes)"),
        _("Time paused (minutes)"),
        _("Measured on the terms in force then"),
    ]


def _csv_cells(line) -> list[str]:
    return [
        _cell(value)
        for value in (
            line.reference,
            line.title,
            line.requester,
            line.priority_label,
            line.metric_label,
            line.promise,
            _moment(line.due_at),
            line.outcome_label,
            _moment(line.decided_at),
            _minutes(line.business_seconds),
            _minutes(line.paused_seconds),
            _("Yes") if line.earlier_terms else "",
        )
    ]


@never_cache
@org_admin_required
def sla_statement_csv(request):
    tenant = request.tenant
    organization = organization_for_actor(actor=request.user, tenant=tenant)
    today = local_today(tenant, timezone.now())
    month, _error = _chosen_month(request, today)
    period = month_period(month, today=today)
    with replica_reads():
        rows = statement_lines(tenant=tenant, organization=organization, period=period)
    # The rows stream after the view returned, when the middleware has already put the
    # request's language and time zone away: the stream takes them along.
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    prefix = tenant.ticket_prefix

    def lines():
        # A few hundred lines per piece of the response: one piece per line costs more in
        # the web server than writing the line does.
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        with translation.override(language), timezone.override(zone):
            writer.writerow(csv_headers())
            for count, row in enumerate(rows.iterator(chunk_size=CSV_CHUNK), start=1):
                writer.writerow(_csv_cells(statement_line(row, prefix=prefix)))
                if count % CSV_LINES_PER_PIECE == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            if buffer.tell():
                yield buffer.getvalue()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"sla-statement-{organization.slug}-{_month_value(month)}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
