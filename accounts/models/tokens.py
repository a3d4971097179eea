"""Personal access tokens for the JSON API."""

import hashlib

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk.tenancy import TenantOwnedModel, TenantQuerySet

from .people import User


class ApiTokenQuerySet(TenantQuerySet):
    def live(self, now=None):
        """Tokens that still open the API: not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(TenantOwnedModel):
    """A person's token for the API, read-only or read and write, until ``expires_at``.

    Only the SHA-256 of the token is stored: a copy of the database opens nothing. The
    token is 43 random-looking characters, so a plain hash (no salt, no slow hashing) is
    enough and lets a request find its token with one indexed lookup. ``prefix`` is the
    token's first characters, shown in lists so a person recognises which one is which.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("API token", "Active")
        EXPIRED = "expired", pgettext_lazy("API token", "Expired")
        REVOKED = "revoked", pgettext_lazy("API token", "Revoked")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("person")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, editable=False)
    can_write = models.BooleanField(
        _("can write"),
        default=False,
        help_text=_("Read and write; otherwise the token can only read."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(
        pgettext_lazy("API token", "revoked at"), null=True, blank=True
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # Also the index every API request looks its token up by.
            models.UniqueConstraint(fields=["token_hash"], name="api_token_hash_unique"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "user", "-created_at"], name="api_token_user_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_token(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.ACTIVE

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def scope_label(self) -> str:
        if self.can_write:
            return pgettext_lazy("API token access", "Read and write")
        return pgettext_lazy("API token access", "Read")
