"""The staff's incident pages: the list, declaring and scheduling, the incident page with
its update and edit forms (linking tickets, replying to them and setting a component's state
by hand are in :mod:`tickets.status.staff_link_views`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import staff_required
from helpdesk.forms import form_errors_from
from helpdesk.markdown import render_markdown

from ..models import ComponentStatus, IncidentKind, IncidentStatus
from ..selectors import assignable_staff
from .forms import (
    IncidentDeclareForm,
    IncidentEditForm,
    IncidentUpdateForm,
    LinkedReplyForm,
    TicketNumbersForm,
    tenant_zone,
)
from .linked import (
    DEFAULT_RESOLUTION_REPLY,
)
from .services import (
    incident_create,
    incident_edit,
    incident_update_post,
)
from .staff_selectors import (
    incident_affected,
    incident_for_staff,
    incident_links,
    incident_updates,
    incidents_overview,
    tenant_components,
)

PREVIEW = "preview"


def incident_over(incident) -> bool:
    """Resolved, or a maintenance window completed: its linked tickets may be answered (a
    cancelled window fixed nothing)."""
    return incident.status in (IncidentStatus.RESOLVED, IncidentStatus.COMPLETED)


def form_refusal(form, error) -> None:
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
                    form_refusal(form, error)
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


def incident_page(request, incident, *, status=200, **overrides):
    affected = incident_affected(incident=incident)
    links = incident_links(incident=incident)
    context = {
        "incident": incident,
        "updates": incident_updates(incident=incident),
        "affected": affected,
        "links": links,
        "unreplied": sum(1 for link in links if link.replied_at is None),
        "can_reply_linked": incident_over(incident),
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
    return incident_page(request, incident)


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
            return incident_page(request, incident, update_form=form, update_preview=_preview(form))
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
            form_refusal(form, error)
        else:
            messages.success(request, _("The update is published."))
            return redirect("incidents:detail", incident.pk)
    return incident_page(request, incident, status=400, update_form=form)


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
            form_refusal(form, error)
        else:
            messages.success(request, _("The details are saved."))
            return redirect("incidents:detail", incident.pk)
    return incident_page(request, incident, status=400, edit_form=form)
