"""People: roles, engineer tiers and the user model."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.tenancy import TenantQuerySet

from .tenants import Organization, Tenant, validate_time_zone


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    ORG_ADMIN = "org_admin", _("Organization admin")
    ENGINEER = "engineer", _("Engineer")
    MANAGER = "manager", _("Manager")
    TENANT_ADMIN = "tenant_admin", _("Tenant admin")
    PLATFORM = "platform", _("Platform superuser")
    # Someone outside the organizations, put in copy of tickets by an engineer: answers
    # by email, never signs in.
    CONTACT = "contact", _("Contact in copy")


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

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    tenant = models.ForeignKey(
        Tenant,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="users",
        verbose_name=_("tenant"),
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="members",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CUSTOMER)
    tier = models.CharField(_("tier"), max_length=2, choices=Tier.choices, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Times are shown in this zone; empty means the help desk's zone."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Pages and emails are in this language; empty means the help desk's."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("May open Django admin (tenant admins and superusers)."),
    )
    two_factor_enabled = models.BooleanField(
        _("Two-factor authentication"),
        default=False,
        editable=False,
        help_text=_(
            "Has a confirmed authenticator app. Kept by the two-factor services so "
            "that no request needs a query to know whether a code is due."
        ),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
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
    def is_contact(self) -> bool:
        """An outside address in copy of tickets: writes by email, has no portal."""
        return self.role == Role.CONTACT

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
        if not self.tier:
            return label
        return _("%(role)s (%(tier)s)") % {"role": label, "tier": self.tier}
