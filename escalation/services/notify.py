"""Escalation emails: outbox rows written in the transaction of the escalation event."""

from __future__ import annotations

from django.utils import timezone, translation

from accounts.models import User
from helpdesk.emails import render_email, tenant_email
from helpdesk.services import email_queue_many
from tickets.models import Ticket
from tickets.services.notifications import recipient_locale, ticket_link

from ..models import EscalationEvent, EscalationLevel
from ..selectors import level_recipients, split_addresses


class Audience:
    """Who an escalation reaches, resolved once: people (for their time zone) and bare
    addresses, without duplicates."""

    def __init__(self):
        self.people: dict[str, User | None] = {}

    def add_user(self, user: User | None) -> None:
        if user is not None and user.is_active and user.email:
            self.people[user.email.lower()] = user

    def add_address(self, address: str) -> None:
        address = address.strip()
        if address and address.lower() not in self.people:
            self.people[address.lower()] = None

    @property
    def addresses(self) -> list[str]:
        return [user.email if user else address for address, user in self.people.items()]


def level_audience(*, tenant, level: EscalationLevel | None, cache: dict | None = None) -> Audience:
    audience = Audience()
    if level is None:
        return audience
    cache = cache if cache is not None else {}
    if level.pk not in cache:
        cache[level.pk] = (
            level_recipients(tenant=tenant, level=level),
            split_addresses(level.emails),
        )
    people, extra = cache[level.pk]
    for user in people:
        audience.add_user(user)
    for address in extra:
        audience.add_address(address)
    return audience


def on_call_audience(*, tenant, on_call: list[User], fallback: str) -> Audience:
    audience = Audience()
    for user in on_call:
        audience.add_user(user)
    if not audience.people:
        for address in split_addresses(fallback) or [tenant.support_email]:
            audience.add_address(address)
    return audience


def add_on_call(audience: Audience, *, tenant, on_call: list[User], fallback: str) -> None:
    """Page the on-call engineers too (the fallback addresses when nobody is on call): a P1
    escalating while the plan's people are off."""
    paged = on_call_audience(tenant=tenant, on_call=on_call, fallback=fallback)
    for person in paged.people.items():
        audience.people.setdefault(*person)


class EmailBatch:
    """Escalation emails rendered as rules fire and written to the outbox together, once
    their events are saved (the deduplication key names the event)."""

    def __init__(self):
        self._pending: list[tuple[EscalationEvent, str, dict]] = []

    def add(self, *, event: EscalationEvent, address: str, email: dict) -> None:
        self._pending.append((event, address, email))

    def queue(self) -> None:
        emails = [
            {**email, "dedupe_key": f"escalation:{event.pk}:{address}"[:200]}
            for event, address, email in self._pending
        ]
        self._pending = []
        if emails:
            email_queue_many(emails=emails)


def send_escalation(
    *,
    ticket: Ticket,
    event: EscalationEvent,
    audience: Audience,
    sla=None,
    base_url: str,
    template: str = "escalation/email/escalated",
    extra: dict | None = None,
    outbox: EmailBatch | None = None,
) -> None:
    """One email per recipient (times in their own zone), deduplicated per event.

    Escalation emails do not name their recipient, so each is rendered once per time zone
    and language among the recipients. With ``outbox`` they join its batch (queued when
    the caller has saved the event); otherwise they are queued at once.
    """
    batch = outbox if outbox is not None else EmailBatch()
    tenant = ticket.tenant
    context = {
        "tenant": tenant,
        "ticket": ticket,
        "event": event,
        "sla": sla,
        "ticket_url": ticket_link(base_url=base_url, ticket=ticket),
        **(extra or {}),
    }
    rendered = {}
    for address, user in audience.people.items():
        with recipient_locale(ticket, user):
            key = (timezone.get_current_timezone_name(), translation.get_language())
            if key not in rendered:
                rendered[key] = render_email(template, context)
        batch.add(
            event=event,
            address=address,
            email=tenant_email(
                tenant=tenant, to=[user.email if user else address], rendered=rendered[key]
            ),
        )
    if outbox is None:
        batch.queue()
