"""What escalation does when a ticket's SLA changes.

The tickets app sends ``tickets.signals.ticket_sla_changed`` after every change of a
ticket (and for each batch of a recomputation of open tickets); this module, imported by
``EscalationConfig.ready``, is its one receiver in escalation.
"""

from django.db import transaction
from django.dispatch import receiver

from tickets.signals import ticket_sla_changed

from .services import escalation_page_on_call_if_needed, escalation_reschedule
from .tasks import escalate_tickets


@receiver(ticket_sla_changed, dispatch_uid="escalation.ticket_sla_changed")
def ticket_sla_changed_received(sender, *, tenant, evaluated, now, bulk, **kwargs):
    """After a single change: page on-call for a P1 that needs it, plan the next check,
    and run rules already due once the change is committed. After a batch of a
    recomputation: only plan (beat's check fires whatever is due)."""
    if not bulk:
        for item in evaluated:
            escalation_page_on_call_if_needed(item=item, now=now)
    due_now = escalation_reschedule(tenant=tenant, evaluated=evaluated, now=now)
    if due_now and not bulk:
        transaction.on_commit(lambda: escalate_tickets.delay(due_now), robust=True)
