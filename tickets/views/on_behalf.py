"""Engineers open a ticket for a customer who called, wrote or stopped by."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import staff_required
from helpdesk.forms import form_errors_from

from ..forms import RECEIVED_AT_FORMAT, TicketForCustomerForm
from ..models import Channel
from ..selectors import (
    active_customers,
    customer_for_intake,
    customer_search,
    organization_colleagues,
    priority_definitions,
    selectable_types,
)
from ..selectors.incidents import components_for_ticket_form
from ..services import ticket_cc_add, ticket_create
from ..status.ticket_views import chosen_component, known_incidents_context
from .common import base_url, collect_uploads, keep_uploads


def _search_context(request) -> dict:
    query = request.GET.get("q", "").strip()[:100]
    return {"query": query, "matches": customer_search(tenant=request.tenant, query=query)}


@never_cache
@staff_required
@require_GET
def customer_search_results(request):
    """The customers matching the search box, for the page to show as one types."""
    return render(request, "tickets/includes/customer_results.html", _search_context(request))


def _form(request, customer) -> TicketForCustomerForm:
    tenant = request.tenant
    return TicketForCustomerForm(
        request.POST or None,
        request.FILES or None,
        tenant=tenant,
        types=selectable_types(tenant=tenant),
        components=list(components_for_ticket_form(tenant=tenant, staff=True)),
        known_incidents_url=reverse("tickets:known_incidents"),
        customers=active_customers(tenant=tenant),
        colleagues=organization_colleagues(
            tenant=tenant, organization_id=customer.organization_id, exclude=[customer.pk]
        ),
        initial={
            "customer": customer.pk,
            "channel": Channel.PHONE,
            "received_at": timezone.localtime().strftime(RECEIVED_AT_FORMAT),
        },
    )


def _open(request, form, kept):
    """The ticket, or None with the refusal on ``form``."""
    data = form.cleaned_data
    actor = request.user
    try:
        with transaction.atomic():
            ticket = ticket_create(
                actor=actor,
                tenant=request.tenant,
                requester=data["customer"],
                channel=data["channel"],
                opened_at=data["received_at"],
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
            for colleague in data["copies"]:
                ticket_cc_add(ticket=ticket, actor=actor, user=colleague)
    except ValidationError as error:
        form_errors_from(form, error)
    except PermissionDenied as error:
        form.add_error(None, str(error))
    else:
        return ticket
    return None


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def ticket_for_customer(request):
    """Find the customer (a plain search that htmx refreshes as one types), then the
    ticket's form with the customer fixed."""
    tenant = request.tenant
    chosen = request.POST.get("customer") or request.GET.get("customer")
    customer = customer_for_intake(tenant=tenant, customer_id=chosen)
    context = {"customer": customer, "form": None, "kept": []}
    if customer is None:
        if chosen:
            messages.error(request, _("Choose an active customer of an organization."))
        context.update(_search_context(request))
        return render(request, "tickets/ticket_for_customer.html", context)
    form = _form(request, customer)
    kept = []
    if request.method == "POST":
        kept = collect_uploads(request, form)
        if form.is_valid() and not form.errors:
            ticket = _open(request, form, kept)
            if ticket is not None:
                messages.success(
                    request,
                    _("%(reference)s is open for %(customer)s, who was emailed its number.")
                    % {"reference": ticket.reference, "customer": customer},
                )
                return redirect(ticket)
        keep_uploads(form, kept)
    context.update({"form": form, "kept": kept, "definitions": priority_definitions(tenant=tenant)})
    context.update(
        known_incidents_context(tenant=tenant, actor=request.user, component=chosen_component(form))
    )
    return render(
        request,
        "tickets/ticket_for_customer.html",
        context,
        status=400 if form.is_bound else 200,
    )
