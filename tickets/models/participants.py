"""People in copy of a ticket."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helpdesk.tenancy import TenantOwnedModel

from .tickets import Ticket


class TicketParticipant(TenantOwnedModel):
    """Someone in copy of a ticket: a customer of the ticket's organization (``user``) or an
    outside address. They receive the public replies and may answer by email; with an
    account they see the ticket in the portal. Removing someone keeps the row
    (``removed_at``) and writes the timeline."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="participants", verbose_name=_("ticket")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ticket_copies",
        verbose_name=_("user"),
    )
    email = models.EmailField(_("email address"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("person in copy")
        verbose_name_plural = _("people in copy")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "email"],
                condition=Q(removed_at__isnull=True),
                name="ticket_participant_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "ticket"],
                condition=Q(removed_at__isnull=True),
                name="ticket_participant_user",
            ),
        ]

    def __str__(self):
        return self.email
