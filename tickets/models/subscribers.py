"""People told of the status page's incidents and maintenance windows by email."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helpdesk.tenancy import TenantOwnedModel

from .status import Component


class StatusSubscriber(TenantOwnedModel):
    """Someone told of incidents and maintenance by email: confirmed by a link (double
    opt-in) unless signed in; every email carries a one-click unsubscribe link."""

    email = models.EmailField(_("email address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_subscriptions",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Secret of the confirm and unsubscribe links; a new one is drawn on resubscribing.
    token = models.CharField(max_length=64, unique=True, editable=False)
    all_components = models.BooleanField(_("all components"), default=True)
    components = models.ManyToManyField(
        Component, blank=True, related_name="subscribers", verbose_name=_("components")
    )
    created_at = models.DateTimeField(_("created at"))
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("status subscriber")
        verbose_name_plural = _("status subscribers")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "email"], name="status_subscriber_once"),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "id"],
                condition=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
                name="status_subscriber_active",
            ),
        ]

    def __str__(self):
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
