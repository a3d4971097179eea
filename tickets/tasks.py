from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from accounts.models import Tenant

from .intake.imap import imap_mailboxes_due, mailbox_fetch
from .intake.process import inbound_process
from .intake.store import inbound_redrive as redrive
from .services.attachments import pending_attachments_purge
from .services.outcomes import BREACH_BATCH, outcomes_breach_due, rollups_rebuild
from .services.tickets import resolved_tickets_due_for_closing, ticket_close_expired

PENDING_UPLOAD_HOURS = 24


@shared_task
def close_expired_resolved_tickets():
    """Close resolved tickets once customers can no longer reopen them."""
    now = timezone.now()
    for ticket_id in resolved_tickets_due_for_closing(now=now):
        close_expired_ticket.delay(ticket_id)


@shared_task
def close_expired_ticket(ticket_id: int):
    ticket_close_expired(ticket_id=ticket_id)


@shared_task
def purge_pending_uploads():
    """Files uploaded with a form that was never submitted are deleted after a day."""
    pending_attachments_purge(older_than=timezone.now() - timedelta(hours=PENDING_UPLOAD_HOURS))


@shared_task
def process_inbound_email(inbound_id: int) -> str:
    """Turn one stored email into a ticket or a reply (idempotent: a processed one is left)."""
    return inbound_process(inbound_id=inbound_id)


@shared_task
def inbound_redrive() -> int:
    return redrive()


@shared_task
def fetch_mailboxes() -> int:
    """Queue a fetch of every active IMAP mailbox."""
    mailbox_ids = imap_mailboxes_due()
    for mailbox_id in mailbox_ids:
        fetch_mailbox.delay(mailbox_id)
    return len(mailbox_ids)


@shared_task
def fetch_mailbox(mailbox_id: int) -> str:
    return mailbox_fetch(mailbox_id=mailbox_id)


@shared_task
def record_sla_breaches() -> int:
    """Count targets whose due time passed unmet as breached in the SLA reports."""
    total = 0
    while True:
        done = outcomes_breach_due(now=timezone.now())
        total += done
        if done < BREACH_BATCH:
            return total


@shared_task
def rebuild_sla_rollups(tenant_id: int) -> int:
    """Recount a tenant's SLA rollups from its outcome rows (its time zone changed)."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    return 0 if tenant is None else rollups_rebuild(tenant=tenant)


@shared_task
def notify_incident_update(update_id: int) -> int:
    """Email one incident update to its subscribers (each of them once)."""
    from .status.notifications import incident_update_notify

    return incident_update_notify(update_id=update_id)


@shared_task
def refresh_incident_clocks(incident_id: int) -> int:
    """Recompute the SLA clocks of the open tickets a maintenance window concerns."""
    from .services.maintenance import maintenance_clocks_refresh

    return maintenance_clocks_refresh(incident_id=incident_id)


@shared_task
def run_maintenance_windows() -> int:
    """Every minute: start and complete maintenance windows on time, and recompute the
    clocks of the tickets whose window started or ended since the last run."""
    from .status.maintenance import maintenance_windows_run

    return maintenance_windows_run(now=timezone.now())


@shared_task
def reply_to_incident_tickets(incident_id: int, actor_id: int | None, resolve: bool) -> int:
    """Post the resolved incident's reply on each linked ticket (once), resolving them when
    asked."""
    from .status.linked import incident_tickets_reply

    return incident_tickets_reply(incident_id=incident_id, actor_id=actor_id, resolve=resolve)


@shared_task
def redrive_incident_notifications() -> int:
    """Every minute: queue again the updates whose subscribers were not told yet (their
    task was lost with the broker, or failed)."""
    from .status.notifications import incident_updates_redrive

    return incident_updates_redrive(now=timezone.now())


@shared_task
def compact_open_ticket_counts() -> int:
    """Every minute: fold the open-ticket count rows the database added since (see
    ``tickets.models.counts``), so reading the queue counts stays a few rows."""
    from .open_counts import open_counts_compact

    return open_counts_compact()


@shared_task
def announce_sla_at_risk() -> int:
    """Every minute: tell webhooks about SLA targets that went at risk since the last run."""
    from .webhook_events import sla_at_risk_announce

    return sla_at_risk_announce(now=timezone.now())
