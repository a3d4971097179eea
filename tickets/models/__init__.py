from .catalogue import PriorityDefinition, TicketCounter, TicketType
from .counts import TRIGGER_OPEN_STATUSES, OpenTicketCount
from .events import EventKind, TicketEvent
from .incident_links import TicketIncident
from .mail import InboundEmail, Mailbox, inbound_key, message_digest
from .outcomes import BUCKET_COLUMNS, RollupDimension, SlaOutcome, SlaRollup
from .participants import TicketParticipant
from .status import (
    COMPONENT_SEVERITY,
    DOWNTIME_WEIGHT,
    ENDED_STATUSES,
    INCIDENT_TRANSITIONS,
    KIND_STATUSES,
    Component,
    ComponentStatus,
    ComponentStatusSpan,
    Incident,
    IncidentComponent,
    IncidentImpact,
    IncidentKind,
    IncidentStatus,
    IncidentUpdate,
)
from .subscribers import StatusSubscriber
from .tickets import (
    OPEN_STATUSES,
    STAFF_STATUS_LABELS,
    Attachment,
    Channel,
    Message,
    SlaState,
    Status,
    Ticket,
    attachment_key,
)

__all__ = [
    "TRIGGER_OPEN_STATUSES",
    "OpenTicketCount",
    "COMPONENT_SEVERITY",
    "DOWNTIME_WEIGHT",
    "ENDED_STATUSES",
    "INCIDENT_TRANSITIONS",
    "KIND_STATUSES",
    "Component",
    "ComponentStatus",
    "ComponentStatusSpan",
    "Incident",
    "IncidentComponent",
    "IncidentImpact",
    "IncidentKind",
    "IncidentStatus",
    "IncidentUpdate",
    "StatusSubscriber",
    "TicketIncident",
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
