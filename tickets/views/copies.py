"""People in copy of a ticket: putting someone in copy and taking them out."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import tenant_member_required

from ..selectors import copies_of_ticket, copy_for_removal
from ..services import ticket_cc_add, ticket_cc_remove
from ..services.participants import can_add_copies
from .parts import NO_PARTS, StaffParts
from .ticket import copy_form, render_ticket_page, show_refusal, ticket_in_scope


@never_cache
@tenant_member_required
@require_POST
def copy_add(request, reference, parts: StaffParts = NO_PARTS):
    ticket = ticket_in_scope(request, reference, parts)
    if not can_add_copies(request.user, ticket):
        raise Http404("Not found.")
    form = copy_form(request, ticket, copies_of_ticket(ticket=ticket), request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            added = ticket_cc_add(
                ticket=ticket,
                actor=request.user,
                user=data.get("user"),
                email=data.get("email") or "",
            )
        except (ValidationError, PermissionDenied) as error:
            show_refusal(form, error)
        else:
            who = data.get("user") or data.get("email")
            if added is None:
                messages.info(request, _("%(who)s is in copy already.") % {"who": who})
            else:
                messages.success(request, _("%(who)s is now in copy.") % {"who": who})
            return redirect(f"{ticket.get_absolute_url()}#copies")
    return render_ticket_page(request, ticket, status=400, parts=parts, copy_form=form)


@never_cache
@tenant_member_required
@require_POST
def copy_remove(request, reference, participant_id):
    ticket = ticket_in_scope(request, reference)
    participant = copy_for_removal(ticket=ticket, participant_id=participant_id)
    try:
        ticket_cc_remove(ticket=ticket, actor=request.user, participant_id=participant.pk)
    except PermissionDenied as error:
        raise Http404("Not found.") from error
    messages.success(
        request,
        _("%(who)s is no longer in copy.")
        % {"who": participant.user if participant.user_id else participant.email},
    )
    return redirect(f"{ticket.get_absolute_url()}#copies")
