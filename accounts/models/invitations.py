"""Invitations to an organization and requests to change a sign-in address."""

import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.tenancy import TenantOwnedModel

from .people import Role, User
from .tenants import Organization


class Invitation(TenantOwnedModel):
    """An organization admin's invitation for a colleague to join the portal."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organization"),
    )
    email = models.EmailField(_("email"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=[(Role.CUSTOMER, Role.CUSTOMER.label), (Role.ORG_ADMIN, Role.ORG_ADMIN.label)],
        default=Role.CUSTOMER,
    )
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["tenant", "organization", "email"])]

    def __str__(self):
        return _("Invitation for %(email)s") % {"email": self.email}

    @staticmethod
    def hash_token(token: str) -> str:
        """Only a hash of the emailed token is stored, so a database leak opens no account."""
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class EmailChangeRequest(TenantOwnedModel):
    """A person's request to sign in with another address, waiting for the link emailed
    to that address to be opened (once, before ``expires_at``, by the same account)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    new_email = models.EmailField()
    # Only a hash of the emailed token is stored, as for invitations.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="email_change_user_idx")]

    def __str__(self):
        return _("Address change to %(email)s") % {"email": self.new_email}

    @property
    def is_pending(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()
