"""What each role's home page shows: a few counts and short lists, each in one query on the
tickets' indexes (an engineer's tickets through ``ticket_assignee``, open tickets through
``ticket_open_sla``, running targets through ``sla_outcome_running``); never all open tickets
in memory."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Coalesce, RowNumber

from accounts.models import Tenant, User

from ..models import OPEN_STATUSES, OpenTicketCount, SlaOutcome, SlaState, Status, Ticket
from .lists import LIST_COLUMNS, LIST_RELATED, QueueFilters, customer_tickets, queue_tickets
from .tickets import assignable_staff, visible_tickets

# A ticket on hold this many days without anyone touching it is worth a nudge.
WAITING_DAYS = 3
MY_TICKETS_SHOWN = 10
CUSTOMER_REPLIES_SHOWN = 5
AT_RISK_SHOWN = 10
RECENT_SHOWN = 10
ORGANIZATION_OPEN_SHOWN = 10


def viewer_zone(*, tenant, user: User) -> ZoneInfo:
    """The zone "today" is counted in: the person's own, else the help desk's."""
    return ZoneInfo(user.time_zone or tenant.time_zone or "UTC")


def local_midnight(now: datetime, zone: ZoneInfo) -> datetime:
    """The instant today began in ``zone``."""
    return datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)


def end_of_local_day(now: datetime, zone: ZoneInfo) -> datetime:
    """The instant today ends in ``zone`` (tomorrow's midnight, whatever the day's length)."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=zone)


def _joined(tickets):
    return tickets.select_related(*LIST_RELATED).only(*LIST_COLUMNS)


@dataclass(frozen=True)
class EngineerHome:
    tickets: list[Ticket]  # my open tickets, nearest SLA due first
    open_count: int
    due_within_hour: int
    due_today: int
    waiting: int
    customer_replies: list[Ticket]
    waiting_days: int = WAITING_DAYS


def engineer_home(*, tenant, actor: User, now: datetime) -> EngineerHome:
    """An engineer's own open tickets (three queries).

    "Due within the next hour" and "due by the end of today" count the tickets whose nearest
    SLA due time (the queues' ``sla_due_at``) falls before then, overdue ones included: they
    are the first rows of "Mine" sorted by SLA due, where each count links.

    "Waiting on the customer" counts tickets on hold whose last update (``updated_at``) is
    more than ``WAITING_DAYS`` days old, rather than the last status change: the queue the
    count links to shows and sorts by the last update, so the count agrees with what it
    lists, and a reply or a note since is someone working the ticket already.
    """
    zone = viewer_zone(tenant=tenant, user=actor)
    mine = Ticket.objects.for_tenant(tenant).filter(assignee=actor, status__in=OPEN_STATUSES)
    # Separate counts: the open ones from the counts the database keeps, the others each
    # answered by an index (``ticket_assignee``; the waiting one from its on-hold range).
    counts = (
        Tenant.objects.filter(pk=tenant.pk)
        .annotate(
            open=_count(
                OpenTicketCount.objects.for_tenant(tenant).filter(assignee=actor),
                Sum("tickets"),
                by="assignee",
            ),
            hour=_count(mine.filter(sla_due_at__lte=now + timedelta(hours=1)), Count("tenant")),
            today=_count(mine.filter(sla_due_at__lt=end_of_local_day(now, zone)), Count("tenant")),
            waiting=_count(
                mine.filter(
                    status=Status.ON_HOLD, updated_at__lt=now - timedelta(days=WAITING_DAYS)
                ),
                Count("tenant"),
            ),
        )
        .values("open", "hour", "today", "waiting")
        .get()
    )
    # The queue's rows with their related rows joined in (the home page has no filter
    # menus to take them from).
    queue = _joined(queue_tickets(tenant=tenant, actor=actor, queue="mine", filters=QueueFilters()))
    by_reply = _joined(
        queue_tickets(
            tenant=tenant, actor=actor, queue="mine", filters=QueueFilters(sort="customer_reply")
        ).filter(last_customer_reply_at__isnull=False)
    )
    # The latest replies found on the tickets alone, then joined for their rows.
    latest = by_reply.values("pk")[:CUSTOMER_REPLIES_SHOWN]
    replies = by_reply.filter(pk__in=latest)
    return EngineerHome(
        tickets=list(queue[:MY_TICKETS_SHOWN]),
        open_count=counts["open"],
        due_within_hour=counts["hour"],
        due_today=counts["today"],
        waiting=counts["waiting"],
        customer_replies=list(replies),
    )


@dataclass(frozen=True)
class TeamMember:
    person: User
    open_tickets: int


@dataclass(frozen=True)
class ManagerHome:
    team: list[TeamMember]  # most loaded first
    unassigned: int
    at_risk_count: int
    breached_count: int
    at_risk: list[SlaOutcome]  # the targets at risk, nearest due first
    breached: list[SlaOutcome]  # the targets breached, longest overdue first


def team_load(*, tenant) -> list[TeamMember]:
    """Each active staff member with their open tickets, most loaded first (one query: a
    sum per person over the open-ticket counts the database keeps, whose cost does not grow
    with the open tickets)."""
    theirs = OpenTicketCount.objects.for_tenant(tenant).filter(assignee=OuterRef("pk"))
    people = (
        assignable_staff(tenant=tenant)
        .only("id", "tenant_id", "full_name", "email", "role", "tier")
        .annotate(open_tickets=_count(theirs, Sum("tickets"), by="assignee"))
    )
    team = [TeamMember(person=person, open_tickets=person.open_tickets) for person in people]
    team.sort(key=lambda member: -member.open_tickets)
    return team


def at_risk_filter(now: datetime) -> Q:
    """A running target with 75 per cent of it elapsed and its due time still ahead."""
    return Q(state=SlaState.RUNNING, risk_at__lte=now, due_at__gt=now)


def breached_filter(now: datetime) -> Q:
    """A target breached: recorded so, or running past its due time (the breach sweep
    records it within the minute)."""
    return Q(state=SlaState.RUNNING, due_at__lte=now) | Q(state=SlaState.BREACHED)


def _count(queryset, expression, *, by: str = "tenant") -> Subquery:
    """``queryset``'s count as a scalar subquery, 0 when there are no rows (``by``: a
    column the rows share)."""
    counted = queryset.order_by().values(by).annotate(n=expression).values("n")
    return Coalesce(Subquery(counted), 0)


def _first(tickets, *order):
    """The ids of the first ``AT_RISK_SHOWN`` of ``tickets`` in ``order``, to combine in a
    union: sliced where the database takes a LIMIT inside a union (PostgreSQL, which then
    also plans on ten rows), else numbered."""
    tickets = tickets.order_by(*order).values("pk")
    if connection.features.supports_slicing_ordering_in_compound:
        return tickets[:AT_RISK_SHOWN]
    numbered = tickets.annotate(row=Window(RowNumber(), order_by=[F(name) for name in order]))
    return numbered.filter(row__lte=AT_RISK_SHOWN).order_by().values("pk")


# What a row of "at risk" or "breached" shows: the target, its ticket, who has it.
TARGET_COLUMNS = (
    "id", "tenant_id", "ticket_id", "metric", "state", "due_at",
    "ticket__id", "ticket__tenant_id", "ticket__number", "ticket__title", "ticket__status",
    "ticket__assignee_id", "ticket__organization_id",
    "ticket__tenant__id", "ticket__tenant__ticket_prefix",
    "ticket__assignee__id", "ticket__assignee__full_name", "ticket__assignee__email",
    "ticket__organization__id", "ticket__organization__name",
)  # fmt: skip


def manager_home(*, tenant, now: datetime) -> ManagerHome:
    """The team's load and the open tickets at risk or breached now (four queries).

    Counts are of tickets; the lists are of targets (a ticket may be at risk of its
    resolution after breaching its first response, and shows in both).

    Both start from the open tickets and running targets, never from the breached targets
    of every ticket ever closed. An open ticket has a target breached exactly when an
    active target is past due (its ``sla_due_at``, the nearest active due time, has
    passed) or a target is recorded breached on the ticket: a first response given late,
    or a resolution breached before the ticket went on hold (its clock paused, so the
    target is no longer in ``sla_due_at``). A running target belongs to an open ticket:
    resolving or closing a ticket decides its targets.
    """
    team = team_load(tenant=tenant)
    tickets = Ticket.objects.for_tenant(tenant).filter(status__in=OPEN_STATUSES)
    # Recorded breached, and no active target past due (those are in ``overdue``).
    not_overdue = Q(sla_due_at__gt=now) | Q(sla_due_at__isnull=True)
    first_late = Q(first_response_state=SlaState.BREACHED)
    resolution_late = Q(resolution_state=SlaState.BREACHED)
    at_risk = SlaOutcome.objects.for_tenant(tenant).filter(at_risk_filter(now))
    counts = (
        Tenant.objects.filter(pk=tenant.pk)
        .annotate(
            unassigned=_count(
                OpenTicketCount.objects.for_tenant(tenant).filter(assignee__isnull=True),
                Sum("tickets"),
            ),
            # Past an active target's due time (``ticket_open_sla`` alone).
            overdue=_count(tickets.filter(sla_due_at__lte=now), Count("tenant")),
            at_risk=_count(at_risk, Count("ticket", distinct=True)),
            first_late=_count(tickets.filter(first_late, not_overdue), Count("tenant")),
            resolution_late=_count(
                tickets.filter(resolution_late, not_overdue).exclude(first_late), Count("tenant")
            ),
        )
        .values("unassigned", "overdue", "at_risk", "first_late", "resolution_late")
        .get()
    )
    # The nearest due targets at risk are targets of these tickets (found from the running
    # targets alone).
    nearest = at_risk.order_by("due_at", "ticket_id").values("ticket_id")[:AT_RISK_SHOWN]
    # The longest overdue targets are targets of the first tickets by each of these dues.
    candidates = _first(
        tickets.filter(sla_due_at__lte=now), "sla_due_at", "priority", "created_at"
    ).union(
        _first(tickets.filter(first_late), "first_response_due_at"),
        _first(tickets.filter(resolution_late), "resolution_due_at"),
    )
    rows = (
        SlaOutcome.objects.for_tenant(tenant)
        .filter(ticket__status__in=OPEN_STATUSES)
        .select_related("ticket__tenant", "ticket__assignee", "ticket__organization")
        .only(*TARGET_COLUMNS)
    )
    return ManagerHome(
        team=team,
        unassigned=counts["unassigned"],
        at_risk_count=counts["at_risk"],
        breached_count=counts["overdue"] + counts["first_late"] + counts["resolution_late"],
        at_risk=list(
            rows.filter(at_risk_filter(now), ticket_id__in=nearest).order_by(
                "due_at", "ticket_id", "pk"
            )[:AT_RISK_SHOWN]
        ),
        breached=list(
            rows.filter(breached_filter(now), ticket_id__in=candidates).order_by(
                F("due_at").asc(nulls_last=True), "pk"
            )[:AT_RISK_SHOWN]
        ),
    )


@dataclass(frozen=True)
class CustomerHome:
    recent: list[Ticket]  # my tickets, most recently updated first
    organization_open: list[Ticket]  # organization admins: the organization's open tickets
    organization_open_count: int


def customer_home(*, tenant, actor: User) -> CustomerHome:
    """A customer's recent tickets; for an organization admin also the organization's open
    tickets, nearest SLA due first (one query, two more for an organization admin)."""
    recent = list(customer_tickets(tenant=tenant, actor=actor)[:RECENT_SHOWN])
    if not actor.is_org_admin:
        return CustomerHome(recent=recent, organization_open=[], organization_open_count=0)
    open_tickets = visible_tickets(tenant=tenant, actor=actor).filter(status__in=OPEN_STATUSES)
    rows = (
        open_tickets.select_related(*LIST_RELATED)
        .only(*LIST_COLUMNS)
        .order_by(F("sla_due_at").asc(nulls_last=True), "priority", "created_at")
    )
    return CustomerHome(
        recent=recent,
        organization_open=list(rows[:ORGANIZATION_OPEN_SHOWN]),
        organization_open_count=open_tickets.count(),
    )
