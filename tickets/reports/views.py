"""The managers' SLA report: the page, its drill-down to the tickets behind each number, and
both as CSV. Managers and tenant admins only; everyone else gets the 404 of a missing page.

"Today" is the tenant's local date: a period is whole local days of the tenant's zone, the
same days the rollups are counted in (:mod:`tickets.reports.periods`).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.decorators import manager_required
from accounts.models import Organization, User
from helpdesk.db_router import replica_reads
from helpdesk.zones import readable_zone
from sla.models import SupportPlan
from sla.targets import TargetSpec, format_target

from ..models import SlaOutcome, TicketType
from ..views.common import paginate
from . import exports
from .formatting import METRIC_LABELS, breakdown_rows, duration, report_charts, totals_lines
from .forms import ReportForm, RowsForm, encode
from .selectors import (
    GROUP_LABELS,
    NONE_LABELS,
    OUTCOME_LABELS,
    ROW_COLUMNS,
    outcome_rows,
)
from .selectors import (
    sla_report as report_for,
)

ROWS_PER_PAGE = 50


def _zone(tenant) -> ZoneInfo:
    return ZoneInfo(tenant.time_zone or "UTC")


def _form(request, form_class):
    tenant = request.tenant
    today = timezone.now().astimezone(_zone(tenant)).date()
    plans = SupportPlan.objects.for_tenant(tenant).order_by("name").values_list("pk", "name")
    return form_class(request.GET, plans=list(plans), today=today)


def _page_context(request, form) -> dict:
    tenant = request.tenant
    return {
        "form": form,
        "tenant_zone": readable_zone(tenant.time_zone or "UTC"),
    }


@never_cache
@manager_required
def sla_report(request):
    form = _form(request, ReportForm)
    context = _page_context(request, form)
    if form.is_valid():
        filters = form.report_filters()
        report = report_for(tenant=request.tenant, filters=filters, now=timezone.now())
        query = form.shared_query()
        rows_url = reverse("reports:sla_tickets")
        # The drill-down keeps the grouping, so "Back to the report" returns to this view.
        rows_query = {**query, "group": filters.group}
        queue_url = reverse("tickets:queue_default") + "?sort=oldest"
        context.update(
            report=report,
            totals=totals_lines(report, rows_url=rows_url, query=rows_query),
            rows=breakdown_rows(report, rows_url=rows_url, query=rows_query),
            group_label=GROUP_LABELS[filters.group],
            charts=report_charts(report, queue_url=queue_url),
            queue_url=queue_url,
            csv_url=reverse("reports:sla_csv") + "?" + encode(query, group=filters.group),
            tickets_csv_url=reverse("reports:sla_tickets_csv") + "?" + encode(query),
        )
    return render(request, "reports/sla_report.html", context)


def _key_description(tenant, form) -> str:
    """Which row of the report the rows belong to ("Organization: Acme"), or ""."""
    data = form.cleaned_data
    sources = (
        ("organization", Organization.objects.for_tenant(tenant), "name"),
        ("type", TicketType.objects.for_tenant(tenant), "name"),
        ("engineer", User.objects.filter(tenant=tenant), "full_name"),
        ("level", SlaOutcome._meta.get_field("escalation_level").related_model.objects.for_tenant(
            tenant
        ), "name"),
    )  # fmt: skip
    for name, queryset, field in sources:
        key = data.get(name)
        if key is None:
            continue
        if key == 0:
            label = NONE_LABELS.get(name, "—")
        else:
            label = queryset.filter(pk=key).values_list(field, flat=True).first() or "—"
        return f"{GROUP_LABELS[name]}: {label}"
    return ""


def _ticket_rows(tenant, rows) -> list[dict]:
    slot = "__reference__"
    detail = reverse("tickets:detail", kwargs={"reference": slot})
    result = []
    for row in rows:
        reference = f"{tenant.ticket_prefix}-{row['ticket__number']}"
        spec = TargetSpec(row["target_clock"], row["target_amount"], row["target_unit"])
        result.append(
            {
                **row,
                "reference": reference,
                "url": detail.replace(slot, reference),
                "metric_label": METRIC_LABELS.get(row["metric"], row["metric"]),
                "target_label": format_target(spec),
                "engineer": row["assignee__full_name"] or row["assignee__email"] or "",
                "is_met": row["state"] == "met",
                "used": duration(row["business_seconds"]),
                "paused": duration(row["paused_seconds"]),
            }
        )
    return result


@never_cache
@manager_required
def sla_report_tickets(request):
    tenant = request.tenant
    form = _form(request, RowsForm)
    context = _page_context(request, form)
    if form.is_valid():
        filters = form.row_filters()
        with replica_reads():
            rows = outcome_rows(tenant=tenant, filters=filters).values(*ROW_COLUMNS)
            page = paginate(request, rows, per_page=ROWS_PER_PAGE)
            tickets = _ticket_rows(tenant, page.object_list)
            key = _key_description(tenant, form)
        query = form.row_query()
        context.update(
            filters=filters,
            page=page,
            tickets=tickets,
            key_description=key,
            outcome_label=OUTCOME_LABELS.get(filters.outcome, ""),
            metric_label=METRIC_LABELS.get(filters.metric, ""),
            querystring=encode(query),
            report_url=reverse("reports:sla")
            + "?"
            + encode(form.shared_query(), group=form.cleaned_data.get("group") or None),
            csv_url=reverse("reports:sla_tickets_csv") + "?" + encode(query),
        )
    return render(request, "reports/sla_report_tickets.html", context)


def _invalid_csv(request, form):
    """A CSV link with filters that do not make a report answers with the page's errors."""
    context = _page_context(request, form)
    return render(request, "reports/sla_report.html", context, status=400)


@never_cache
@manager_required
def sla_report_csv(request):
    form = _form(request, ReportForm)
    if not form.is_valid():
        return _invalid_csv(request, form)
    filters = form.report_filters()
    report = report_for(tenant=request.tenant, filters=filters, now=timezone.now())
    return exports.csv_response(
        filename=_("sla-report_%(period)s.csv") % {"period": exports.period_slug(filters.period)},
        header=exports.report_header(filters),
        rows=exports.report_rows(report),
    )


@never_cache
@manager_required
def sla_report_tickets_csv(request):
    tenant = request.tenant
    form = _form(request, RowsForm)
    if not form.is_valid():
        return _invalid_csv(request, form)
    filters = form.row_filters()
    # The queryset is bound to the replica here; its rows are read while the file streams.
    with replica_reads():
        rows = outcome_rows(tenant=tenant, filters=filters)
    return exports.csv_response(
        filename=_("sla-tickets_%(period)s.csv") % {"period": exports.period_slug(filters.period)},
        header=exports.tickets_header(),
        rows=exports.tickets_rows(rows, tenant=tenant, zone=_zone(tenant)),
        escaped=True,
    )
