from .events import EventKind, TicketEvent
from .mail import InboundEmail, Mailbox, inbound_key, message_digest
from .outcomes import BUCKET_COLUMNS, RollupDimension, SlaOutcome, SlaRollup
from .participants import TicketParticipant
from .tickets import (
    OPEN_STATUSES,
    STAFF_STATUS_LABELS,
    Attachment,
    Channel,
    Message,
    PriorityDefinition,
    SlaState,
    Status,
    Ticket,
    TicketCounter,
    TicketType,
    attachment_key,
)

__all__ = [
    "BUCKET_COLUMNS",
    "RollupDimension",
    "SlaOutcome",
    "SlaRollup",
    "OPEN_STATUSES",
    "STAFF_STATUS_LABELS",
    "Attachment",
    "Channel",
    "EventKind",
    "InboundEmail",
    "Mailbox",
    "Message",
    "PriorityDefinition",
    "SlaState",
    "Status",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
    "TicketParticipant",
    "TicketType",
    "attachment_key",
    "inbound_key",
    "message_digest",
]
