from .attachments import (
    attachment_check,
    attachment_stage,
    attachments_claim,
    pending_attachments,
    pending_attachments_purge,
)
from .messages import ticket_add_evidence, ticket_reply
from .sla import ticket_sla_evaluate, ticket_sla_refresh
from .tickets import (
    ticket_assign,
    ticket_change_priority,
    ticket_change_type,
    ticket_create,
    ticket_number_next,
    ticket_transition,
)

__all__ = [
    "attachment_check",
    "attachment_stage",
    "attachments_claim",
    "pending_attachments",
    "pending_attachments_purge",
    "ticket_add_evidence",
    "ticket_assign",
    "ticket_change_priority",
    "ticket_change_type",
    "ticket_create",
    "ticket_number_next",
    "ticket_reply",
    "ticket_sla_evaluate",
    "ticket_sla_refresh",
    "ticket_transition",
]
