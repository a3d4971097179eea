"""The staff's incident pages: the list, declaring and scheduling, the incident page with
its forms, and setting a component's state by hand."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import manager_required, staff_required
from helpdesk.forms import form_errors_from
from helpdesk.markdown import render_markdown

from ..models import ComponentStatus, IncidentKind, IncidentStatus, TicketIncident
from ..selectors import assignable_staff
from .forms import (
    ComponentStateForm,
    IncidentDeclareForm,
    IncidentEditForm,
    IncidentUpdateForm,
    LinkedReplyForm,
    TicketNumbersForm,
    tenant_zone,
)
from .linked import (
    DEFAULT_RESOLUTION_REPLY,
    incident_resolution_reply_set,
    incident_tickets_unreplied,
)
from .services import (
    component_status_set,
    incident_create,
    incident_edit,
    incident_update_post,
    ticket_incident_link,
    ticket_incident_unlink,
)
from .staff_selectors import (
    incident_affected,
    incident_for_staff,
    incident_links,
    incident_updates,
    incidents_overview,
    tenant_components,
    tickets_by_number,
)

PREVIEW = "preview"


def _over(incident) -> bool:
    """Resolved, or a maintenance window completed: its linked tickets may be answered (a
    cancelled window fixed nothing)."""
    return incident.status in (IncidentStatus.RESOLVED, IncidentStatus.COMPLETED)


def _refusal(form, error) -> None:
    if isinstance(error, ValidationError):
        form_errors_from(form, error)
    else:
        form.add_error(None, str(error))


def _preview(form) -> dict | None:
    """What customers will see, from a valid form: the message as rendered for them and
    each component's state."""
    states = dict(ComponentStatus.choices)
    return {
        "body_html": render_markdown(form.cleaned_data["body"]),
        "components": [
            (component, states[status])
            for component in form.components
            if (status := form.cleaned_data.get(f"component_{component.pk}"))
        ],
    }


@never_cache
@staff_required
@require_GET
def incident_list(request):
    tenant = request.tenant
    overview = incidents_overview(tenant=tenant, now=timezone.now())
    components = list(tenant_components(tenant=tenant)) if request.user.is_manager else []
    return render(
        request,
        "status/staff/incident_list.html",
        {
            "overview": overview,
            "components": components,
            "states": ComponentStatus.choices,
            "zone": tenant_zone(tenant),
        },
    )


def _declare(request, kind: str):
    tenant, actor = request.tenant, request.user
    form_args = {
        "tenant": tenant,
        "kind": kind,
        "staff": assignable_staff(tenant=tenant),
        "components": tenant_components(tenant=tenant),
        "author": actor,
    }
    preview = None
    status = 200
    if request.method == "POST":
        form = IncidentDeclareForm(request.POST, **form_args)
        if form.is_valid():
            if request.POST.get("action") == PREVIEW:
                preview = _preview(form)
            else:
                data = form.cleaned_data
                try:
                    incident = incident_create(
                        tenant=tenant,
                        actor=actor,
                        kind=kind,
                        title=data["title"],
                        body=data["body"],
                        status=data["status"],
                        impact=data["impact"],
                        affected=form.affected(),
                        owner=data["owner"],
                        starts_at=data.get("starts_at"),
                        ends_at=data.get("ends_at"),
                        resolution_reply=data["resolution_reply"],
                        notify=data["notify"],
                    )
                except (ValidationError, PermissionDenied) as error:
                    _refusal(form, error)
                else:
                    messages.success(request, _("Published: %(title)s.") % {"title": incident})
                    return redirect("incidents:detail", incident.pk)
        if not form.is_valid() or form.errors:
            status = 400
    else:
        form = IncidentDeclareForm(**form_args)
    return render(
        request,
        "status/staff/incident_new.html",
        {
            "form": form,
            "preview": preview,
            "maintenance": kind == IncidentKind.MAINTENANCE,
            "zone": tenant_zone(tenant),
        },
        status=status,
    )


@never_cache
@staff_required
def incident_new(request):
    return _declare(request, IncidentKind.INCIDENT)


@never_cache
@staff_required
def maintenance_new(request):
    return _declare(request, IncidentKind.MAINTENANCE)


def _forms(request, incident, affected):
    tenant = request.tenant
    staff = assignable_staff(tenant=tenant)
    return {
        "update_form": IncidentUpdateForm(
            incident=incident, components=tenant_components(tenant=tenant), affected=affected
        ),
        "edit_form": IncidentEditForm(incident=incident, tenant=tenant, staff=staff),
        "link_form": TicketNumbersForm(),
        "reply_form": LinkedReplyForm(
            initial={"reply": incident.resolution_reply or str(DEFAULT_RESOLUTION_REPLY)}
        ),
    }


def _detail(request, incident, *, status=200, **overrides):
    affected = incident_affected(incident=incident)
    links = incident_links(incident=incident)
    context = {
        "incident": incident,
        "updates": incident_updates(incident=incident),
        "affected": affected,
        "links": links,
        "unreplied": sum(1 for link in links if link.replied_at is None),
        "can_reply_linked": _over(incident),
        "zone": tenant_zone(request.tenant),
        **_forms(request, incident, affected),
        **overrides,
    }
    return render(request, "status/staff/incident_detail.html", context, status=status)


@never_cache
@staff_required
@require_GET
def incident_detail(request, pk):
    incident = incident_for_staff(tenant=request.tenant, actor=request.user, pk=pk)
    return _detail(request, incident)


@never_cache
@staff_required
@require_POST
def incident_update(request, pk):
    tenant = request.tenant
    incident = incident_for_staff(tenant=tenant, actor=request.user, pk=pk)
    form = IncidentUpdateForm(
        request.POST,
        incident=incident,
        components=tenant_components(tenant=tenant),
        affected=incident_affected(incident=incident),
    )
    if form.is_valid():
        if request.POST.get("action") == PREVIEW:
            return _detail(request, incident, update_form=form, update_preview=_preview(form))
        try:
            incident_update_post(
                incident=incident,
                actor=request.user,
                status=form.cleaned_data["status"],
                body=form.cleaned_data["body"],
                affected=form.affected(),
                notify=form.cleaned_data["notify"],
            )
        except (ValidationError, PermissionDenied) as error:
            _refusal(form, error)
        else:
            messages.success(request, _("The update is published."))
            return redirect("incidents:detail", incident.pk)
    return _detail(request, incident, status=400, update_form=form)


@never_cache
@staff_required
@require_POST
def incident_edit_view(request, pk):
    tenant = request.tenant
    incident = incident_for_staff(tenant=tenant, actor=request.user, pk=pk)
    form = IncidentEditForm(
        request.POST, incident=incident, tenant=tenant, staff=assignable_staff(tenant=tenant)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            incident_edit(
                incident=incident,
                actor=request.user,
                title=data["title"],
                impact=data["impact"],
                owner=data["owner"],
                resolution_reply=data["resolution_reply"],
                starts_at=data.get("starts_at"),
                ends_at=data.get("ends_at"),
            )
        except (ValidationError, PermissionDenied) as error:
            _refusal(form, error)
        else:
            messages.success(request, _("The details are saved."))
            return redirect("incidents:detail", incident.pk)
    return _detail(request, incident, status=400, edit_form=form)


@never_cache
@staff_required
@require_POST
def incident_link(request, pk):
    tenant = request.tenant
    incident = incident_for_staff(tenant=tenant, actor=request.user, pk=pk)
    form = TicketNumbersForm(request.POST)
    if not form.is_valid():
        return _detail(request, incident, status=400, link_form=form)
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
        return _detail(request, incident, status=400, link_form=form)
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
    if not _over(incident):
        form.add_error(None, _("Reply to the linked tickets once the incident is over."))
    if not form.is_valid():
        return _detail(request, incident, status=400, reply_form=form)
    try:
        incident_resolution_reply_set(
            incident=incident, actor=request.user, text=form.cleaned_data["reply"]
        )
    except (ValidationError, PermissionDenied) as error:
        _refusal(form, error)
        return _detail(request, incident, status=400, reply_form=form)
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
