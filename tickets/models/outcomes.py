"""SLA outcomes as reports count them: one row per ticket and metric, and daily rollups.

The SLA services write an outcome whenever they store a ticket's SLA columns, from the same
evaluation, so a report never disagrees with a ticket. A target counts on the day it was
decided: the day it was met, or the day its due time passed unmet. Each decided outcome
adds to the rollups of that day (in the tenant's time zone) once per dimension, which is
what a year's report sums instead of a million rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk.tenancy import TenantOwnedModel
from sla.measures import BUCKETS
from sla.models import Clock, Metric, Unit

from .tickets import SlaState, Ticket


class SlaOutcome(TenantOwnedModel):
    """One SLA target of a ticket, measured: its terms, its state, its times."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="sla_outcomes", verbose_name=_("ticket")
    )
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    state = models.CharField(_("state"), max_length=10, choices=SlaState.choices)
    # The terms it is measured against; a decided outcome keeps them when the plan's matrix,
    # the ticket's plan or its priority change later (``measured_on_earlier_terms``).
    plan = models.ForeignKey(
        "sla.SupportPlan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan"),
    )
    priority = models.CharField(_("priority"), max_length=2)
    target_clock = models.CharField(_("clock"), max_length=10, choices=Clock.choices)
    target_amount = models.PositiveIntegerField(_("amount"))
    target_unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    target_seconds = models.PositiveIntegerField(_("target (seconds on its clock)"))
    measured_on_earlier_terms = models.BooleanField(_("measured on earlier terms"), default=False)
    # Who and what it is about, kept current while the ticket changes.
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    request_type = models.ForeignKey(
        "tickets.TicketType", on_delete=models.CASCADE, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalation_level = models.ForeignKey(
        "escalation.EscalationLevel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    risk_at = models.DateTimeField(_("at risk from"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    # met_at or breached_at: the instant the outcome was decided, which places it in a period.
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    business_seconds = models.PositiveIntegerField(_("time used"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("time paused"), default=0)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("SLA outcome")
        verbose_name_plural = _("SLA outcomes")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "metric"], name="sla_outcome_per_metric"),
        ]
        indexes = [
            # Ticket-level rows of a period (statements, CSV, drill-down) in time order.
            models.Index(
                fields=["tenant", "decided_at"],
                condition=Q(decided_at__isnull=False),
                name="sla_outcome_decided",
            ),
            models.Index(
                fields=["tenant", "organization", "decided_at"],
                condition=Q(decided_at__isnull=False),
                name="sla_outcome_org_decided",
            ),
            # Running targets by due time: the breach sweep, and "at risk" on home pages.
            models.Index(
                fields=["tenant", "due_at"],
                condition=Q(state="running"),
                include=["risk_at", "assignee"],
                name="sla_outcome_running",
            ),
            models.Index(fields=["due_at"], condition=Q(state="running"), name="sla_outcome_sweep"),
            # Targets at risk now (75 % of the target gone, not yet due): the manager's home.
            models.Index(
                fields=["tenant", "risk_at"],
                condition=Q(state="running"),
                include=["due_at", "ticket", "state"],
                name="sla_outcome_at_risk",
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.metric}: {self.state}"


class RollupDimension(models.TextChoices):
    ALL = "all", pgettext_lazy("report dimension", "All")
    ORGANIZATION = "organization", _("Organization")
    REQUEST_TYPE = "type", _("Request type")
    ENGINEER = "engineer", _("Engineer")
    LEVEL = "level", _("Escalation level")


def _bucket_fields():
    return {f"h{index:02d}": models.IntegerField(default=0) for index in range(BUCKETS)}


BUCKET_COLUMNS = tuple(f"h{index:02d}" for index in range(BUCKETS))


class SlaRollupBase(TenantOwnedModel):
    """Counts of the outcomes decided on one local day, for one metric, plan and priority,
    per value (``key``) of one dimension; 0 is "none" (no plan, unassigned, not escalated).
    ``h00``… count measured times per bucket of :mod:`sla.measures`."""

    day = models.DateField()
    metric = models.CharField(max_length=20, choices=Metric.choices)
    plan_key = models.PositiveBigIntegerField()
    priority = models.CharField(max_length=2)
    dimension = models.CharField(max_length=12, choices=RollupDimension.choices)
    key = models.PositiveBigIntegerField()
    targets = models.IntegerField(default=0)
    met = models.IntegerField(default=0)
    measured = models.IntegerField(default=0)
    business_seconds = models.BigIntegerField(default=0)
    paused_seconds = models.BigIntegerField(default=0)
    earlier_terms = models.IntegerField(default=0)
    locals().update(_bucket_fields())

    class Meta:
        abstract = True


class SlaRollup(SlaRollupBase):
    class Meta:
        verbose_name = _("SLA daily rollup")
        verbose_name_plural = _("SLA daily rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "dimension", "day", "metric", "plan_key", "priority", "key"],
                name="sla_rollup_cell",
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.metric} {self.dimension}={self.key}"
