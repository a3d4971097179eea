"""What apps built on tickets add to the staff pages: the ticket page, the queues and the
staff home page.

Tickets import none of those apps. An app that adds to these pages (escalation: its panel,
its badges, the "Escalated" queues) describes its parts in one ``StaffParts`` value and
builds tickets' URLs with it (``tickets.urls.ticket_urlpatterns(parts=...)``); the root
URLconf includes those URLs in place of ``tickets.urls``. Every view that renders the
ticket page or a queue receives the parts from its URL, so a page re-rendered with a form's
errors shows them too. Without parts the pages are tickets' own.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q


@dataclass(frozen=True)
class StaffQueue:
    """A queue listed after tickets' own (Unassigned, Mine, All open): open tickets only,
    filtered, sorted and counted like the others."""

    label: str
    description: str
    # ``(tenant=, actor=) -> Q``: the tickets it holds.
    tickets: Callable[..., Q]
    # ``(tenant=, actor=, counts=) -> int``: how many, from ``counts`` (the open tickets by
    # assignee and escalation level, ``tickets.selectors.open_counts``), never by counting
    # tickets.
    count: Callable[..., int]
    # Whether the assignee filter is offered (as on "All open").
    filter_by_assignee: bool = True


@dataclass(frozen=True)
class StaffParts:
    # The ticket page: ``ticket_context(request, ticket, *, now, evaluated, forms)`` returns
    # the context of ``ticket_panel`` (a card below the SLA panel) and ``ticket_badge``
    # (beside the status); ``evaluated`` is the ticket's SLA evaluation the page already
    # made, ``forms`` the bound forms the page is re-rendered with (the part's own among
    # them, keeping their errors).
    ticket_context: Callable[..., dict] | None = None
    ticket_panel: str | None = None
    ticket_badge: str | None = None
    # Relations loaded with the ticket for the panel and the badge.
    ticket_related: tuple[str, ...] = ()
    # The queues: more queues, and a badge on each row: ``row_badge(ticket)`` returns its
    # HTML (safe, escaped by the part) reading ``row_columns`` (columns of related rows,
    # such as ``"escalation_level__name"``, joined into the rows' one query).
    queues: Mapping[str, StaffQueue] = field(default_factory=dict)
    row_badge: Callable[..., str] | None = None
    row_columns: tuple[str, ...] = ()
    # The staff home page: ``home_context(request, *, now, team)`` returns the context of
    # ``home_stats`` (counts beside the engineer's own, in their row), ``home_panels``
    # (cards after tickets' own) and ``home_person_badge`` (beside each person of the
    # manager's team load); ``team`` holds the people of that table (empty on an
    # engineer's page). It runs a constant number of queries, whatever the team's size.
    home_context: Callable[..., dict] | None = None
    home_stats: tuple[str, ...] = ()
    home_panels: tuple[str, ...] = ()
    home_person_badge: str | None = None


# Tickets' pages alone.
NO_PARTS = StaffParts()
