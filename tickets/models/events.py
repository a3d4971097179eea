"""The timeline of a ticket: one row per change."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.tenancy import TenantOwnedModel

from .tickets import Ticket


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    PRIORITY = "priority", _("Priority changed")
    TYPE = "type", _("Type changed")
    ASSIGNED = "assigned", _("Assigned")
    REPLY = "reply", _("Replied")
    NOTE = "note", _("Internal note")
    ATTACHMENT = "attachment", _("Attachment added")
    CC_ADDED = "cc_added", _("Added in copy")
    CC_REMOVED = "cc_removed", _("Removed from copy")
    ESCALATED = "escalated", _("Escalated")
    DEESCALATED = "deescalated", _("De-escalated")
    SLA = "sla", _("SLA")
    INCIDENT = "incident", _("Incident")


class TicketEvent(TenantOwnedModel):
    """One row per change of a ticket: the timeline, with who, when and the parameters."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    data = models.JSONField(_("data"), default=dict, blank=True)
    is_internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Shown to staff only (notes, internal reasons).")
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket"),
            # Escalations fired in a period, for the SLA reports.
            models.Index(
                fields=["tenant", "created_at"],
                condition=models.Q(kind="escalated"),
                name="event_escalated",
            ),
        ]

    def __str__(self):
        return _("%(kind)s on ticket %(ticket)s") % {
            "kind": self.get_kind_display(),
            "ticket": self.ticket_id,
        }
