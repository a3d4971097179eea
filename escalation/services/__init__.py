from .manual import ticket_deescalate, ticket_escalate
from .matrix_admin import matrix_ensure
from .on_call import escalation_page_on_call_if_needed
from .run import escalation_process, escalations_run_due
from .schedule import escalation_replan_open_tickets, escalation_reschedule

__all__ = [
    "escalation_page_on_call_if_needed",
    "escalation_process",
    "escalation_replan_open_tickets",
    "escalation_reschedule",
    "escalations_run_due",
    "matrix_ensure",
    "ticket_deescalate",
    "ticket_escalate",
]
