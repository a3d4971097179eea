"""Escalation's parts of tickets' staff pages: the panel and the level badge on the ticket
page. Tickets know nothing of them: ``escalation.urls.ticket_pages`` builds tickets' URLs
with ``STAFF_PARTS`` (see ``tickets.views.parts``)."""

from tickets.views.parts import StaffParts

from .forms import NOT_ESCALATED, DeescalateForm, EscalateForm
from .selectors import ticket_escalation_panel


def ticket_page_context(request, ticket, *, now, evaluated, forms) -> dict:
    """The escalation panel (staff only) and its forms, the next level up and the level
    just below proposed; ``forms`` may hold the bound ones of a refused escalation."""
    panel = ticket_escalation_panel(
        tenant=request.tenant, ticket=ticket, actor=request.user, now=now, evaluated=evaluated
    )
    escalate_form = forms.get("escalate_form") or EscalateForm(
        levels=panel.levels,
        initial={"level": panel.next_level.pk if panel.next_level else None},
        prefix="escalate",
    )
    deescalate_form = forms.get("deescalate_form")
    if deescalate_form is None and request.user.is_manager and panel.level is not None:
        below = panel.lower_levels[0].pk if panel.lower_levels else NOT_ESCALATED
        deescalate_form = DeescalateForm(
            levels=panel.lower_levels, initial={"level": below}, prefix="deescalate"
        )
    return {
        "escalation": panel,
        "escalate_form": escalate_form,
        "deescalate_form": deescalate_form,
    }


STAFF_PARTS = StaffParts(
    ticket_context=ticket_page_context,
    ticket_panel="escalation/includes/ticket_panel.html",
    ticket_badge="escalation/includes/ticket_badge.html",
    ticket_related=("escalation_level",),
)
