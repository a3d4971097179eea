"""The tenant admin's security pages: who has two-factor authentication (with a reset for a
lost phone) and the security audit log."""

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk.links import tenant_base_url

from .audit import BadCursor, Origin, audit_events_for_tenant, audit_events_page
from .decorators import tenant_admin_required
from .models import AuditEvent
from .two_factor import selectors as two_factor_selectors
from .two_factor import services as two_factor_services

PAGE_SIZE = 50


@require_GET
@tenant_admin_required
def people_security(request):
    group = request.GET.get("group", "")
    without = request.GET.get("without") == "1"
    people = two_factor_selectors.people_security_list(
        tenant=request.tenant, group=group, without_two_factor=without
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "people": list(page.object_list),
        "group": group,
        "groups": [
            (key, label) for key, (label, _roles) in two_factor_selectors.PEOPLE_GROUPS.items()
        ],
        "without": without,
    }
    return render(request, "accounts/person_security_list.html", context)


@require_POST
@tenant_admin_required
def person_two_factor_reset(request, person_id: int):
    person = two_factor_selectors.person_for_tenant_admin(
        actor=request.user, tenant=request.tenant, user_id=person_id
    )
    try:
        two_factor_services.two_factor_reset(
            actor=request.user,
            tenant=request.tenant,
            user=person,
            origin=Origin.from_request(request),
            base_url=tenant_base_url(tenant=request.tenant),
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Two-factor authentication of %(person)s was reset; they were emailed. They "
                "set up a new authenticator app when they next sign in."
            )
            % {"person": person},
        )
    return redirect("security_people")


@require_GET
@tenant_admin_required
def audit_log(request):
    kind = request.GET.get("kind", "")
    if kind not in AuditEvent.Kind.values:
        kind = ""
    email = request.GET.get("email", "").strip()[:254]
    before = request.GET.get("before", "")
    try:
        events, older = audit_events_page(
            audit_events_for_tenant(tenant=request.tenant, kind=kind, email=email),
            before=before,
            size=PAGE_SIZE,
        )
    except BadCursor:
        raise BadRequest("This page of the log does not exist.") from None
    context = {
        "events": events,
        "older": older,
        "paged": bool(before),
        "kind": kind,
        "kinds": AuditEvent.Kind.choices,
        "email": email,
    }
    return render(request, "accounts/audit_event_list.html", context)
