"""Open tickets counted by assignee and escalation level, kept by the database itself.

The queue tabs show how many open tickets each queue holds. Counting them on every page
costs time in proportion to the open tickets; these rows hold the same numbers at a cost
that does not grow with them. A trigger on ``tickets_ticket`` (migration
``0014_open_ticket_counts``) adds a row of +1 or -1 whenever a ticket becomes open, stops
being open, or changes assignee or escalation level while open, whatever writes it (the
services, bulk updates, deletions). Rows are only ever inserted, so writers never wait on
one another; ``open_counts_compact`` folds them into one row per assignee and level.

The columns are named as on tickets, so a queue's filter on tickets' ``assignee`` or
``escalation_level`` counts here unchanged. They carry no foreign-key constraints: a
trigger writes them while the rows they name may be being deleted.
"""

from django.db import models
from django.db.models import Q

from helpdesk.tenancy import TenantManager

# Kept in step with OPEN_STATUSES and the trigger's SQL.
TRIGGER_OPEN_STATUSES = ("new", "in_progress", "on_hold")


class OpenTicketCount(models.Model):
    tenant = models.ForeignKey(
        "accounts.Tenant",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    assignee = models.ForeignKey(
        "accounts.User",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    escalation_level = models.ForeignKey(
        "escalation.EscalationLevel",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    tickets = models.IntegerField()

    objects = TenantManager()

    class Meta:
        indexes = [models.Index(fields=["tenant"], name="open_count_tenant")]
        constraints = [
            models.CheckConstraint(condition=~Q(tickets=0), name="open_count_not_zero"),
        ]

    def __str__(self):
        return f"{self.tenant_id}/{self.assignee_id}/{self.escalation_level_id}: {self.tickets}"
