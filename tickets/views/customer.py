"""Pages of the customer portal: my tickets and opening a ticket."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.decorators import tenant_member_required
from helpdesk.forms import form_errors_from
from helpdesk.links import tenant_url
from helpdesk.priorities import Priority
from knowledge_base.selectors import article_for_viewer, viewer_for

from ..forms import TicketCreateForm
from ..models import Status
from ..selectors import (
    customer_list,
    customer_list_rows,
    priority_definitions,
    selectable_types,
)
from ..selectors.incidents import components_for_ticket_form
from ..services import ticket_create
from ..status.ticket_views import chosen_component, known_incidents_context
from .common import (
    base_url,
    collect_uploads,
    keep_uploads,
    optional_template,
    over_write_limit,
    paginate,
    query_without_page,
)
from .queue_rows import customer_row_html

STATUS_FILTERS = [
    ("open", pgettext_lazy("ticket filter", "Open")),
    ("", pgettext_lazy("ticket filter", "All")),
    (Status.ON_HOLD, gettext_lazy("Waiting on you")),
    (Status.RESOLVED, pgettext_lazy("ticket filter", "Resolved")),
    (Status.CLOSED, pgettext_lazy("ticket filter", "Closed")),
]

CREATE_LIMIT = ngettext_lazy(
    "You have opened tickets %(limit)d time in the last hour. Please wait a few minutes and "
    "send this again; what you wrote is still here.",
    "You have opened tickets %(limit)d times in the last hour. Please wait a few minutes and "
    "send this again; what you wrote is still here.",
    "limit",
)


@never_cache
@tenant_member_required
def ticket_list(request):
    if request.user.is_agent:
        return redirect("tickets:queue", queue="open")
    status = request.GET.get("status", "open")
    query = request.GET.get("q", "")[:100]
    scope = request.GET.get("scope", "mine")
    tickets = customer_list(
        tenant=request.tenant, actor=request.user, status=status, query=query, scope=scope
    )
    page = paginate(request, tickets)
    rows = customer_list_rows(tenant=request.tenant, tickets=page.object_list)
    page.object_list = customer_row_html(rows, opened_by=scope == "organization")
    return render(
        request,
        "tickets/ticket_list.html",
        {
            "page": page,
            "status": status,
            "query": query,
            "scope": scope,
            "status_filters": STATUS_FILTERS,
            "querystring": query_without_page(request),
        },
    )


def _article_from_query(request):
    """The article a customer came from (“Did this not help? Open a ticket”), if visible."""
    slug = request.GET.get("kb", "").strip()
    if not slug:
        return None
    try:
        return article_for_viewer(
            viewer=viewer_for(tenant=request.tenant, user=request.user), slug=slug[:200]
        )
    except Http404:
        return None


def _initial(request, types) -> dict:
    initial = {}
    title = request.GET.get("title", "").strip()
    if title:
        initial["title"] = title[:200]
    article = _article_from_query(request)
    if article is not None:
        link = tenant_url(tenant=request.tenant, path=article.get_absolute_url())
        initial["text"] = (
            _("I read “%(title)s” (%(link)s) and it did not solve my problem.")
            % {"title": article.title, "link": link}
            + "\n\n"
        )
    follow_up = request.GET.get("follow_up", "").strip()
    if follow_up:
        initial["text"] = _("Follow-up to %(reference)s.") % {"reference": follow_up[:30]} + "\n\n"
    if types:
        initial["priority"] = Priority.P3
    component = request.GET.get("component", "").strip()
    if component:
        initial["component"] = component[:120]
    return initial


@never_cache
@tenant_member_required
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    tenant, actor = request.tenant, request.user
    if not actor.is_customer or actor.organization_id is None:
        raise Http404("Tickets are opened by customers.")
    types = selectable_types(tenant=tenant)
    form = TicketCreateForm(
        request.POST or None,
        request.FILES or None,
        tenant=tenant,
        types=types,
        components=list(components_for_ticket_form(tenant=tenant, staff=False)),
        known_incidents_url=reverse("tickets:known_incidents"),
        initial=_initial(request, types),
    )
    kept = []
    if request.method == "POST":
        kept = collect_uploads(request, form)
        if (
            form.is_valid()
            and not form.errors
            and not over_write_limit(
                request,
                form,
                scope="ticket-create",
                limit=settings.TICKETS_CREATED_PER_HOUR,
                message=CREATE_LIMIT,
            )
        ):
            data = form.cleaned_data
            try:
                ticket = ticket_create(
                    actor=actor,
                    tenant=tenant,
                    title=data["title"],
                    text=data["text"],
                    ticket_type=data["ticket_type"],
                    priority=data["priority"],
                    affected_service=data["affected_service"],
                    steps=data["steps"],
                    attachment_ids=[a.public_id for a in kept],
                    base_url=base_url(request),
                    component=data.get("component"),
                )
            except ValidationError as error:
                form_errors_from(form, error)
            except PermissionDenied as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your ticket %(reference)s is open. We emailed you a confirmation; "
                        "follow it here by its number."
                    )
                    % {"reference": ticket.reference},
                )
                return redirect(ticket)
        keep_uploads(form, kept)
    return render(
        request,
        "tickets/ticket_new.html",
        {
            "form": form,
            "kept": kept,
            "definitions": priority_definitions(tenant=tenant),
            "priorities": Priority,
            "suggestions_template": optional_template("knowledge_base/includes/suggestions.html"),
            **known_incidents_context(tenant=tenant, actor=actor, component=chosen_component(form)),
        },
    )
