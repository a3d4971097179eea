from celery import shared_task

from accounts.models import Tenant

from .services import escalation_process, escalations_run_due
from .services.schedule import escalation_replan_open_tickets


@shared_task
def check_escalations():
    """Beat, every minute: fire every rule whose instant has come."""
    return escalations_run_due()


@shared_task
def escalate_tickets(ticket_ids: list[int]):
    """Rules already due when a ticket changed; beat's check is the fallback."""
    escalation_process(ticket_ids=ticket_ids)


@shared_task
def reschedule_tenant(tenant_id: int):
    """After the escalation matrix changed: plan every open ticket's next check again (its
    SLA due times stay as they are)."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is not None:
        escalation_replan_open_tickets(tenant=tenant)
