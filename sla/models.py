from django.db import models

from helpdesk.tenancy import TenantOwnedModel


class SupportPlan(TenantOwnedModel):
    """A support package a tenant sells (e.g. Essentials, Business, Enterprise)."""

    name = models.CharField(max_length=80)
    slug = models.SlugField()
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists.")

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="plan_slug_per_tenant"),
            models.UniqueConstraint(fields=["tenant", "name"], name="plan_name_per_tenant"),
        ]

    def __str__(self):
        return self.name
