"""Tickets linked to the incidents and maintenance windows that cause them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.tenancy import TenantOwnedModel

from .status import Incident
from .tickets import Ticket


class TicketIncident(TenantOwnedModel):
    """A ticket caused by (or waiting on) an incident or a maintenance window."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="incident_links", verbose_name=_("ticket")
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="ticket_links", verbose_name=_("incident")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked at"))
    # When the incident's resolution reply was posted on the ticket (once).
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        ordering = ["linked_at", "pk"]
        verbose_name = _("linked ticket")
        verbose_name_plural = _("linked tickets")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "incident"], name="ticket_incident_once"),
        ]
        indexes = [
            models.Index(fields=["incident", "ticket"], name="incident_ticket"),
        ]

    def __str__(self):
        return f"{self.ticket_id} ↔ {self.incident_id}"
