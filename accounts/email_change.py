"""Changing the address a person signs in with.

The only way to change it: the person confirms with their current password and names the
new address; a single-use link, valid for :data:`EMAIL_CHANGE_VALIDITY`, goes to the new
address; opening it while signed in to the same account changes the address, and the old
address is told. Addresses stay unique across the platform, but the page never says that an
address is taken: the answer is the same as for a free one, and the holder of a taken
address is only told that someone tried (no link, so nothing can be confirmed).
"""

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.emails import send_templated_email
from helpdesk.links import tenant_url
from helpdesk.ratelimit import limit_exceeded

from .audit import Origin, audit_record
from .models import AuditEvent, EmailChangeRequest, Tenant, User
from .security import local_time_text
from .two_factor.services import password_confirm

EMAIL_CHANGE_VALIDITY = timedelta(hours=24)
# Requests per person and hour: enough for a typo or two, too few to mail-bomb anyone.
EMAIL_CHANGES_PER_HOUR = 5


class EmailChangeLimited(Exception):
    """Too many requests for this account in the last hour."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def email_change_request(
    *, user: User, tenant: Tenant, new_email: str, password: str, origin: Origin
) -> EmailChangeRequest:
    """Ask for ``user``'s sign-in address to become ``new_email``.

    Raises CodeRejected (wrong password, counted towards the lock-outs), CodesLocked,
    EmailChangeLimited or ValidationError (the address is already this account's).
    """
    new_email = User.objects.normalize_email(new_email).strip().lower()
    if new_email == user.email.lower():
        raise ValidationError({"new_email": _("This is already the address you sign in with.")})
    if limit_exceeded(
        scope="email_change", key=user.pk, limit=EMAIL_CHANGES_PER_HOUR, window_seconds=3600
    ):
        raise EmailChangeLimited()
    # Outside the transaction below, so a wrong password's audit row and count stay.
    password_confirm(user=user, password=password, origin=origin, purpose="email_change")
    with transaction.atomic():
        return _email_change_start(user=user, tenant=tenant, new_email=new_email, origin=origin)


def _email_change_start(
    *, user: User, tenant: Tenant, new_email: str, origin: Origin
) -> EmailChangeRequest:
    now = timezone.now()
    # Only the latest link works.
    EmailChangeRequest.objects.for_tenant(tenant).filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    change = EmailChangeRequest.objects.create(
        tenant=tenant,
        user=user,
        new_email=new_email,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + EMAIL_CHANGE_VALIDITY,
    )
    audit_record(
        kind=AuditEvent.Kind.EMAIL_CHANGE_REQUESTED,
        tenant=tenant,
        origin=origin,
        actor=user,
        user=user,
        details={"to": new_email},
    )
    context = {
        "user": user,
        "new_email": new_email,
        "expires": local_time_text(user, change.expires_at),
    }
    holder = User.objects.filter(email__iexact=new_email).first()
    if holder is not None:
        # Taken by some account of the platform: its holder gets a notice, never a link.
        send_templated_email(
            tenant=tenant,
            to=[new_email],
            template="accounts/email/email_change_address_taken",
            context=context,
            recipient=holder,
        )
    else:
        confirm_url = tenant_url(tenant=tenant, path=reverse("profile_email_confirm", args=[token]))
        send_templated_email(
            tenant=tenant,
            to=[new_email],
            template="accounts/email/email_change_verify",
            context={**context, "confirm_url": confirm_url},
            # The link changes the sign-in address: the body leaves the outbox once sent.
            sensitive=True,
            recipient=user,
        )
    return change


def email_change_for_token(*, user: User, tenant: Tenant, token: str) -> EmailChangeRequest:
    """The pending request the link names, for the account that made it; the same 404 for
    a wrong, used, expired or replaced link and for another account's link."""
    change = (
        EmailChangeRequest.objects.for_tenant(tenant)
        .filter(token_hash=_hash(token), user=user)
        .first()
    )
    if change is None or not change.is_pending:
        raise Http404("This link is not valid.")
    return change


@transaction.atomic
def email_change_confirm(
    *, user: User, tenant: Tenant, change: EmailChangeRequest, origin: Origin
) -> User | None:
    """Apply a confirmed change: the account's address, allauth's address rows, the audit
    log and a notice to the old address, in one transaction.

    Returns None, spending the link, when another account took the address since.
    """
    change = EmailChangeRequest.objects.for_tenant(tenant).select_for_update().get(pk=change.pk)
    if change.user_id != user.pk or not change.is_pending:
        raise Http404("This link is not valid.")
    user = User.objects.select_for_update().get(pk=user.pk)
    new_email = change.new_email
    change.used_at = timezone.now()
    change.save(update_fields=["used_at"])
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        # Another account took the address since the request.
        return None
    old_email = user.email
    user.email = new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError:
        # ... or is taking it at this very moment (the column is unique).
        return None
    sign_in_address_changed(
        user=user, old_email=old_email, tenant=tenant, actor=user, origin=origin
    )
    return user


def sign_in_address_changed(
    *, user: User, old_email: str, tenant: Tenant | None, actor: User | None, origin: Origin
) -> None:
    """After ``user.email`` changed (by the person's link, or by an admin): allauth's
    address rows follow (a password reset asked for the old address must find nobody), the
    audit log has it and the old address is told."""
    new_email = user.email
    EmailAddress.objects.filter(user=user).exclude(email__iexact=new_email).delete()
    EmailAddress.objects.filter(email__iexact=new_email).exclude(user=user).delete()
    EmailAddress.objects.update_or_create(
        user=user, email=new_email, defaults={"primary": True, "verified": True}
    )
    audit_record(
        kind=AuditEvent.Kind.EMAIL_CHANGED,
        tenant=tenant,
        origin=origin,
        actor=actor,
        user=user,
        details={"from": old_email, "to": new_email},
    )
    send_templated_email(
        tenant=tenant,
        to=[old_email],
        template="accounts/email/email_changed",
        context={
            "user": user,
            "old_email": old_email,
            "new_email": new_email,
            "by_admin": actor is not None and actor.pk != user.pk,
            "when": local_time_text(user),
            "ip": origin.ip or "",
            "user_agent": origin.user_agent or "",
            "security_url": tenant_url(tenant=tenant, path=reverse("profile")),
        },
        recipient=user,
    )
