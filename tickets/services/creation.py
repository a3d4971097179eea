"""Opening tickets, each under the next number of its tenant."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.markdown import (
    RENDERER_VERSION,
    markdown_check_length,
    render_markdown,
    text_max_length,
)

from .. import events
from ..models import Channel, Status, Ticket, TicketCounter, TicketType
from ..selectors.tickets import organization_rows
from .after_change import ticket_changed
from .attachments import attachments_claim
from .sla import ticket_sla_opening


def ticket_number_next(*, tenant) -> int:
    """The next number of ``tenant``: sequential, never reused, safe under concurrency.

    The UPDATE takes a row lock held until the calling transaction ends, so concurrent
    creators queue up behind it instead of reading the same value.
    """
    with connection.cursor() as cursor:
        for _attempt in range(2):
            cursor.execute(
                "UPDATE tickets_ticketcounter SET last_number = last_number + 1 "
                "WHERE tenant_id = %s RETURNING last_number",
                [tenant.pk],
            )
            row = cursor.fetchone()
            if row is not None:
                return row[0]
            # The tenant's first ticket: its counter row is made once.
            TicketCounter.objects.get_or_create(tenant=tenant)
    raise RuntimeError("The ticket counter could not be advanced.")


@transaction.atomic
def ticket_create(
    *,
    actor: User,
    tenant,
    title: str,
    text: str,
    ticket_type: TicketType,
    priority: str,
    affected_service: str,
    steps: str = "",
    attachment_ids=(),
    base_url: str,
    requester: User | None = None,
    channel: str = Channel.PORTAL,
    opened_at=None,
    inbound_email=None,
    component=None,
) -> Ticket:
    """Open a ticket. A customer opens their own; an engineer opens one on behalf of
    ``requester`` (a caller, an email forwarded by hand), saying how it came in
    (``channel``) and since when it runs (``opened_at``, not in the future: the SLA
    clocks start there). ``inbound_email``: the email the ticket came in. ``component``: the
    status page's component it is about (customers choose public ones); the ticket is linked
    to the incidents going on there and the maintenance running or due within a day."""
    requester = requester or actor
    on_behalf = requester != actor
    if (
        actor.tenant_id != tenant.pk
        or (on_behalf and not actor.is_agent)
        or (not on_behalf and (not actor.is_customer or actor.organization_id is None))
    ):
        raise PermissionDenied(_("Only customers of an organization open tickets here."))
    if (
        requester.tenant_id != tenant.pk
        or not requester.is_customer
        or requester.organization_id is None
        or not requester.is_active
    ):
        raise ValidationError(_("Choose an active customer of an organization."))
    if ticket_type.tenant_id != tenant.pk or not ticket_type.is_active:
        raise ValidationError(_("Choose a request type from the list."))
    if channel not in Channel.values:
        raise ValidationError(_("Choose how the request came in."))
    if component is not None and (
        component.tenant_id != tenant.pk
        or not component.is_active
        or (not actor.is_agent and not component.is_public)
    ):
        raise ValidationError({"component": _("Choose a component from the list.")})
    markdown_check_length(fields={"text": text, "steps": steps}, limit=text_max_length())
    now = timezone.now()
    if opened_at is not None:
        if opened_at > now + timedelta(minutes=1):
            raise ValidationError(_("The time a request came in cannot be in the future."))
        now = min(opened_at, now)
    ticket = Ticket(
        tenant=tenant,
        number=ticket_number_next(tenant=tenant),
        # The row every process keeps (its plan picks the SLA); read if created since.
        organization=organization_rows(tenant=tenant).get(requester.organization_id)
        or requester.organization,
        requester=requester,
        ticket_type=ticket_type,
        title=title.strip(),
        text=text,
        affected_service=affected_service.strip(),
        steps=steps,
        text_html=render_markdown(text),
        steps_html=render_markdown(steps),
        markdown_version=RENDERER_VERSION,
        priority=priority,
        status=Status.NEW,
        channel=channel,
        component=component,
        created_at=now,
        updated_at=now,
        last_customer_reply_at=now,
    )
    evaluated = ticket_sla_opening(ticket=ticket, now=now)
    ticket.save(force_insert=True)
    files = attachments_claim(actor=actor, tenant=tenant, ticket=ticket, public_ids=attachment_ids)
    events.event_save(
        events.created_event(
            ticket=ticket,
            actor=actor,
            priority=priority,
            type_name=ticket_type.full_name,
            files=[f.original_name for f in files],
            channel=channel,
            on_behalf_of=requester if requester != actor else None,
            at=now,
        )
    )
    if inbound_email is not None:
        inbound_email.ticket = ticket
    ticket_changed(
        ticket=ticket,
        now=now,
        base_url=base_url,
        created=True,
        inbound_email=inbound_email,
        evaluated=evaluated,
    )
    if component is not None:
        # Late import: the status package builds on these services.
        from ..status.ticket_links import ticket_known_incidents_link

        ticket_known_incidents_link(ticket=ticket, actor=actor, component=component)
    return ticket
