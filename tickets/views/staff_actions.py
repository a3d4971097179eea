"""What only staff do on the ticket page: assign it, change its priority and its type, link
it to incidents."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required, tenant_member_required

from ..forms import AssignForm, PriorityForm, TypeForm
from ..selectors import assignable_staff, selectable_types
from ..selectors.incidents import incident_for_linking
from ..services import ticket_assign, ticket_change_type, ticket_priority_change
from ..status.services import ticket_incident_link, ticket_incident_unlink
from .common import base_url
from .parts import NO_PARTS, StaffParts
from .ticket import render_ticket_page, show_refusal, ticket_in_scope


@never_cache
@tenant_member_required
@require_POST
@staff_required
def ticket_assign_view(request, reference):
    ticket = ticket_in_scope(request, reference)
    actor = request.user
    if request.POST.get("assign_to_me"):
        assignee = actor
    else:
        form = AssignForm(
            request.POST, staff=assignable_staff(tenant=request.tenant), prefix="assign"
        )
        if not form.is_valid():
            messages.error(request, _("Choose an engineer from the list."))
            return redirect(ticket)
        assignee = form.cleaned_data["assignee"]
    try:
        ticket_assign(ticket=ticket, actor=actor, assignee=assignee, base_url=base_url(request))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        if assignee == actor:
            done = _("%(reference)s is assigned to you.")
        elif assignee:
            done = _("%(reference)s is assigned to %(engineer)s.")
        else:
            done = _("%(reference)s is assigned to nobody.")
        messages.success(request, done % {"reference": ticket.reference, "engineer": assignee})
    return redirect(ticket)


@never_cache
@tenant_member_required
@require_POST
@staff_required
def ticket_priority(request, reference, parts: StaffParts = NO_PARTS):
    ticket = ticket_in_scope(request, reference, parts)
    form = PriorityForm(request.POST, prefix="priority")
    if form.is_valid():
        try:
            ticket_priority_change(
                ticket=ticket,
                actor=request.user,
                priority=form.cleaned_data["priority"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Priority is now %(priority)s.") % {"priority": form.cleaned_data["priority"]},
            )
            return redirect(ticket)
    return render_ticket_page(request, ticket, status=400, parts=parts, priority_form=form)


@never_cache
@tenant_member_required
@require_POST
@staff_required
def ticket_type_view(request, reference, parts: StaffParts = NO_PARTS):
    ticket = ticket_in_scope(request, reference, parts)
    form = TypeForm(
        request.POST,
        tenant=request.tenant,
        types=selectable_types(tenant=request.tenant),
        prefix="type",
    )
    if form.is_valid():
        try:
            ticket = ticket_change_type(
                ticket=ticket, actor=request.user, ticket_type=form.cleaned_data["ticket_type"]
            )
        except (ValidationError, PermissionDenied) as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("%(reference)s is now filed under %(type)s.")
                % {"reference": ticket.reference, "type": ticket.ticket_type},
            )
            return redirect(ticket)
    return render_ticket_page(request, ticket, status=400, parts=parts, type_form=form)


def _incident_from_post(request):
    return incident_for_linking(tenant=request.tenant, pk=request.POST.get("incident"))


@never_cache
@tenant_member_required
@require_POST
@staff_required
def ticket_incident_link_view(request, reference):
    ticket = ticket_in_scope(request, reference)
    if not request.POST.get("incident"):
        messages.error(request, _("Choose an incident or a maintenance window."))
        return redirect(ticket)
    incident = _incident_from_post(request)
    try:
        link = ticket_incident_link(ticket=ticket, incident=incident, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        if link is None:
            done = _("%(reference)s was already linked to “%(title)s”.")
        else:
            done = _("%(reference)s is linked to “%(title)s”.")
        messages.success(request, done % {"reference": ticket.reference, "title": incident.title})
    return redirect(ticket)


@never_cache
@tenant_member_required
@require_POST
@staff_required
def ticket_incident_unlink_view(request, reference, incident_id):
    ticket = ticket_in_scope(request, reference)
    incident = incident_for_linking(tenant=request.tenant, pk=incident_id)
    try:
        unlinked = ticket_incident_unlink(ticket=ticket, incident=incident, actor=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        if unlinked:
            messages.success(
                request,
                _("%(reference)s is no longer linked to “%(title)s”.")
                % {"reference": ticket.reference, "title": incident.title},
            )
    return redirect(ticket)
