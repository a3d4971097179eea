from celery import shared_task

from accounts.models import Tenant
from tickets.services.sla import tickets_sla_recompute

from .services import escalation_process, escalations_run_due


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
    """After the matrix changed: plan every open ticket of the tenant again."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is not None:
        tickets_sla_recompute(tenant=tenant)
