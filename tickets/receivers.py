"""What tickets do when something below them changes."""

from django.db import transaction

from accounts.services import tenant_time_zone_changed


def tenant_time_zone_changed_received(sender, *, tenant, **kwargs):
    """The SLA rollups count per local day: recount them in the new time zone."""
    from .tasks import rebuild_sla_rollups

    transaction.on_commit(lambda: rebuild_sla_rollups.delay(tenant.pk))


def connect() -> None:
    tenant_time_zone_changed.connect(
        tenant_time_zone_changed_received, dispatch_uid="tickets-rollups-time-zone"
    )
