"""What the status page adds to the ticket forms: the known incidents on a component."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.decorators import tenant_member_required

from ..selectors.incidents import component_by_slug, known_incidents


def known_incidents_context(*, tenant, actor, component) -> dict:
    """The incidents and maintenance a person choosing ``component`` should see first."""
    if component is None:
        return {"known_incidents": [], "known_component": None}
    return {
        "known_incidents": known_incidents(
            tenant=tenant, component_id=component.pk, now=timezone.now()
        ),
        "known_component": component,
    }


def chosen_component(form):
    """The component a ticket form stands on (posted or preselected), or None."""
    field = form.fields.get("component")
    if field is None:
        return None
    value = form["component"].value()
    if not value:
        return None
    try:
        return field.to_python(value)
    except ValidationError:
        return None


@never_cache
@tenant_member_required
@require_GET
def known_incidents_partial(request):
    """The “known incident” notice for the component chosen on the new-ticket form (htmx
    asks for it as the choice changes; the form renders the same notice without it)."""
    component = component_by_slug(
        tenant=request.tenant,
        slug=request.GET.get("component", ""),
        staff=request.user.is_agent,
    )
    return render(
        request,
        "tickets/includes/known_incidents.html",
        known_incidents_context(tenant=request.tenant, actor=request.user, component=component),
    )
