"""The reply an incident posts on its linked tickets once it is over.

Each linked ticket is answered once: the link row is locked (skipping rows another worker
holds) and re-checked in its own transaction, and ``replied_at`` is set in the same
transaction as the reply, so a second run, or two workers at once, reply once per ticket.
The reply and the optional move to Resolved go through the ticket services, so the SLA,
escalation and the customer's email follow as for any reply.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from helpdesk.links import tenant_base_url
from helpdesk.markdown import markdown_check_length, text_max_length

from ..models import OPEN_STATUSES, Incident, Status, TicketIncident
from ..services import ticket_reply
from .services import _check_actor

logger = logging.getLogger(__name__)

# Offered on the declare form; {ticket} and {incident} are filled in for each ticket.
DEFAULT_RESOLUTION_REPLY = gettext_lazy(
    "Hello,\n\nThe incident “{incident}” that affected your ticket {ticket} is resolved. "
    "Everything should work normally again; if it does not, reply to this message and we "
    "will look into it.\n\nThank you for your patience."
)


def resolution_reply_text(*, template: str, incident: Incident, ticket) -> str:
    """The reply for one ticket: ``{ticket}`` becomes its reference, ``{incident}`` the
    incident's title. Any other braces are left as typed (a plain replace, not
    ``str.format``, so a stray brace in Markdown never breaks the reply)."""
    return template.replace("{ticket}", ticket.reference).replace("{incident}", incident.title)


@transaction.atomic
def incident_resolution_reply_set(*, incident: Incident, actor: User, text: str) -> Incident:
    """Store the edited reply for linked tickets before it is sent."""
    _check_actor(actor)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": _("Write the reply the linked tickets get.")})
    markdown_check_length(fields={"reply": text}, limit=text_max_length())
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    incident.resolution_reply = text
    incident.updated_at = timezone.now()
    incident.save(update_fields=["resolution_reply", "updated_at"])
    return incident


def incident_tickets_unreplied(*, incident: Incident) -> int:
    return (
        TicketIncident.objects.for_tenant(incident.tenant_id)
        .filter(incident=incident, replied_at__isnull=True)
        .count()
    )


def incident_tickets_reply(*, incident_id: int, actor_id: int | None, resolve: bool) -> int:
    """Post the incident's reply on every linked ticket not yet answered, in ticket order,
    resolving the open ones when ``resolve``; returns how many tickets got it. A ticket the
    ticket services refuse to answer (closed) is skipped and counted in the log."""
    incident = Incident.objects.select_related("tenant", "owner", "created_by").get(pk=incident_id)
    actor = None
    if actor_id is not None:
        actor = User.objects.filter(pk=actor_id, tenant_id=incident.tenant_id).first()
    actor = actor or incident.owner or incident.created_by
    if actor is None or not actor.is_agent or not incident.resolution_reply.strip():
        return 0
    base_url = tenant_base_url(tenant=incident.tenant)
    link_ids = list(
        TicketIncident.objects.for_tenant(incident.tenant_id)
        .filter(incident=incident, replied_at__isnull=True)
        .order_by("ticket_id")
        .values_list("pk", flat=True)
    )
    replied = skipped = 0
    for link_id in link_ids:
        outcome = _reply_once(incident, link_id, actor, resolve, base_url)
        if outcome is True:
            replied += 1
        elif outcome is False:
            skipped += 1
    if skipped:
        logger.info("incident %s: %s linked tickets refused the reply", incident.pk, skipped)
    return replied


def _reply_once(incident, link_id, actor, resolve, base_url) -> bool | None:
    """True when replied, False when the ticket refused it, None when another run has it."""
    with transaction.atomic():
        link = (
            TicketIncident.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("ticket__tenant")
            .filter(pk=link_id, replied_at__isnull=True)
            .first()
        )
        if link is None:
            return None
        ticket = link.ticket
        body = resolution_reply_text(
            template=incident.resolution_reply, incident=incident, ticket=ticket
        )
        status = Status.RESOLVED if resolve and ticket.status in OPEN_STATUSES else None
        try:
            with transaction.atomic():
                # One reply that carries the new status: one SLA refresh, one email.
                ticket_reply(
                    ticket=ticket, actor=actor, body=body, status=status, base_url=base_url
                )
        except (PermissionDenied, ValidationError):
            return False
        link.replied_at = timezone.now()
        link.save(update_fields=["replied_at"])
        return True
