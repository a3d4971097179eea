from celery import shared_task
from django.db import transaction

from accounts.models import Tenant

from .services import escalation_process, escalation_replan_open_tickets, escalations_run_due


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


def reschedule_tenant_on_commit(*, tenant) -> None:
    """Plan every open ticket of ``tenant`` again once the matrix change is committed.

    New or edited rules move each ticket's next check; a rule whose point has already
    passed fires at the next beat check, once. Services never enqueue this themselves (tasks
    depend on services, not the other way): the admin that saved the matrix calls it."""
    tenant_id = tenant.pk
    transaction.on_commit(lambda: reschedule_tenant.delay(tenant_id), robust=True)
