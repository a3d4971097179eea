"""Tenants (support providers), their domains and their customers' organizations."""

import zoneinfo
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.tenancy import TenantOwnedModel

TIME_ZONE_CHOICES = sorted((tz, tz) for tz in zoneinfo.available_timezones() if "/" in tz)


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known IANA time zone."), params={"value": value}
        )


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f6feb."))


class UnknownSenders(models.TextChoices):
    """What an email to a support mailbox from an address without an account does."""

    REFUSE = "refuse", _("Refuse with one polite reply pointing to the portal")
    ORGANIZATION_DOMAINS = (
        "domains",
        _("Open a ticket when the sender's domain belongs to an organization"),
    )


class Tenant(models.Model):
    """A support provider running its help desk here."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    portal_title = models.CharField(
        _("portal title"), max_length=120, help_text=_("e.g. “IVCISA Support Center”.")
    )
    ticket_prefix = models.CharField(
        _("ticket prefix"),
        max_length=8,
        validators=[RegexValidator(r"^[A-Z]{2,6}$", _("2–6 capital letters."))],
        help_text=_("Ticket numbers start with it, e.g. IVC-1042."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    brand_color = models.CharField(
        _("brand color"), max_length=7, default="#1f6feb", validators=[hex_colour]
    )
    logo_text = models.CharField(
        _("logo text"),
        max_length=4,
        help_text=_("Initials shown in the logo badge until a logo is uploaded."),
    )
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    support_email = models.EmailField(
        _("support email"), help_text=_("Sender and reply-to address of emails.")
    )
    require_2fa_for_staff = models.BooleanField(
        _("Two-factor authentication required for staff"),
        default=True,
        help_text=_(
            "Engineers, managers and tenant admins must sign in with an authenticator "
            "app; without one they are sent to set it up right after signing in."
        ),
    )
    require_2fa_for_customers = models.BooleanField(
        _("Two-factor authentication required for customers"),
        default=False,
        help_text=_("Customers and organization admins must sign in with an authenticator app."),
    )
    unknown_senders = models.CharField(
        _("emails from unknown senders"),
        max_length=20,
        choices=UnknownSenders.choices,
        default=UnknownSenders.REFUSE,
    )
    default_language = models.CharField(
        _("default language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "For people who have not chosen a language in their profile; empty means each "
            "visitor's browser language."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self):
        return self.name

    @property
    def from_email(self) -> str:
        return formataddr((self.portal_title, self.support_email))


class Domain(models.Model):
    """A host name that serves one tenant's portal (e.g. ivcisa.localhost)."""

    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="domains", verbose_name=_("tenant")
    )
    domain = models.CharField(_("domain"), max_length=253, unique=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "domain"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
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

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"))
    plan = models.ForeignKey(
        "sla.SupportPlan",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("plan"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="org_slug_per_tenant"),
        ]

    def __str__(self):
        return self.name


class OrganizationEmailDomain(TenantOwnedModel):
    """A mail domain of an organization: with the tenant's policy, an email from an unknown
    address at this domain opens a ticket for the organization (its sender becomes a
    customer of it). A domain belongs to one organization of a tenant."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="email_domains",
        verbose_name=_("organization"),
    )
    domain = models.CharField(_("domain"), max_length=253)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("email domain")
        verbose_name_plural = _("email domains")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "domain"], name="organization_email_domain_per_tenant"
            ),
        ]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@")
        self.tenant_id = self.organization.tenant_id
        super().save(*args, **kwargs)
