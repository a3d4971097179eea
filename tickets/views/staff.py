"""Engineers' queues."""

from dataclasses import replace

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.decorators import staff_required
from helpdesk.priorities import Priority

from ..models import Status
from ..selectors import (
    QUEUES,
    SORT_LABELS,
    QueueFilters,
    assignable_staff,
    queue_counts,
    queue_tickets,
    selectable_types,
    tenant_organizations,
    top_level_types,
    type_for_queue,
)
from ..services.sla import queue_sla_badges
from .common import paginate, query_without_page
from .parts import NO_PARTS, StaffParts


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
    page = paginate(request, tickets)
    now = timezone.now()
    return render(
        request,
        "tickets/queue.html",
        {
            "queue": queue,
            "queue_type": queue_type,
            "queues": {**QUEUES, **{key: extra.label for key, extra in parts.queues.items()}},
            "queue_description": extra.description if extra else "",
            "filter_by_assignee": queue == "open" or bool(extra and extra.filter_by_assignee),
            "row_badge_template": parts.row_badge,
            "counts": queue_counts(tenant=tenant, actor=actor, more=more),
            "page": page,
            "badges": queue_sla_badges(tenant=tenant, tickets=page.object_list, now=now),
            "filters": filters,
            "sort_labels": SORT_LABELS,
            "statuses": Status.choices,
            "priorities": Priority.choices,
            "types": selectable_types(tenant=tenant),
            "top_types": top_level_types(tenant=tenant),
            "organizations": tenant_organizations(tenant=tenant),
            "staff": assignable_staff(tenant=tenant),
            "querystring": query_without_page(request),
        },
    )
