from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEmail(models.Model):
    """An email written in the same transaction as the change that caused it.

    The row is the email's only schedule: it is due at ``next_attempt_at``; a delivery task
    is queued after commit and, for anything due and not already queued (``claimed_until``),
    by the every-minute re-drive. Transient failures are retried until ``retry_until`` with
    capped backoff; a permanent refusal fails the row at once. ``message_id`` is fixed when
    the row is written, so every attempt carries the same Message-ID header.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    tenant = models.ForeignKey(
        "accounts.Tenant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("tenant"),
    )
    to = models.JSONField(_("to"), help_text=_("List of recipient addresses."))
    from_email = models.CharField(_("from email"), max_length=254)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("body text"), blank=True)
    body_html = models.TextField(_("body HTML"), blank=True)
    # A link or code in the body opens an account: the body is removed once the email is
    # delivered (or given up) and never shown in admin.
    sensitive = models.BooleanField(_("sensitive"), default=False)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    # More headers of the email: In-Reply-To and References (the ticket's thread),
    # Auto-Submitted on automatic answers.
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # What the email is about, for finding it again from a reply: "ticket:<pk>".
    thread = models.CharField(_("thread"), max_length=64, blank=True)
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    bounce_reason = models.CharField(_("bounce reason"), max_length=300, blank=True)
    dedupe_key = models.CharField(
        _("dedupe key"), max_length=200, null=True, blank=True, unique=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # A delivery task for the row is queued (or running) until then; the re-drive leaves it.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    retry_until = models.DateTimeField(_("retry until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox email")
        verbose_name_plural = _("outbox emails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending_due_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["tenant", "-created_at"],
                name="outbox_undelivered_idx",
                condition=~models.Q(status="sent"),
            ),
            # Replies name the emails they answer by Message-ID.
            models.Index(fields=["message_id"], name="outbox_message_id_idx"),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)} ({self.get_status_display()})"

    @property
    def body_removed(self) -> bool:
        return self.sensitive and not self.body_text and not self.body_html


class BouncedAddress(models.Model):
    """An address our emails bounced from: admins see it and why."""

    tenant = models.ForeignKey(
        "accounts.Tenant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("tenant"),
    )
    address = models.EmailField(_("address"))
    bounces = models.PositiveIntegerField(_("bounces"), default=0)
    last_reason = models.CharField(_("last reason"), max_length=300, blank=True)
    last_bounced_at = models.DateTimeField(_("last bounced"), default=timezone.now)

    class Meta:
        ordering = ["-last_bounced_at"]
        verbose_name = _("bounced address")
        verbose_name_plural = _("bounced addresses")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "address"], name="bounced_address_once"),
        ]

    def __str__(self):
        return self.address
