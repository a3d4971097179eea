"""Reads about people around tickets: customers to open a ticket for, people in copy,
and the original of an emailed message."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import CUSTOMER_ROLES, User
from helpdesk.tenant_data import tenant_data

from ..models import (
    Message,
    Ticket,
    TicketParticipant,
)
from .tickets import ticket_for_actor

# ---- people in copy and phone intake ----------------------------------------------------

CUSTOMER_SEARCH_LIMIT = 20


def active_customers(*, tenant) -> QuerySet[User]:
    """The tenant's customers who can have tickets: active, of an active organization."""
    return User.objects.for_tenant(tenant).filter(
        role__in=CUSTOMER_ROLES,
        is_active=True,
        organization__isnull=False,
        organization__is_active=True,
    )


def customer_search(
    *, tenant, query: str, limit: int = CUSTOMER_SEARCH_LIMIT, organization_id: int | None = None
) -> list[User]:
    """Customers whose name or email holds every word of ``query`` (at most ``limit``,
    by name; one query, organizations joined), of one organization if given. Nothing for
    an empty query."""
    words = query.split()[:6]
    if not words:
        return []
    customers = active_customers(tenant=tenant)
    if organization_id is not None:
        customers = customers.filter(organization_id=organization_id)
    for word in words:
        customers = customers.filter(Q(full_name__icontains=word) | Q(email__icontains=word))
    return list(customers.select_related("organization").order_by("full_name", "email")[:limit])


def customer_for_intake(*, tenant, customer_id) -> User | None:
    """The customer an engineer opens a ticket for, if they can have one."""
    try:
        customer_id = int(customer_id)
    except (TypeError, ValueError):
        return None
    return (
        active_customers(tenant=tenant)
        .select_related("organization")
        .filter(pk=customer_id)
        .first()
    )


def organization_colleagues(*, tenant, organization_id: int, exclude=()) -> QuerySet[User]:
    """Active customers of one organization (people to put in copy), by name."""
    return (
        active_customers(tenant=tenant)
        .filter(organization_id=organization_id)
        .exclude(pk__in=[pk for pk in exclude if pk])
        .order_by("full_name", "email")
    )


def copies_of_ticket(*, ticket: Ticket, ever_in_copy: bool = True) -> list[TicketParticipant]:
    """The people in copy now, in the order they were added (one query). ``ever_in_copy``
    False: the caller read the ticket's timeline and found no "added in copy" event, which
    every addition writes in its transaction (``ticket_cc_add``), so nobody is: no query."""
    if not ever_in_copy:
        return []
    return list(
        TicketParticipant.objects.for_tenant(ticket.tenant_id)
        .filter(ticket=ticket, removed_at__isnull=True)
        .select_related("user")
        .order_by("added_at", "pk")
    )


def copy_candidates(*, ticket: Ticket, copies: list[TicketParticipant]) -> QuerySet[User]:
    """Colleagues of the ticket's organization who may be put in copy: not the requester,
    not in copy already."""
    return organization_colleagues(
        tenant=ticket.tenant,
        organization_id=ticket.organization_id,
        exclude=[ticket.requester_id, *(p.user_id for p in copies)],
    )


def copy_candidate_rows(
    *, ticket: Ticket, copies: list[TicketParticipant]
) -> list[tuple[int, str, str]]:
    """``copy_candidates`` as (id, full name, email) for the menu, from rows every process
    keeps per organization while the tenant's people are unchanged (``helpdesk.tenant_data``:
    a person's or an organization's save forgets them)."""
    organization_id = ticket.organization_id
    colleagues = tenant_data(
        ticket.tenant_id,
        f"colleagues:{organization_id}",
        lambda: tuple(
            organization_colleagues(
                tenant=ticket.tenant_id, organization_id=organization_id
            ).values_list("pk", "full_name", "email")
        ),
    )
    excluded = {ticket.requester_id, *(p.user_id for p in copies)}
    return [row for row in colleagues if row[0] not in excluded]


def copy_for_removal(*, ticket: Ticket, participant_id: int) -> TicketParticipant:
    """Someone in copy of ``ticket`` now (a ticket the actor may see); 404 otherwise."""
    participant = (
        TicketParticipant.objects.for_tenant(ticket.tenant_id)
        .filter(ticket=ticket, pk=participant_id, removed_at__isnull=True)
        .first()
    )
    if participant is None:
        raise Http404("No such person in copy.")
    return participant


def inbound_email_for_actor(*, tenant, actor: User, reference: str, message_id: int):
    """The email a message of a ticket came in, for staff; the same 404 for customers, for
    a message that did not come by email and for another tenant's."""
    if not actor.is_agent:
        raise Http404("No such email.")
    ticket = ticket_for_actor(tenant=tenant, actor=actor, reference=reference)
    message = (
        Message.objects.for_tenant(tenant)
        .filter(ticket=ticket, pk=message_id, inbound_email__isnull=False)
        .select_related("inbound_email")
        .first()
    )
    if message is None or message.inbound_email.tenant_id != tenant.pk:
        raise Http404("No such email.")
    return message.inbound_email
