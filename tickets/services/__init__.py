from .after_change import ticket_changed
from .attachments import (
    attachment_check,
    attachment_stage,
    attachments_claim,
    pending_attachments,
    pending_attachments_purge,
)
from .creation import ticket_create, ticket_number_next
from .ladder import (
    TicketBatch,
    ticket_escalation_level_set,
    ticket_escalation_note,
    tickets_escalation_check_set,
)
from .messages import ticket_add_evidence, ticket_reply
from .participants import ticket_cc_add, ticket_cc_remove
from .sla import ticket_sla_refresh
from .tickets import (
    ticket_assign,
    ticket_change_type,
    ticket_close_expired,
    ticket_lock,
    ticket_priority_change,
    ticket_transition,
    ticket_unassign,
)

__all__ = [
    "TicketBatch",
    "attachment_check",
    "attachment_stage",
    "attachments_claim",
    "pending_attachments",
    "pending_attachments_purge",
    "ticket_add_evidence",
    "ticket_assign",
    "ticket_cc_add",
    "ticket_cc_remove",
    "ticket_change_type",
    "ticket_changed",
    "ticket_close_expired",
    "ticket_create",
    "ticket_escalation_level_set",
    "ticket_escalation_note",
    "ticket_lock",
    "ticket_number_next",
    "ticket_priority_change",
    "ticket_reply",
    "ticket_sla_refresh",
    "ticket_transition",
    "ticket_unassign",
    "tickets_escalation_check_set",
]
