"""Engineers' queues."""

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from helpdesk.priorities import Priority

from ..models import Status
from ..selectors import (
    QUEUES,
    SORT_LABELS,
    QueueFilters,
    organization_rows,
    queue_counts,
    queue_rows,
    queue_tickets,
    selectable_types,
    staff_rows,
    top_level_types,
    type_for_queue,
)
from ..selectors.incidents import incident_for_linking, incidents_to_link
from ..services.sla import queue_sla_badges
from ..status.services import tickets_incident_link
from .common import paginate, query_without_page
from .parts import NO_PARTS, StaffParts
from .queue_rows import queue_row_html


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filters(request) -> QueueFilters:
    get = request.GET
    return QueueFilters(
        status=get.get("status", ""),
        priority=get.get("priority", "") if get.get("priority") in Priority.values else "",
        ticket_type=_int(get.get("type")),
        organization=_int(get.get("organization")),
        assignee=_int(get.get("assignee")),
        query=get.get("q", "")[:100],
        sort=get.get("sort", "sla") if get.get("sort") in SORT_LABELS else "sla",
    )


@never_cache
@staff_required
def queue(request, queue="open", type_slug=None, parts: StaffParts = NO_PARTS):
    """Tickets' queues and the ones ``parts`` add (see ``tickets.views.parts``)."""
    tenant, actor = request.tenant, request.user
    if queue not in QUEUES and queue not in parts.queues and type_slug is None:
        raise Http404("Not found.")
    filters = _filters(request)
    queue_type = None
    if type_slug is not None:
        queue_type = type_for_queue(tenant=tenant, slug=type_slug)
        filters = replace(filters, ticket_type=queue_type.pk)
        queue = "open"
    more = {key: extra.tickets(tenant=tenant, actor=actor) for key, extra in parts.queues.items()}
    extra = parts.queues.get(queue)
    tickets = queue_tickets(
        tenant=tenant,
        actor=actor,
        queue=queue,
        filters=filters,
        queue_filter=more.get(queue),
        columns=parts.row_columns,
    )
    counts = queue_counts(
        tenant=tenant,
        actor=actor,
        more={key: extra.count for key, extra in parts.queues.items()},
    )
    # Unfiltered, the queue holds exactly what its tab counts: no COUNT(*) of its own.
    unfiltered = queue_type is None and replace(filters, sort="sla") == QueueFilters()
    page = paginate(request, tickets, count=counts.get(queue) if unfiltered else None)
    organizations = list(organization_rows(tenant=tenant).values())
    staff = staff_rows(tenant=tenant)
    rows = queue_rows(
        tenant=tenant, tickets=page.object_list, organizations=organizations, staff=staff
    )
    now = timezone.now()
    # What the selected rows can be linked to (the bulk action).
    linkable = incidents_to_link(tenant=tenant)
    page.object_list = queue_row_html(
        rows,
        badges=queue_sla_badges(tenant=tenant, tickets=rows, now=now),
        selectable=bool(linkable),
        row_badge=parts.row_badge,
    )
    return render(
        request,
        "tickets/queue.html",
        {
            "queue": queue,
            "queue_type": queue_type,
            "queues": {**QUEUES, **{key: extra.label for key, extra in parts.queues.items()}},
            "queue_description": extra.description if extra else "",
            "filter_by_assignee": queue == "open" or bool(extra and extra.filter_by_assignee),
            "counts": counts,
            "page": page,
            "filters": filters,
            "sort_labels": SORT_LABELS,
            "statuses": Status.choices,
            "priorities": Priority.choices,
            "type_choices": [(t.pk, t.full_name) for t in selectable_types(tenant=tenant)],
            "top_types": top_level_types(tenant=tenant),
            "organization_choices": [(org.pk, org.name) for org in organizations],
            "staff_choices": [(person.pk, str(person)) for person in staff],
            "querystring": query_without_page(request),
            "linkable_incidents": linkable,
            "back": request.get_full_path(),
        },
    )


def _back_to_queue(request):
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("tickets:queue", queue="open")


@never_cache
@staff_required
@require_POST
def queue_incident_link(request):
    """The queue's bulk action: link the selected tickets to one incident, then back to
    the same queue."""
    ticket_ids = [pk for pk in (_int(v) for v in request.POST.getlist("tickets")) if pk]
    if not request.POST.get("incident"):
        messages.error(request, _("Choose an incident or a maintenance window."))
        return _back_to_queue(request)
    incident = incident_for_linking(tenant=request.tenant, pk=request.POST.get("incident"))
    if not ticket_ids:
        messages.error(request, _("Select the tickets to link first."))
        return _back_to_queue(request)
    try:
        linked = tickets_incident_link(
            tenant=request.tenant, ticket_ids=ticket_ids, incident=incident, actor=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d ticket linked to “%(title)s”.",
                "%(count)d tickets linked to “%(title)s”.",
                linked,
            )
            % {"count": linked, "title": incident.title},
        )
    return _back_to_queue(request)
