import hashlib
import zoneinfo
from email.utils import formataddr

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone

from helpdesk.tenancy import TenantManager, TenantOwnedModel, TenantQuerySet

TIME_ZONE_CHOICES = sorted((tz, tz) for tz in zoneinfo.available_timezones() if "/" in tz)


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known IANA time zone.")


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1f6feb.")


class Tenant(models.Model):
    """A support provider running its help desk here."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    portal_title = models.CharField(max_length=120, help_text="e.g. “IVCISA Support Center”.")
    ticket_prefix = models.CharField(
        max_length=8,
        validators=[RegexValidator(r"^[A-Z]{2,6}$", "2–6 capital letters.")],
        help_text="Ticket numbers start with it, e.g. IVC-1042.",
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    brand_color = models.CharField(max_length=7, default="#1f6feb", validators=[hex_colour])
    logo_text = models.CharField(
        max_length=4, help_text="Initials shown in the logo badge until a logo is uploaded."
    )
    tagline = models.CharField(max_length=200, blank=True)
    support_email = models.EmailField(help_text="Sender and reply-to address of emails.")
    require_2fa_for_staff = models.BooleanField(
        "Two-factor authentication required for staff",
        default=True,
        help_text="Engineers, managers and tenant admins must sign in with an authenticator "
        "app; without one they are sent to set it up right after signing in.",
    )
    require_2fa_for_customers = models.BooleanField(
        "Two-factor authentication required for customers",
        default=False,
        help_text="Customers and organization admins must sign in with an authenticator app.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def from_email(self) -> str:
        return formataddr((self.portal_title, self.support_email))


class Domain(models.Model):
    """A host name that serves one tenant's portal (e.g. ivcisa.localhost)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], condition=Q(is_primary=True), name="one_primary_domain"
            ),
        ]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)


class Organization(TenantOwnedModel):
    """A customer company of a tenant, with its contracted support plan."""

    name = models.CharField(max_length=160)
    slug = models.SlugField()
    plan = models.ForeignKey(
        "sla.SupportPlan", null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="org_slug_per_tenant"),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    ORG_ADMIN = "org_admin", "Organization admin"
    ENGINEER = "engineer", "Engineer"
    MANAGER = "manager", "Manager"
    TENANT_ADMIN = "tenant_admin", "Tenant admin"
    PLATFORM = "platform", "Platform superuser"


CUSTOMER_ROLES = (Role.CUSTOMER, Role.ORG_ADMIN)
STAFF_ROLES = (Role.ENGINEER, Role.MANAGER, Role.TENANT_ADMIN)
MANAGER_ROLES = (Role.MANAGER, Role.TENANT_ADMIN)


class Tier(models.TextChoices):
    L1 = "L1", "L1"
    L2 = "L2", "L2"
    L3 = "L3", "L3"


class UserQuerySet(TenantQuerySet):
    def staff(self):
        return self.filter(role__in=STAFF_ROLES)

    def customers(self):
        return self.filter(role__in=CUSTOMER_ROLES)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.PLATFORM, tenant=None)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Belongs to exactly one tenant (platform superusers to none)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="users"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.RESTRICT, related_name="members"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CUSTOMER)
    tier = models.CharField(max_length=2, choices=Tier.choices, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Times are shown in this zone; empty means the help desk's zone.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May open Django admin (tenant admins and superusers)."
    )
    two_factor_enabled = models.BooleanField(
        "Two-factor authentication",
        default=False,
        editable=False,
        help_text="Has a confirmed authenticator app. Kept by the two-factor services so "
        "that no request needs a query to know whether a code is due.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=CUSTOMER_ROLES, organization__isnull=False)
                | Q(~Q(role__in=CUSTOMER_ROLES), organization__isnull=True),
                name="customers_have_an_organization",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.PLATFORM, tenant__isnull=True, is_superuser=True)
                | Q(~Q(role=Role.PLATFORM), tenant__isnull=False),
                name="tenant_users_have_a_tenant",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.ENGINEER) | Q(tier=""),
                name="only_engineers_have_a_tier",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_customer(self) -> bool:
        return self.role in CUSTOMER_ROLES

    @property
    def is_org_admin(self) -> bool:
        return self.role == Role.ORG_ADMIN

    @property
    def is_agent(self) -> bool:
        """Engineers, managers and tenant admins: the people who work tickets."""
        return self.role in STAFF_ROLES

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def is_tenant_admin(self) -> bool:
        return self.role == Role.TENANT_ADMIN

    @property
    def role_label(self) -> str:
        label = self.get_role_display()
        return f"{label} ({self.tier})" if self.tier else label


class Invitation(TenantOwnedModel):
    """An organization admin's invitation for a colleague to join the portal."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(
        max_length=20,
        choices=[(Role.CUSTOMER, Role.CUSTOMER.label), (Role.ORG_ADMIN, Role.ORG_ADMIN.label)],
        default=Role.CUSTOMER,
    )
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "organization", "email"])]

    def __str__(self):
        return f"Invitation for {self.email}"

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
        return f"Address change to {self.new_email}"

    @property
    def is_pending(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


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
