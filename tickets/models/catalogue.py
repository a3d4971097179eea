"""A tenant's request catalogue, what its priorities mean, and its ticket numbers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.priorities import Priority
from helpdesk.tenancy import TenantOwnedModel


class TicketType(TenantOwnedModel):
    """An entry of a tenant's request catalogue; two levels (reason → sub-category) at most."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
        help_text=_("Leave empty for a top-level entry (a case reason or a flat type)."),
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    default_priority = models.CharField(
        _("default priority"),
        max_length=2,
        choices=Priority.choices,
        default=Priority.P3,
        help_text=_("Priority proposed on the new-ticket form for this type."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="ticket_type_slug_per_tenant"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.parent_id:
            return f"{self.parent.name} › {self.name}"
        return self.name


class PriorityDefinition(TenantOwnedModel):
    """What a priority means for one tenant's customers, shown beside the choice."""

    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    summary = models.CharField(
        _("summary"), max_length=120, help_text=_("E.g. “Critical – service down”.")
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["priority"]
        verbose_name = _("priority definition")
        verbose_name_plural = _("priority definitions")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "priority"], name="priority_definition_per_tenant"
            ),
        ]

    def __str__(self):
        return f"{self.priority}: {self.summary}"


class TicketCounter(models.Model):
    """The last ticket number handed out per tenant.

    Incremented with an UPDATE in the ticket's own transaction: the row lock serializes
    concurrent creators, and a rolled-back ticket gives its number back.
    """

    tenant = models.OneToOneField(
        "accounts.Tenant", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=1000)

    def __str__(self):
        return f"{self.tenant_id}: {self.last_number}"
