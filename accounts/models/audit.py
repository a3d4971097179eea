"""The security audit log."""

from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone

from helpdesk.tenancy import TenantManager

from .people import Role, User
from .tenants import Tenant


class AuditEvent(models.Model):
    """One security-relevant event: who did what to which account, when and from where.

    Rows are written by services only and never edited. ``tenant`` is the help desk of the
    account concerned (None for platform superusers); ``email`` keeps the address typed or
    held at the time, so the row stays readable after the account is renamed or deleted.
    """

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in with password"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGN_IN_LOCKED = "sign_in_locked", "Sign-in refused: too many attempts"
        CODE_ACCEPTED = "code_accepted", "Two-factor code accepted"
        BACKUP_CODE_USED = "backup_code_used", "Backup code used"
        CODE_FAILED = "code_failed", "Wrong two-factor code"
        CODE_LOCKED = "code_locked", "Two-factor codes locked: too many attempts"
        PASSWORD_CONFIRM_FAILED = (
            "password_confirm_failed",
            "Wrong password when confirming a security change",
        )
        TWO_FACTOR_ENABLED = "two_factor_enabled", "Two-factor authentication turned on"
        TWO_FACTOR_DISABLED = "two_factor_disabled", "Two-factor authentication turned off"
        TWO_FACTOR_RESET = "two_factor_reset", "Two-factor authentication reset by an admin"
        BACKUP_CODES_REGENERATED = "backup_codes_regenerated", "New backup codes generated"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET = "password_reset", "Password reset by email link"
        PASSWORD_SET_BY_ADMIN = "password_set_by_admin", "Password set by an admin"
        EMAIL_CHANGE_REQUESTED = "email_change_requested", "Sign-in address change requested"
        EMAIL_CHANGED = "email_changed", "Sign-in address changed"
        ROLE_CHANGED = "role_changed", "Role changed"
        POLICY_CHANGED = "policy_changed", "Security policy changed"

    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who did it (empty for sign-in attempts by an unknown person).",
    )
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The account concerned.",
    )
    email = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="audit_tenant_recent_idx"),
            models.Index(fields=["user", "kind", "-created_at"], name="audit_user_kind_idx"),
            # The log searched by a whole address (failed sign-ins have no account).
            models.Index(
                F("tenant"), Upper("email"), F("created_at").desc(), name="audit_tenant_email_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.email or self.user_id}"

    @property
    def summary(self) -> str:
        """The event's particulars in a few words, for the log pages."""
        details = self.details or {}
        kind = self.Kind
        if self.kind == kind.ROLE_CHANGED:
            labels = dict(Role.choices)
            return f"{labels.get(details.get('from'), '?')} → {labels.get(details.get('to'), '?')}"
        if self.kind == kind.POLICY_CHANGED:
            names = {
                "require_2fa_for_staff": "two-factor for staff",
                "require_2fa_for_customers": "two-factor for customers",
            }
            return ", ".join(
                f"{names.get(field, field)}: {'required' if change.get('to') else 'optional'}"
                for field, change in details.items()
            )
        if self.kind == kind.SIGN_IN:
            parts = []
            if details.get("new_device"):
                parts.append("new browser or network")
            if details.get("awaiting_code"):
                parts.append("code asked next")
            return ", ".join(parts)
        if self.kind in (kind.EMAIL_CHANGE_REQUESTED, kind.EMAIL_CHANGED):
            if details.get("from"):
                return f"{details['from']} → {details.get('to', '?')}"
            return f"to {details.get('to', '?')}"
        if self.kind == kind.BACKUP_CODE_USED and "remaining" in details:
            return f"{details['remaining']} left"
        if self.kind in (kind.CODE_FAILED, kind.PASSWORD_CONFIRM_FAILED):
            purposes = {
                "sign_in": "at sign-in",
                "enrol": "while setting up two-factor",
                "disable": "while turning two-factor off",
                "backup_codes": "while making backup codes",
                "email_change": "while changing the sign-in address",
            }
            return purposes.get(details.get("purpose"), "")
        if self.kind == kind.CODE_LOCKED:
            return "for this account" if details.get("scope") == "user" else "for this address"
        return ""
