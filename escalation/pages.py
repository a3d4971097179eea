"""Escalation's parts of tickets' staff pages: the panel and the level badge on the ticket
page; the "Escalated" and "Escalated to my level" queues and the level badge on queue rows;
on the staff home page the count escalated to my level, each person's levels, today's
escalations by level and who is on call (``escalation.home``).
Tickets know nothing of them: ``escalation.urls.ticket_pages`` builds tickets' URLs with
``STAFF_PARTS`` (see ``tickets.views.parts``)."""

from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tickets.views.parts import StaffParts, StaffQueue

from . import home
from .forms import NOT_ESCALATED, DeescalateForm, EscalateForm
from .selectors import ticket_escalation_panel, user_levels


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


def queue_badge(ticket) -> str:
    """The level a queue row's ticket is escalated to, beside its title."""
    level = ticket.escalation_level
    if level is None:
        return ""
    return format_html(
        ' <span class="badge badge-escalation badge-small" title="{}">{}</span>',
        gettext("Escalated to %(level)s") % {"level": level.name},
        level.name,
    )


def escalated_tickets(*, tenant, actor) -> Q:
    return Q(escalation_level__isnull=False)


def tickets_at_my_level(*, tenant, actor) -> Q:
    """Tickets escalated to a level ``actor`` belongs to (the levels a subquery)."""
    return Q(escalation_level__in=user_levels(tenant=tenant, user=actor))


def count_escalated(*, tenant, actor, counts) -> int:
    return sum(c.tickets for c in counts if c.escalation_level_id is not None)


def count_at_my_level(*, tenant, actor, counts) -> int:
    if not any(c.escalation_level_id for c in counts):
        return 0
    mine = set(user_levels(tenant=tenant, user=actor).values_list("pk", flat=True))
    return sum(c.tickets for c in counts if c.escalation_level_id in mine)


QUEUES = {
    "escalated": StaffQueue(
        label=_("Escalated"),
        description=_("Open tickets escalated up the ladder, nearest SLA due time first."),
        tickets=escalated_tickets,
        count=count_escalated,
    ),
    "my-level": StaffQueue(
        label=_("Escalated to my level"),
        description=_(
            "Open tickets escalated to a level you belong to, nearest SLA due time first."
        ),
        tickets=tickets_at_my_level,
        count=count_at_my_level,
    ),
}

STAFF_PARTS = StaffParts(
    ticket_context=ticket_page_context,
    ticket_panel="escalation/includes/ticket_panel.html",
    ticket_badge="escalation/includes/ticket_badge.html",
    ticket_related=("escalation_level",),
    queues=QUEUES,
    row_badge=queue_badge,
    row_columns=("escalation_level__id", "escalation_level__name"),
    home_context=home.home_context,
    home_stats=("escalation/includes/home_my_level.html",),
    home_panels=(
        "escalation/includes/home_escalations_today.html",
        "escalation/includes/home_on_call.html",
    ),
    home_person_badge="escalation/includes/home_person_levels.html",
)
