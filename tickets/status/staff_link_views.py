"""The incident page's forms about tickets (link, unlink, reply to the linked tickets) and
setting a component's state by hand."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required, staff_required

from ..models import ComponentStatus, TicketIncident
from .forms import (
    ComponentStateForm,
    LinkedReplyForm,
    TicketNumbersForm,
)
from .linked import (
    incident_resolution_reply_set,
    incident_tickets_unreplied,
)
from .services import (
    component_status_set,
    ticket_incident_link,
    ticket_incident_unlink,
)
from .staff_selectors import (
    incident_for_staff,
    tenant_components,
    tickets_by_number,
)
from .staff_views import form_refusal, incident_over, incident_page


@never_cache
@staff_required
@require_POST
def incident_link(request, pk):
    tenant = request.tenant
    incident = incident_for_staff(tenant=tenant, actor=request.user, pk=pk)
    form = TicketNumbersForm(request.POST)
    if not form.is_valid():
        return incident_page(request, incident, status=400, link_form=form)
    parsed = form.cleaned_data["numbers"]
    found = tickets_by_number(tenant=tenant, numbers={n for _t, n in parsed if n is not None})
    unknown = [token for token, number in parsed if number not in found]
    linked = already = 0
    for number in sorted({n for _t, n in parsed if n in found}):
        try:
            link = ticket_incident_link(ticket=found[number], incident=incident, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            continue
        if link is None:
            already += 1
        else:
            linked += 1
    if linked:
        messages.success(
            request,
            ngettext("%(count)d ticket linked.", "%(count)d tickets linked.", linked)
            % {"count": linked},
        )
    if already:
        messages.info(
            request,
            ngettext(
                "%(count)d ticket was already linked.",
                "%(count)d tickets were already linked.",
                already,
            )
            % {"count": already},
        )
    if unknown:
        form.add_error(
            "numbers",
            ngettext(
                "No ticket of this help desk has the number %(numbers)s.",
                "No tickets of this help desk have the numbers %(numbers)s.",
                len(unknown),
            )
            % {"numbers": ", ".join(unknown)},
        )
        # Keep what did not link in the field, to correct it.
        form.data = form.data.copy()
        form.data["numbers"] = ", ".join(unknown)
        return incident_page(request, incident, status=400, link_form=form)
    return redirect("incidents:detail", incident.pk)


@never_cache
@staff_required
@require_POST
def incident_unlink(request, pk, link_pk):
    tenant = request.tenant
    incident = incident_for_staff(tenant=tenant, actor=request.user, pk=pk)
    link = (
        TicketIncident.objects.for_tenant(tenant)
        .filter(pk=link_pk, incident=incident)
        .select_related("ticket__tenant")
        .first()
    )
    if link is None:
        raise Http404("Not found.")
    ticket_incident_unlink(ticket=link.ticket, incident=incident, actor=request.user)
    messages.success(
        request, _("%(reference)s is no longer linked.") % {"reference": link.ticket.reference}
    )
    return redirect("incidents:detail", incident.pk)


@never_cache
@staff_required
@require_POST
def incident_reply_linked(request, pk):
    incident = incident_for_staff(tenant=request.tenant, actor=request.user, pk=pk)
    form = LinkedReplyForm(request.POST)
    if not incident_over(incident):
        form.add_error(None, _("Reply to the linked tickets once the incident is over."))
    if not form.is_valid():
        return incident_page(request, incident, status=400, reply_form=form)
    try:
        incident_resolution_reply_set(
            incident=incident, actor=request.user, text=form.cleaned_data["reply"]
        )
    except (ValidationError, PermissionDenied) as error:
        form_refusal(form, error)
        return incident_page(request, incident, status=400, reply_form=form)
    count = incident_tickets_unreplied(incident=incident)
    incident_id, actor_id, resolve = incident.pk, request.user.pk, form.cleaned_data["resolve"]

    def queue():
        from ..tasks import reply_to_incident_tickets

        reply_to_incident_tickets.delay(incident_id, actor_id, resolve)

    transaction.on_commit(queue)
    messages.success(
        request,
        ngettext(
            "The reply is on its way to %(count)d linked ticket.",
            "The reply is on its way to %(count)d linked tickets.",
            count,
        )
        % {"count": count},
    )
    return redirect("incidents:detail", incident.pk)


@never_cache
@manager_required
@require_POST
def component_state(request, pk):
    tenant = request.tenant
    component = tenant_components(tenant=tenant).filter(pk=pk).first()
    if component is None:
        raise Http404("Not found.")
    form = ComponentStateForm(request.POST)
    if form.is_valid():
        try:
            component_status_set(
                component=component, actor=request.user, status=form.cleaned_data["status"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                _("%(component)s is now: %(state)s.")
                % {
                    "component": component,
                    "state": ComponentStatus(form.cleaned_data["status"]).label,
                },
            )
    else:
        messages.error(request, _("Choose a state from the list."))
    return redirect(reverse("incidents:list") + "#components")
