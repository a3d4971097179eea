"""Webhooks: a tenant's HTTP endpoints and the outbox of deliveries to them.

A :class:`WebhookDelivery` is written in the same transaction as the change it announces,
like an :class:`~helpdesk.models.OutboxEmail`, and is its own schedule (see
:mod:`helpdesk.webhooks`).
"""

import secrets
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.secrets import secret_decrypt, secret_encrypt
from helpdesk.tenancy import TenantManager
from helpdesk.tenant_data import watch


class WebhookEvent(models.TextChoices):
    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_REPLIED = "ticket.replied", _("Public reply on a ticket")
    TICKET_STATUS_CHANGED = "ticket.status_changed", _("Ticket status changed")
    SLA_AT_RISK = "sla.at_risk", _("SLA target at risk")
    SLA_BREACHED = "sla.breached", _("SLA target breached")
    TICKET_ESCALATED = "ticket.escalated", _("Ticket escalated")
    INCIDENT_UPDATED = "incident.updated", _("Incident updated")


def new_webhook_secret() -> str:
    # 32 random bytes, URL-safe so it can be pasted into any receiver's configuration.
    return "whsec_" + secrets.token_urlsafe(32)


class Webhook(models.Model):
    """An endpoint of a tenant that is told about the events it subscribes to."""

    tenant = models.ForeignKey(
        "accounts.Tenant", on_delete=models.CASCADE, related_name="+", verbose_name=_("tenant")
    )
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_("Where the help desk sends a POST request for each event (https)."),
    )
    # The signing secret, encrypted at rest (helpdesk.secrets); shown to admins, who copy it
    # into the receiver.
    secret_encrypted = models.TextField(editable=False)
    events = models.JSONField(_("events"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # SLA targets that went at risk up to this instant have been announced to this webhook
    # (the every-minute scan reads from here, so a pause of beat loses nothing).
    at_risk_announced_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = TenantManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="webhook_name_per_tenant"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.secret_encrypted:
            self.secret = new_webhook_secret()
        super().save(*args, **kwargs)

    @property
    def secret(self) -> str:
        return secret_decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = secret_encrypt(value)


class WebhookDelivery(models.Model):
    """One event to be POSTed to one webhook, and how that went.

    ``event_id`` and ``payload`` are fixed when the row is written: every attempt (and a
    redelivery asked for in admin) sends the same body with the same id, so receivers can
    drop duplicates. ``dedupe_key`` names the change announced ("sla.breached:<outcome>"), so
    a job that runs twice writes the row once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    tenant = models.ForeignKey(
        "accounts.Tenant", on_delete=models.CASCADE, related_name="+", verbose_name=_("tenant")
    )
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True)
    payload = models.JSONField(_("payload"))
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # A delivery task for the row is queued (or running) until then; the re-drive leaves it.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    retry_until = models.DateTimeField(_("retry until"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    last_response = models.TextField(_("last response"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            # NULL keys are distinct: rows without a key never clash.
            models.UniqueConstraint(
                fields=["webhook", "dedupe_key"], name="webhook_delivery_dedupe"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["tenant", "-created_at"], name="webhook_delivery_log_idx"),
        ]

    def __str__(self):
        return f"{self.event} → {self.webhook_id} ({self.get_status_display()})"


# Which webhooks a tenant has is kept in memory (helpdesk.webhooks): any save or deletion
# of one, from admin or elsewhere, makes every process read them again.
watch(Webhook)
