"""Escalating a ticket by hand from its page (engineers) and bringing it down (managers)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required, tenant_member_required
from tickets.selectors import ticket_for_actor
from tickets.views.common import base_url
from tickets.views.ticket import render_ticket_page, show_refusal

from .forms import DeescalateForm, EscalateForm
from .pages import STAFF_PARTS
from .selectors import ticket_escalation_levels
from .services import ticket_deescalate, ticket_escalate


def _ticket(request, reference):
    return ticket_for_actor(
        tenant=request.tenant,
        actor=request.user,
        reference=reference,
        related=STAFF_PARTS.ticket_related,
    )


@never_cache
@tenant_member_required
@require_POST
@staff_required
def ticket_escalate_view(request, reference):
    ticket = _ticket(request, reference)
    up, _down = ticket_escalation_levels(tenant=request.tenant, ticket=ticket)
    form = EscalateForm(request.POST, levels=up, prefix="escalate")
    if form.is_valid():
        data = form.cleaned_data
        try:
            event = ticket_escalate(
                ticket=ticket,
                actor=request.user,
                reason=data["reason"],
                level=data["level"],
                hand_over=data["hand_over"],
                base_url=base_url(request),
            )
        except (ValidationError, PermissionDenied) as error:
            show_refusal(form, error)
        else:
            notified = len(event.recipients)
            if notified:
                messages.success(
                    request,
                    ngettext(
                        "%(reference)s is escalated to %(level)s: %(count)s person notified.",
                        "%(reference)s is escalated to %(level)s: %(count)s people notified.",
                        notified,
                    )
                    % {"reference": ticket.reference, "level": event.level_name, "count": notified},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "%(reference)s is escalated to %(level)s, but nobody was notified: the "
                        "level has no active people or addresses. Ask a tenant admin to complete "
                        "it in the escalation matrix."
                    )
                    % {"reference": ticket.reference, "level": event.level_name},
                )
            return redirect(f"{ticket.get_absolute_url()}#escalation-title")
    return render_ticket_page(request, ticket, status=400, parts=STAFF_PARTS, escalate_form=form)


@never_cache
@tenant_member_required
@require_POST
@staff_required
def ticket_deescalate_view(request, reference):
    ticket = _ticket(request, reference)
    if not request.user.is_manager:
        messages.error(request, _("Only managers de-escalate tickets."))
        return redirect(ticket)
    _up, down = ticket_escalation_levels(tenant=request.tenant, ticket=ticket)
    form = DeescalateForm(request.POST, levels=down, prefix="deescalate")
    if form.is_valid():
        level = form.cleaned_data["level"]
        try:
            ticket_deescalate(
                ticket=ticket, actor=request.user, reason=form.cleaned_data["reason"], level=level
            )
        except (ValidationError, PermissionDenied) as error:
            show_refusal(form, error)
        else:
            if level is not None:
                message = _("%(reference)s is down to %(level)s.") % {
                    "reference": ticket.reference,
                    "level": level.name,
                }
            else:
                message = _("%(reference)s is off the escalation ladder.") % {
                    "reference": ticket.reference
                }
            messages.success(request, message)
            return redirect(f"{ticket.get_absolute_url()}#escalation-title")
    return render_ticket_page(request, ticket, status=400, parts=STAFF_PARTS, deescalate_form=form)
