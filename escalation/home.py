"""Escalation's parts of the staff home page (``tickets.views.parts.StaffParts``): an
engineer's count of tickets escalated to their level; for managers the levels each person
of the team belongs to, today's escalations by level and who is on call now and next."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, Count, F
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce

from accounts.models import Role, User
from tickets.models import OPEN_STATUSES, EventKind, Ticket, TicketEvent
from tickets.selectors.home import local_midnight, viewer_zone

from .models import Audience, EscalationLevel, OnCallShift
from .selectors import levels_for_tenant, on_call_now, user_levels


def my_level_count(*, tenant, actor: User) -> int:
    """Open tickets escalated to a level ``actor`` belongs to: the "Escalated to my level"
    queue's count (one query)."""
    return (
        Ticket.objects.for_tenant(tenant)
        .filter(
            status__in=OPEN_STATUSES, escalation_level__in=user_levels(tenant=tenant, user=actor)
        )
        .count()
    )


def _belongs(level: EscalationLevel, person: User, named: set[int]) -> bool:
    """``user_levels`` for one level and one person, in memory (see there)."""
    if person.pk in named or level.audience == Audience.STAFF:
        return True
    if level.audience == Audience.MANAGERS:
        return person.is_manager
    if level.audience == Audience.ENGINEERS and person.role == Role.ENGINEER:
        return level.tier in ("", person.tier)
    return False


def levels_of_people(*, tenant, people) -> dict[int, list[EscalationLevel]]:
    """The levels each of ``people`` (staff of ``tenant``) belongs to, lowest first, as
    :func:`escalation.selectors.user_levels` gives them: two queries for any number."""
    people = [person for person in people if person.is_agent and person.tenant_id == tenant.pk]
    if not people:
        return {}
    levels = list(levels_for_tenant(tenant=tenant))
    named = defaultdict(set)
    through = EscalationLevel.users.through
    for level_id, user_id in through.objects.filter(
        escalationlevel__tenant=tenant, user_id__in=[person.pk for person in people]
    ).values_list("escalationlevel_id", "user_id"):
        named[level_id].add(user_id)
    return {
        person.pk: [level for level in levels if _belongs(level, person, named[level.pk])]
        for person in people
    }


@dataclass(frozen=True)
class LevelCount:
    name: str
    count: int


def escalations_today(*, tenant, since: datetime) -> list[LevelCount]:
    """Escalations since ``since`` per level, most first (one query): the level the timeline
    entry names, else the ticket's level now."""
    rows = (
        TicketEvent.objects.for_tenant(tenant)
        .filter(kind=EventKind.ESCALATED, created_at__gte=since)
        .annotate(
            level_name=Coalesce(
                KeyTextTransform("level", "data"),
                F("ticket__escalation_level__name"),
                output_field=CharField(),
            )
        )
        .values("level_name")
        .annotate(count=Count("pk"))
        .order_by("-count", "level_name")
    )
    return [LevelCount(name=row["level_name"] or "", count=row["count"]) for row in rows]


@dataclass(frozen=True)
class OnCall:
    now: list[User]
    next: OnCallShift | None


def on_call(*, tenant, now: datetime) -> OnCall:
    """Who is on call at ``now`` and the next shift to start after it (two queries)."""
    upcoming = (
        OnCallShift.objects.for_tenant(tenant)
        .filter(starts_at__gt=now, user__is_active=True)
        .select_related("user")
        .order_by("starts_at", "pk")
        .first()
    )
    return OnCall(now=on_call_now(tenant=tenant, at=now), next=upcoming)


def home_context(request, *, now: datetime, team) -> dict:
    tenant, actor = request.tenant, request.user
    if not actor.is_manager:
        return {"my_level_count": my_level_count(tenant=tenant, actor=actor)}
    zone = viewer_zone(tenant=tenant, user=actor)
    return {
        "levels_of_people": levels_of_people(tenant=tenant, people=team),
        "escalations_today": escalations_today(tenant=tenant, since=local_midnight(now, zone)),
        "on_call": on_call(tenant=tenant, now=now),
    }
