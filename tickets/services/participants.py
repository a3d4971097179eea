"""People in copy of a ticket."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .. import events
from ..models import TicketParticipant
from .after_change import ticket_changed
from .tickets import ticket_lock


def can_add_copies(actor: User, ticket) -> bool:
    """Staff, the requester and the organization's admins put people in copy."""
    return actor.tenant_id == ticket.tenant_id and (
        actor.is_agent
        or actor.pk == ticket.requester_id
        or (actor.is_org_admin and actor.organization_id == ticket.organization_id)
    )


def can_remove_copy(actor: User, ticket, participant: TicketParticipant) -> bool:
    """Those who add people take anyone out of copy; others only themselves."""
    return can_add_copies(actor, ticket) or (
        actor.tenant_id == ticket.tenant_id and participant.user_id == actor.pk
    )


def _address(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(_("Enter a valid email address.")) from error
    return email


@transaction.atomic
def ticket_cc_add(
    *, ticket, actor: User | None, user: User | None = None, email: str = "", now=None
) -> TicketParticipant | None:
    """Put someone in copy. The requester and the organization's admins add colleagues of
    their organization; engineers also any outside address (which gets the public replies
    by email only). ``actor`` None is the help desk itself (people in copy of an email that
    opened the ticket). Someone a person put in copy is emailed why. Returns the new row,
    or None when they were already in copy."""
    if actor is not None and not can_add_copies(actor, ticket):
        raise PermissionDenied(_("Only the requester or staff put people in copy."))
    ticket = ticket_lock(ticket)
    if user is None:
        address = _address(email)
        user = User.objects.filter(email__iexact=address).first()
    else:
        address = user.email.lower()
    if user is not None and (user.tenant_id != ticket.tenant_id or not user.is_customer):
        if user.tenant_id == ticket.tenant_id and user.is_agent:
            raise ValidationError(_("Staff see every ticket already."))
        # A contact, or an account elsewhere on the platform: in copy by email only.
        user = None
    if user is not None and user.organization_id != ticket.organization_id:
        raise ValidationError(
            _("%(name)s is not a member of %(organization)s.")
            % {"name": user, "organization": ticket.organization}
        )
    if user is not None and not user.is_active:
        raise ValidationError(_("%(name)s is deactivated.") % {"name": user})
    if actor is not None and not actor.is_agent and user is None:
        raise ValidationError(_("Choose a colleague of your organization."))
    if user is not None and user.pk == ticket.requester_id:
        raise ValidationError(_("%(name)s opened this ticket.") % {"name": user})
    if ticket.participants.filter(email=address, removed_at__isnull=True).exists():
        return None
    now = now or timezone.now()
    participant = TicketParticipant.objects.create(
        tenant_id=ticket.tenant_id,
        ticket=ticket,
        user=user,
        email=address,
        added_by=actor,
        added_at=now,
    )
    events.event_save(
        events.cc_added_event(
            ticket=ticket, actor=actor, email=address, name=user.full_name if user else "", at=now
        )
    )
    ticket_changed(ticket=ticket, now=now, sla=False, cc_added=participant)
    return participant


@transaction.atomic
def ticket_cc_remove(*, ticket, actor: User, participant_id: int) -> bool:
    """Take someone out of copy (kept on the timeline). Staff, the requester and the
    organization's admins remove anyone; others only themselves."""
    ticket = ticket_lock(ticket)
    participant = ticket.participants.filter(pk=participant_id, removed_at__isnull=True).first()
    if participant is None:
        return False
    if not can_remove_copy(actor, ticket, participant):
        raise PermissionDenied(_("Only the requester or staff take people out of copy."))
    now = timezone.now()
    participant.removed_at = now
    participant.save(update_fields=["removed_at"])
    events.event_save(
        events.cc_removed_event(
            ticket=ticket,
            actor=actor,
            email=participant.email,
            name=participant.user.full_name if participant.user_id else "",
            at=now,
        )
    )
    ticket_changed(ticket=ticket, now=now, sla=False)
    return True
