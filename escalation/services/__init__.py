from .manual import ticket_deescalate, ticket_escalate
from .matrix_admin import matrix_changed, matrix_ensure
from .run import escalation_process, escalations_run_due, page_on_call_if_needed
from .schedule import escalation_reschedule

__all__ = [
    "escalation_process",
    "escalation_reschedule",
    "escalations_run_due",
    "matrix_changed",
    "matrix_ensure",
    "page_on_call_if_needed",
    "ticket_deescalate",
    "ticket_escalate",
]
