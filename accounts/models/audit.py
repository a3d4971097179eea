"""The security audit log."""

from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

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
        SIGN_IN = "sign_in", _("Signed in with password")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        SIGN_IN_LOCKED = "sign_in_locked", _("Sign-in refused: too many attempts")
        CODE_ACCEPTED = "code_accepted", _("Two-factor code accepted")
        BACKUP_CODE_USED = "backup_code_used", _("Backup code used")
        CODE_FAILED = "code_failed", _("Wrong two-factor code")
        CODE_LOCKED = "code_locked", _("Two-factor codes locked: too many attempts")
        PASSWORD_CONFIRM_FAILED = (
            "password_confirm_failed",
            _("Wrong password when confirming a security change"),
        )
        TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor authentication turned on")
        TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor authentication turned off")
        TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor authentication reset by an admin")
        BACKUP_CODES_REGENERATED = "backup_codes_regenerated", _("New backup codes generated")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset by email link")
        PASSWORD_SET_BY_ADMIN = "password_set_by_admin", _("Password set by an admin")
        EMAIL_CHANGE_REQUESTED = "email_change_requested", _("Sign-in address change requested")
        EMAIL_CHANGED = "email_changed", _("Sign-in address changed")
        ROLE_CHANGED = "role_changed", _("Role changed")
        POLICY_CHANGED = "policy_changed", _("Security policy changed")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")

    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Who did it (empty for sign-in attempts by an unknown person)."),
    )
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
        help_text=_("The account concerned."),
    )
    email = models.CharField(_("email"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
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
                "require_2fa_for_staff": {
                    True: gettext("two-factor for staff: required"),
                    False: gettext("two-factor for staff: optional"),
                },
                "require_2fa_for_customers": {
                    True: gettext("two-factor for customers: required"),
                    False: gettext("two-factor for customers: optional"),
                },
            }
            return ", ".join(
                names[field][bool(change.get("to"))] if field in names else field
                for field, change in details.items()
            )
        if self.kind in (kind.API_TOKEN_CREATED, kind.API_TOKEN_REVOKED):
            return f"{details.get('name', '')} ({details.get('prefix', '')}…)"
        if self.kind == kind.SIGN_IN:
            parts = []
            if details.get("new_device"):
                parts.append(gettext("new browser or network"))
            if details.get("awaiting_code"):
                parts.append(gettext("code asked next"))
            return ", ".join(parts)
        if self.kind in (kind.EMAIL_CHANGE_REQUESTED, kind.EMAIL_CHANGED):
            if details.get("from"):
                return f"{details['from']} → {details.get('to', '?')}"
            return gettext("to %(email)s") % {"email": details.get("to", "?")}
        if self.kind == kind.BACKUP_CODE_USED and "remaining" in details:
            remaining = details["remaining"]
            return ngettext("%(count)s left", "%(count)s left", remaining) % {"count": remaining}
        if self.kind in (kind.CODE_FAILED, kind.PASSWORD_CONFIRM_FAILED):
            purposes = {
                "sign_in": gettext("at sign-in"),
                "enrol": gettext("while setting up two-factor"),
                "disable": gettext("while turning two-factor off"),
                "backup_codes": gettext("while making backup codes"),
                "email_change": gettext("while changing the sign-in address"),
            }
            return purposes.get(details.get("purpose"), "")
        if self.kind == kind.CODE_LOCKED:
            if details.get("scope") == "user":
                return gettext("for this account")
            return gettext("for this address")
        return ""
