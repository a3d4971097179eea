"""Writes about people: invitations, membership, profiles."""

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.emails import send_templated_email
from helpdesk.languages import language_supported

from .audit import Origin, audit_record
from .email_change import sign_in_address_changed
from .models import AuditEvent, Invitation, Organization, Role, Tenant, User

INVITATION_VALIDITY = timedelta(days=7)


def _require_org_admin(actor: User, tenant: Tenant, organization: Organization) -> None:
    if not (
        actor.is_org_admin
        and actor.tenant_id == tenant.pk
        and actor.organization_id == organization.pk
        and organization.tenant_id == tenant.pk
    ):
        raise PermissionDenied(_("Only an organization admin can manage its members."))


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    tenant: Tenant,
    organization: Organization,
    email: str,
    full_name: str = "",
    role: str = Role.CUSTOMER,
    base_url: str,
) -> Invitation:
    """Invite ``email`` to the organization and email them a link to set a password.

    An address opens one account on the whole platform. Only a member of the inviter's own
    organization is refused openly (the inviter sees that list anyway); for an address
    with an account anywhere else (another organization, another provider) everything
    looks as for a new address, but the email tells its holder that the address already
    has an account, without a link, so nothing says where an address is registered.
    """
    _require_org_admin(actor, tenant, organization)
    email = User.objects.normalize_email(email).lower()
    if role not in (Role.CUSTOMER, Role.ORG_ADMIN):
        raise ValidationError({"role": _("Choose customer or organization admin.")})
    holder = User.objects.filter(email__iexact=email).first()
    if holder is not None and holder.organization_id == organization.pk:
        raise ValidationError(
            {"email": _("%(email)s is already a member of your organization.") % {"email": email}}
        )
    now = timezone.now()
    # A new invitation replaces any earlier pending one for the same address.
    Invitation.objects.for_tenant(tenant).filter(
        organization=organization,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        tenant=tenant,
        organization=organization,
        email=email,
        full_name=full_name.strip(),
        role=role,
        invited_by=actor,
        token_hash=Invitation.hash_token(token),
        created_at=now,
        expires_at=now + INVITATION_VALIDITY,
    )
    if holder is not None:
        send_templated_email(
            tenant=tenant,
            to=[email],
            template="accounts/email/invitation_address_taken",
            context={
                "invitation": invitation,
                "inviter": actor,
                "organization": organization,
                "same_help_desk": holder.tenant_id == tenant.pk,
            },
            recipient=holder,
        )
        return invitation
    accept_url = base_url.rstrip("/") + reverse("invitation_accept", args=[token])
    send_templated_email(
        tenant=tenant,
        to=[email],
        template="accounts/email/invitation",
        context={
            "invitation": invitation,
            "accept_url": accept_url,
            "inviter": actor,
            "organization": organization,
        },
        sensitive=True,
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, tenant: Tenant, invitation: Invitation) -> None:
    _require_org_admin(actor, tenant, invitation.organization)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def invitation_accept(
    *, tenant: Tenant, invitation: Invitation, full_name: str, password: str
) -> User:
    invitation = Invitation.objects.for_tenant(tenant).select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("This invitation is no longer valid."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("This address already has an account: sign in instead."))
    user = User.objects.create_user(
        invitation.email,
        password,
        full_name=full_name.strip(),
        tenant=tenant,
        organization=invitation.organization,
        role=invitation.role,
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def member_set_active(*, actor: User, tenant: Tenant, member: User, active: bool) -> User:
    _require_org_admin(actor, tenant, member.organization)
    if member.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if member.is_active != active:
        member.is_active = active
        member.save(update_fields=["is_active"])
    return member


def profile_update(
    *, user: User, full_name: str, time_zone: str, language: str | None = None
) -> User:
    user.full_name = full_name.strip()
    user.time_zone = time_zone
    fields = ["full_name", "time_zone"]
    if language is not None:
        user.language = language_supported(language)
        fields.append("language")
    user.save(update_fields=fields)
    return user


def person_language_set(*, user: User, language: str) -> None:
    """Keeps the language the person chose with the language switch ("" is the help
    desk's default)."""
    language = language_supported(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def user_membership_errors(
    *, tenant: Tenant | None, role: str, organization: Organization | None, tier: str
) -> dict[str, str]:
    """What is wrong with a role/organization/tier combination, field by field."""
    errors: dict[str, str] = {}
    if role == Role.PLATFORM:
        return errors
    if tenant is None:
        errors["tenant"] = _("Choose the help desk this person belongs to.")
    if role in (Role.CUSTOMER, Role.ORG_ADMIN):
        if organization is None:
            errors["organization"] = _("Customers belong to an organization.")
        elif tenant is not None and organization.tenant_id != tenant.pk:
            errors["organization"] = _("This organization belongs to another help desk.")
    elif organization is not None:
        errors["organization"] = _("Staff do not belong to a customer organization.")
    if role == Role.ENGINEER and not tier:
        errors["tier"] = _("Engineers have a tier (L1, L2 or L3).")
    if role != Role.ENGINEER and tier:
        errors["tier"] = _("Only engineers have a tier.")
    return errors


@transaction.atomic
def user_admin_save(
    *,
    user: User,
    password: str | None = None,
    actor: User | None = None,
    origin: Origin | None = None,
) -> User:
    """Save a person edited by an admin; tenant admins get access to Django admin.

    A changed role and a password set by the admin go to the security audit log.
    """
    errors = user_membership_errors(
        tenant=user.tenant, role=user.role, organization=user.organization, tier=user.tier
    )
    if errors:
        raise ValidationError(errors)
    adding = user._state.adding
    previous_role, previous_email = (
        (None, None)
        if adding
        else User.objects.filter(pk=user.pk).values_list("role", "email").first()
    )
    user.email = User.objects.normalize_email(user.email).lower()
    user.is_staff = user.is_superuser or user.role == Role.TENANT_ADMIN
    if password:
        user.set_password(password)
    elif adding and not user.has_usable_password():
        user.set_unusable_password()
    user.save()
    if previous_role is not None and previous_role != user.role:
        audit_record(
            kind=AuditEvent.Kind.ROLE_CHANGED,
            tenant=user.tenant,
            origin=origin,
            actor=actor,
            user=user,
            details={"from": previous_role, "to": user.role},
        )
    if previous_email is not None and previous_email != user.email:
        sign_in_address_changed(
            user=user,
            old_email=previous_email,
            tenant=user.tenant,
            actor=actor,
            origin=origin or Origin(),
        )
    if password and not adding:
        audit_record(
            kind=AuditEvent.Kind.PASSWORD_SET_BY_ADMIN,
            tenant=user.tenant,
            origin=origin,
            actor=actor,
            user=user,
        )
    return user


POLICY_FIELDS = ("require_2fa_for_staff", "require_2fa_for_customers")
# Sent after a tenant's time zone changed (``tenant``): what is kept per local day follows.
tenant_time_zone_changed = Signal()


@transaction.atomic
def tenant_admin_save(
    *, tenant: Tenant, actor: User | None = None, origin: Origin | None = None
) -> Tenant:
    """Save a tenant edited in admin; a changed two-factor policy goes to the audit log."""
    before = (
        None
        if tenant._state.adding
        else Tenant.objects.filter(pk=tenant.pk).values(*POLICY_FIELDS, "time_zone").first()
    )
    tenant.save()
    if before is not None and before["time_zone"] != tenant.time_zone:
        tenant_time_zone_changed.send(sender=Tenant, tenant=tenant)
    if before is not None:
        changes = {
            field: {"from": before[field], "to": getattr(tenant, field)}
            for field in POLICY_FIELDS
            if before[field] != getattr(tenant, field)
        }
        if changes:
            audit_record(
                kind=AuditEvent.Kind.POLICY_CHANGED,
                tenant=tenant,
                origin=origin,
                actor=actor,
                details=changes,
            )
    return tenant
