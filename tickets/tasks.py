from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .services.attachments import pending_attachments_purge
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
