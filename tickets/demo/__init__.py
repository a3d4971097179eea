"""Request catalogues, priority definitions and a realistic spread of tickets for the demo."""

from .catalogue import DEFINITIONS, INVOCA_TYPES, IVCISA_TYPES, seed_catalogue
from .mailboxes import MAILBOXES, seed_mailbox
from .seeding import seed_demo_tickets, seed_tickets
from .stories import TICKETS, DemoTicket

__all__ = [
    "DEFINITIONS",
    "INVOCA_TYPES",
    "IVCISA_TYPES",
    "MAILBOXES",
    "TICKETS",
    "DemoTicket",
    "seed_catalogue",
    "seed_demo_tickets",
    "seed_mailbox",
    "seed_tickets",
]
