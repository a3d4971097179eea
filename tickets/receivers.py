"""What tickets do when something below them changes."""

from django.db import transaction

from accounts.services import tenant_time_zone_changed
from helpdesk.tenant_data import watch

from .models import Component, Incident, Mailbox, PriorityDefinition, TicketType


def tenant_time_zone_changed_received(sender, *, tenant, **kwargs):
    """The SLA rollups count per local day: recount them in the new time zone."""
    from .tasks import rebuild_sla_rollups

    transaction.on_commit(lambda: rebuild_sla_rollups.delay(tenant.pk))


def connect() -> None:
    # The catalogue, the priorities' words, the reply address, the components a ticket may
    # be about and the open incidents staff link tickets to are kept per process; a
    # component's state, which incidents change, is not part of it (the ticket forms do not
    # show it).
    watch(
        TicketType,
        PriorityDefinition,
        Mailbox,
        Component,
        Incident,
        live={Component: ("status", "status_changed_at")},
    )
    tenant_time_zone_changed.connect(
        tenant_time_zone_changed_received, dispatch_uid="tickets-rollups-time-zone"
    )
