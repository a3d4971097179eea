"""Each demo help desk's support mailbox, on the mail-server path: `make sample-email`
hands it a customer's email with ``manage.py email_ingest``, no mail server needed."""

from accounts.models import Tenant
from helpdesk.priorities import Priority

from ..models import Mailbox, TicketType

# slug -> (address, slug of the type of new tickets, their priority)
MAILBOXES = {
    "ivcisa": ("support@ivcisa.example", "request", Priority.P3),
    "invoca": ("support@invoca.example", "reporting-report-question", Priority.P4),
}


def seed_mailbox(tenant: Tenant, *, reset: bool = False) -> Mailbox | None:
    """The tenant's demo mailbox, created when missing; ``reset`` brings an existing one
    back to this content (an admin's edits survive an ordinary run)."""
    if tenant.slug not in MAILBOXES:
        return None
    address, type_slug, priority = MAILBOXES[tenant.slug]
    ticket_type = TicketType.objects.for_tenant(tenant).filter(slug=type_slug).first()
    if ticket_type is None:
        return None
    existing = Mailbox.objects.filter(address=address).first()
    if existing is not None and existing.tenant_id != tenant.pk:
        return None
    values = {
        "tenant": tenant,
        "name": tenant.portal_title,
        "is_active": True,
        "transport": Mailbox.Transport.PUSH,
        "default_ticket_type": ticket_type,
        "default_priority": priority,
    }
    if existing is None:
        return Mailbox.objects.create(address=address, **values)
    if reset:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
    return existing
