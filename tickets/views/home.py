"""Each role's home page: what to work on next.

Engineers see their own open tickets by SLA due and counts that link to the queues;
managers the team's load and the tickets at risk or breached now; customers their recent
tickets with the help desk's promise, and organization admins their organization's open
tickets too. Staff pages also show what ``parts`` add (see ``tickets.views.parts``)."""

from dataclasses import dataclass

from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from accounts import selectors as accounts_selectors

from ..selectors.home import customer_home, engineer_home, manager_home
from ..services.sla import queue_sla_badges
from .parts import NO_PARTS, StaffParts


@dataclass(frozen=True)
class TargetPanel:
    key: str
    title: str
    note: str
    count: int
    targets: list
    empty: str


def _target_panels(overview) -> list[TargetPanel]:
    return [
        TargetPanel(
            key="at-risk",
            title=_("At risk now"),
            note=_("Three quarters of a target elapsed and not yet due; nearest due first."),
            count=overview.at_risk_count,
            targets=overview.at_risk,
            empty=_("No ticket is at risk."),
        ),
        TargetPanel(
            key="breached",
            title=_("Breached now"),
            note=_("Open tickets with a target past its due time; longest overdue first."),
            count=overview.breached_count,
            targets=overview.breached,
            empty=_("No open ticket has breached a target."),
        ),
    ]


@never_cache
def home(request, parts: StaffParts = NO_PARTS):
    if request.tenant is None:
        return render(
            request,
            "accounts/portal_list.html",
            {"portals": accounts_selectors.tenant_portal_list()},
        )
    if not request.user.is_authenticated:
        return redirect("account_login")
    if request.user.is_agent:
        return _staff_home(request, parts)
    return _customer_home(request)


def _staff_home(request, parts: StaffParts):
    tenant, actor = request.tenant, request.user
    now = timezone.now()
    context = {"parts": parts}
    if actor.is_manager:
        overview = manager_home(tenant=tenant, now=now)
        context["manager"] = overview
        context["target_panels"] = _target_panels(overview)
        team = [member.person for member in overview.team]
    else:
        overview = engineer_home(tenant=tenant, actor=actor, now=now)
        context["engineer"] = overview
        context["badges"] = queue_sla_badges(
            tenant=tenant, tickets=overview.tickets + overview.customer_replies, now=now
        )
        team = []
    if parts.home_context is not None:
        context.update(parts.home_context(request, now=now, team=team))
    return render(request, "tickets/home_staff.html", context)


def _customer_home(request):
    tenant, actor = request.tenant, request.user
    overview = customer_home(tenant=tenant, actor=actor)
    organization = None
    if actor.is_customer:
        organization = accounts_selectors.organization_for_actor(actor=actor, tenant=tenant)
    return render(
        request,
        "tickets/home_customer.html",
        {
            "home": overview,
            "organization": organization,
            "badges": queue_sla_badges(
                tenant=tenant,
                tickets=overview.recent + overview.organization_open,
                now=timezone.now(),
            ),
        },
    )
