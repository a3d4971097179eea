"""The ticket page and what people do on it (both sides of the conversation)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import tenant_member_required
from helpdesk.forms import form_errors_from

from ..forms import (
    AssignForm,
    CopyAddForm,
    EvidenceForm,
    PriorityForm,
    ReplyForm,
    StatusForm,
    TypeForm,
)
from ..models import STAFF_STATUS_LABELS, EventKind, Status
from ..permissions import (
    can_add_evidence,
    can_assign_to_others,
    can_reply,
    can_transition,
    reopen_deadline,
)
from ..selectors import (
    copies_of_ticket,
    copy_candidate_rows,
    copy_candidates,
    priority_definitions,
    selectable_types,
    staff_rows,
    ticket_files,
    ticket_for_actor,
    ticket_timeline,
    timeline_shows,
    timeline_status_history,
)
from ..selectors.incidents import staff_ticket_incidents, ticket_incidents
from ..services import (
    ticket_add_evidence,
    ticket_reply,
    ticket_transition,
)
from ..services.participants import can_add_copies, can_remove_copy
from ..services.sla import ticket_sla_evaluated
from .common import (
    base_url,
    collect_uploads,
    keep_uploads,
    optional_template,
    over_write_limit,
)
from .parts import NO_PARTS, StaffParts

MESSAGE_LIMIT = ngettext_lazy(
    "You have written on tickets %(limit)d time in the last hour. Please wait a few minutes "
    "and send this again; what you wrote is still here.",
    "You have written on tickets %(limit)d times in the last hour. Please wait a few minutes "
    "and send this again; what you wrote is still here.",
    "limit",
)


def _over_limit(request, form) -> bool:
    return over_write_limit(
        request,
        form,
        scope="ticket-message",
        limit=settings.TICKET_MESSAGES_PER_HOUR,
        message=MESSAGE_LIMIT,
    )


def show_refusal(form, error: ValidationError | PermissionDenied) -> None:
    """A service's refusal on the form that asked: its validation errors under the fields
    they name (the rest at the top), a permission refusal at the top."""
    if isinstance(error, ValidationError):
        form_errors_from(form, error)
    else:
        form.add_error(None, str(error))


def may_set_status(actor, ticket, to_status: str, now=None) -> bool:
    """People in copy follow and answer a ticket; closing or reopening it is for the
    requester, the organization's admins and staff (the same people who add copies)."""
    return can_add_copies(actor, ticket) and can_transition(actor, ticket, to_status, now)


def ticket_in_scope(request, reference, parts: StaffParts = NO_PARTS):
    return ticket_for_actor(
        tenant=request.tenant,
        actor=request.user,
        reference=reference,
        related=parts.ticket_related,
    )


def _detail_context(request, ticket, parts: StaffParts, **forms) -> dict:
    actor = request.user
    staff = actor.is_agent
    now = timezone.now()
    files = ticket_files(ticket=ticket, actor=actor)
    timeline = ticket_timeline(ticket=ticket, actor=actor, files=files)
    # Staff see every status change on the timeline: the clock reads them from there.
    history = timeline_status_history(timeline) if staff else None
    evaluated = ticket_sla_evaluated(ticket=ticket, now=now, history=history)
    context = {
        "ticket": ticket,
        "staff": staff,
        "timeline": timeline,
        "files": files,
        "sla": evaluated.outcome,
        "now": now,
        "can_reply": can_reply(actor, ticket),
        "can_add_evidence": can_add_evidence(actor, ticket),
        "can_close": may_set_status(actor, ticket, Status.CLOSED, now),
        "can_reopen": may_set_status(actor, ticket, Status.IN_PROGRESS, now)
        and ticket.status == Status.RESOLVED,
        "reopen_deadline": reopen_deadline(ticket),
        "reply_form": forms.get("reply_form") or ReplyForm(staff=staff, prefix="reply"),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(prefix="evidence"),
        "kept": forms.get("kept", []),
        "evidence_kept": forms.get("evidence_kept", []),
        **_copies_context(
            request,
            ticket,
            forms.get("copy_form"),
            ever_in_copy=timeline_shows(timeline, EventKind.CC_ADDED),
        ),
    }
    if not staff:
        context["linked_incidents"] = ticket_incidents(ticket=ticket, staff=False)
    else:
        linked, linkable = staff_ticket_incidents(
            ticket=ticket, ever_linked=timeline_shows(timeline, EventKind.INCIDENT)
        )
        context.update(
            {
                "linked_incidents": linked,
                "linkable_incidents": linkable,
                "priority_form": forms.get("priority_form")
                or PriorityForm(initial={"priority": ticket.priority}, prefix="priority"),
                "status_form": forms.get("status_form")
                or StatusForm(initial={"status": ticket.status}, prefix="status"),
                "statuses": [
                    (value, STAFF_STATUS_LABELS[Status(value)])
                    for value in Status.values
                    if value == ticket.status or can_transition(actor, ticket, value, now)
                ],
                "can_assign_others": can_assign_to_others(actor),
                "assign_form": AssignForm(
                    initial={"assignee": ticket.assignee_id},
                    staff=None,
                    menu=staff_rows(tenant=request.tenant),
                    prefix="assign",
                )
                if can_assign_to_others(actor)
                else None,
                "type_form": forms.get("type_form")
                or TypeForm(
                    initial={"ticket_type": ticket.ticket_type_id},
                    tenant=request.tenant,
                    types=selectable_types(tenant=request.tenant),
                    prefix="type",
                ),
                "definitions": priority_definitions(tenant=request.tenant),
                "article_picker_template": optional_template(
                    "knowledge_base/includes/article_picker.html"
                ),
                "ticket_panel_template": parts.ticket_panel,
                "ticket_badge_template": parts.ticket_badge,
            }
        )
        if parts.ticket_context is not None:
            context.update(
                parts.ticket_context(request, ticket, now=now, evaluated=evaluated, forms=forms)
            )
    return context


def copy_form(request, ticket, copies, data=None) -> CopyAddForm:
    """The form to put someone in copy: bound to ``data``, checked against the colleagues
    who may be chosen; blank, its menu from the rows the process keeps."""
    staff = request.user.is_agent
    if data is None:
        menu = copy_candidate_rows(ticket=ticket, copies=copies)
        return CopyAddForm(candidates=None, menu=menu, staff=staff, prefix="copy")
    candidates = copy_candidates(ticket=ticket, copies=copies)
    return CopyAddForm(data, candidates=candidates, staff=staff, prefix="copy")


def _copies_context(request, ticket, form, *, ever_in_copy: bool) -> dict:
    """The people in copy panel: who is in copy (and whom the actor may take out), and the
    form to add someone for those who may. ``ever_in_copy``: whether the page's timeline
    shows anyone put in copy (see ``copies_of_ticket``)."""
    actor = request.user
    copies = copies_of_ticket(ticket=ticket, ever_in_copy=ever_in_copy)
    if form is None and can_add_copies(actor, ticket) and ticket.status != Status.CLOSED:
        form = copy_form(request, ticket, copies)
    return {
        "copies": [(p, can_remove_copy(actor, ticket, p)) for p in copies],
        "copy_form": form,
    }


def render_ticket_page(request, ticket, status=200, *, parts: StaffParts = NO_PARTS, **forms):
    """The ticket page, with ``forms`` (bound, with their errors) in place of blank ones and
    the ``parts`` other apps add for staff (see ``tickets.views.parts``)."""
    template = (
        "tickets/ticket_staff.html" if request.user.is_agent else "tickets/ticket_detail.html"
    )
    context = _detail_context(request, ticket, parts, **forms)
    return render(request, template, context, status=status)


@never_cache
@tenant_member_required
@require_GET
def ticket_detail(request, reference, parts: StaffParts = NO_PARTS):
    return render_ticket_page(request, ticket_in_scope(request, reference, parts), parts=parts)


@never_cache
@tenant_member_required
@require_GET
def ticket_conversation(request, reference):
    """The conversation alone, for the page to refresh it in place."""
    ticket = ticket_in_scope(request, reference)
    return render(
        request,
        "tickets/includes/timeline.html",
        {
            "ticket": ticket,
            "staff": request.user.is_agent,
            "timeline": ticket_timeline(ticket=ticket, actor=request.user),
        },
    )


@never_cache
@tenant_member_required
@require_POST
def ticket_reply_view(request, reference, parts: StaffParts = NO_PARTS):
    ticket = ticket_in_scope(request, reference, parts)
    form = ReplyForm(request.POST, request.FILES, staff=request.user.is_agent, prefix="reply")
    kept = collect_uploads(request, form)
    if form.is_valid() and not form.errors and not _over_limit(request, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                message = ticket_reply(
                    ticket=ticket,
                    actor=request.user,
                    body=data["body"],
                    internal=data.get("internal", False),
                    status=data.get("status") or None,
                    attachment_ids=[a.public_id for a in kept],
                    base_url=base_url(request),
                )
        except (ValidationError, PermissionDenied) as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("Internal note added.") if message.is_internal else _("Reply sent.")
            )
            return redirect(f"{ticket.get_absolute_url()}#message-{message.pk}")
    keep_uploads(form, kept)
    return render_ticket_page(request, ticket, status=400, parts=parts, reply_form=form, kept=kept)


@never_cache
@tenant_member_required
@require_POST
def ticket_evidence(request, reference, parts: StaffParts = NO_PARTS):
    ticket = ticket_in_scope(request, reference, parts)
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    kept = collect_uploads(request, form)
    if form.is_valid() and not form.errors and not _over_limit(request, form):
        if not kept:
            form.add_error("files", _("Choose at least one file."))
        else:
            try:
                with transaction.atomic():
                    ticket_add_evidence(
                        ticket=ticket,
                        actor=request.user,
                        attachment_ids=[a.public_id for a in kept],
                        comment=form.cleaned_data["comment"],
                        base_url=base_url(request),
                    )
            except (ValidationError, PermissionDenied) as error:
                show_refusal(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d file(s) added to %(reference)s.",
                        "%(count)d file(s) added to %(reference)s.",
                        len(kept),
                    )
                    % {"count": len(kept), "reference": ticket.reference},
                )
                return redirect(ticket)
    keep_uploads(form, kept)
    return render_ticket_page(
        request, ticket, status=400, parts=parts, evidence_form=form, evidence_kept=kept
    )


@never_cache
@tenant_member_required
@require_POST
def ticket_status(request, reference, parts: StaffParts = NO_PARTS):
    ticket = ticket_in_scope(request, reference, parts)
    form = StatusForm(request.POST, prefix="status")
    if not form.is_valid():
        return render_ticket_page(request, ticket, status=400, parts=parts, status_form=form)
    to_status = form.cleaned_data["status"]
    try:
        if not can_add_copies(request.user, ticket):
            raise PermissionDenied(_("Only the requester or staff change the status."))
        ticket_transition(
            ticket=ticket,
            actor=request.user,
            to_status=to_status,
            reason=form.cleaned_data["reason"],
            base_url=base_url(request),
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        if to_status == Status.IN_PROGRESS and ticket.status == Status.RESOLVED:
            messages.success(
                request, _("%(reference)s is reopened.") % {"reference": ticket.reference}
            )
        else:
            messages.success(
                request,
                _("%(reference)s is now %(status)s.")
                % {"reference": ticket.reference, "status": Status(to_status).label},
            )
    return redirect(ticket)
