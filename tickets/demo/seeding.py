"""Turning the demo stories into real tickets through the services, then moving each
history into the past."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, Role, Tenant, User
from helpdesk.models import OutboxEmail

from ..models import Attachment, Message, SlaState, Status, Ticket, TicketEvent, TicketType
from ..services import (
    attachment_stage,
    ticket_assign,
    ticket_changed,
    ticket_create,
    ticket_reply,
    ticket_transition,
)
from ..services.attachments import attachment_check
from ..services.outcomes import outcomes_forget
from .catalogue import seed_catalogue
from .mailboxes import seed_mailbox
from .status import seed_status_page
from .stories import TICKETS, DemoTicket


def seed_tickets(tenant: Tenant, *, base_url: str) -> int:
    """Create the demo tickets once; an existing ticket history is left as it is."""
    if Ticket.objects.for_tenant(tenant).exists():
        return 0
    specs = TICKETS.get(tenant.slug, [])
    orgs = list(Organization.objects.for_tenant(tenant).order_by("pk"))
    types = {t.slug: t for t in TicketType.objects.for_tenant(tenant)}
    staff = {
        u.tier: u for u in User.objects.filter(tenant=tenant, role=Role.ENGINEER, is_active=True)
    }
    first_outbox = OutboxEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    created = 0
    for spec in specs:
        with transaction.atomic():
            _seed_one(tenant, spec, orgs, types, staff, base_url)
            created += 1
    # The demo people are fictitious: drop the notifications the history produced.
    OutboxEmail.objects.filter(pk__gt=first_outbox, tenant=tenant).delete()
    return created


def _seed_one(tenant, spec: DemoTicket, orgs, types, staff, base_url) -> None:
    org = orgs[spec.org % len(orgs)]
    requester = (
        User.objects.filter(tenant=tenant, organization=org, is_active=True).order_by("pk").first()
    )
    pending = []
    for step in spec.flow:
        if step[0] == "file":
            pending.append(_stage(tenant, requester, step[1], step[2]))
    ticket = ticket_create(
        actor=requester,
        tenant=tenant,
        title=spec.title,
        text=spec.text,
        ticket_type=types[spec.type_slug],
        priority=spec.priority,
        affected_service=spec.service,
        steps="",
        attachment_ids=[a.public_id for a in pending],
        base_url=base_url,
    )
    engineer = None
    for step in spec.flow:
        kind = step[0]
        if kind == "assign":
            engineer = staff.get(step[1]) or next(iter(staff.values()))
            ticket = ticket_assign(
                ticket=ticket, actor=engineer, assignee=engineer, base_url=base_url
            )
        elif kind in ("reply", "note"):
            ticket_reply(
                ticket=ticket,
                actor=engineer,
                body=step[1],
                internal=kind == "note",
                base_url=base_url,
            )
        elif kind == "customer":
            ticket_reply(ticket=ticket, actor=requester, body=step[1], base_url=base_url)
        elif kind == "status":
            ticket = ticket_transition(
                ticket=ticket, actor=engineer or requester, to_status=step[1], base_url=base_url
            )
    _backdate(ticket, timedelta(days=spec.days_ago))


def _stage(tenant, user, name, text) -> Attachment:
    upload = ContentFile(text.encode(), name=name)
    return attachment_stage(actor=user, tenant=tenant, checked=attachment_check(upload))


def _backdate(ticket: Ticket, offset: timedelta) -> None:
    """Move a freshly made history into the past, spacing its steps an hour apart."""
    events = list(TicketEvent.objects.filter(ticket=ticket).order_by("pk"))
    messages = list(Message.objects.filter(ticket=ticket).order_by("pk"))
    start = timezone.now() - offset
    step = min(timedelta(hours=1), offset / (len(events) + 1))
    for index, event in enumerate(events):
        event.created_at = start + step * index
    for message in messages:
        linked = next((e for e in events if e.data.get("message") == message.pk), None)
        message.created_at = linked.created_at if linked else start
    TicketEvent.objects.bulk_update(events, ["created_at"])
    Message.objects.bulk_update(messages, ["created_at"])
    Attachment.objects.filter(ticket=ticket).update(created_at=start)
    ticket.refresh_from_db()
    last = events[-1].created_at if events else start
    staff_replies = [m.created_at for m in messages if not m.is_internal and m.author.is_agent]
    customer_replies = [m.created_at for m in messages if not m.author.is_agent]
    resolved = [
        e.created_at for e in events if e.data.get("to") in (Status.RESOLVED, Status.CLOSED)
    ]
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=start,
        updated_at=last,
        first_response_at=min(staff_replies) if staff_replies else None,
        last_customer_reply_at=max(customer_replies) if customer_replies else start,
        resolved_at=resolved[0] if resolved and ticket.resolved_at else None,
        closed_at=last if ticket.status == Status.CLOSED else None,
        first_response_state=SlaState.NONE,
        resolution_state=SlaState.NONE,
        first_response_ended_at=None,
        resolution_ended_at=None,
    )
    # The outcomes measured on the fresh history go too: the next change measures the past.
    outcomes_forget(tenant=ticket.tenant, ticket_ids=[ticket.pk])
    ticket.refresh_from_db()
    ticket_changed(ticket=ticket, now=timezone.now())


def seed_demo_tickets(*, base_url_format: str, domain_suffix: str, reset: bool = False) -> int:
    """Catalogues for both demo tenants (what is missing; ``reset``: all of it), and their
    tickets on a first run (tickets and their history are never rewritten)."""
    created = 0
    for tenant in Tenant.objects.filter(slug__in=list(TICKETS)):
        seed_catalogue(tenant, reset=reset)
        seed_mailbox(tenant, reset=reset)
        base_url = base_url_format.format(host=f"{tenant.slug}.{domain_suffix}")
        created += seed_tickets(tenant, base_url=base_url)
        seed_status_page(tenant)
    return created
