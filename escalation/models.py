"""The escalation matrix of a tenant: levels (who), rules (when), and what happened."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Tier
from helpdesk.priorities import Priority
from helpdesk.tenancy import TenantManager, TenantOwnedModel
from sla.models import Metric


class EscalationMatrix(TenantOwnedModel):
    """One per tenant: its levels and rules are edited together on one admin screen."""

    tenant = models.OneToOneField(
        "accounts.Tenant", on_delete=models.CASCADE, related_name="escalation_matrix"
    )
    is_active = models.BooleanField(
        default=True,
        help_text="Rules fire only while the matrix is active; engineers can always "
        "escalate by hand.",
    )
    on_call_fallback_emails = models.TextField(
        "on-call fallback addresses",
        blank=True,
        help_text="Paged for a P1 outside business hours when nobody is on the rota "
        "(one address per line). Empty: the help desk's support address.",
    )

    objects = TenantManager()

    class Meta:
        verbose_name = "escalation matrix"
        verbose_name_plural = "escalation matrices"

    def __str__(self):
        return f"Escalation matrix of {self.tenant}"


class Audience(models.TextChoices):
    NAMED = "named", "Only the people and addresses listed"
    ENGINEERS = "engineers", "Engineers (of the tier chosen, or all)"
    MANAGERS = "managers", "Managers and tenant admins"
    STAFF = "staff", "All staff"


class EscalationLevel(TenantOwnedModel):
    """A rung of the ladder (L1 engineer → L4 head of support) and who handles it."""

    matrix = models.ForeignKey(EscalationMatrix, on_delete=models.CASCADE, related_name="levels")
    rank = models.PositiveSmallIntegerField(
        help_text="1 is the first line; higher numbers are further up the ladder."
    )
    name = models.CharField(max_length=80, help_text="E.g. “L3 Support manager”.")
    audience = models.CharField(
        "group", max_length=12, choices=Audience.choices, default=Audience.NAMED
    )
    tier = models.CharField(
        max_length=2, choices=Tier.choices, blank=True, help_text="For the engineers group."
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name="people",
        help_text="Named people of this level, besides the group.",
    )
    ticket_types = models.ManyToManyField(
        "tickets.TicketType",
        blank=True,
        related_name="+",
        verbose_name="request types",
        help_text="Handles only these request types (a top-level entry covers its "
        "sub-categories). Empty: every type.",
    )
    emails = models.TextField(
        "more addresses",
        blank=True,
        help_text="Also notified, one address per line (e.g. an account manager).",
    )

    class Meta:
        ordering = ["rank", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"], name="escalation_level_name_per_tenant"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="escalation_level_rank_1_up"),
        ]

    def __str__(self):
        return self.name


class Threshold(models.TextChoices):
    PERCENT = "percent", "% of the target elapsed"
    BEFORE_DUE = "before_due", "minutes before the due time"
    AT_DUE = "at_due", "at the due time (breach)"
    AFTER_DUE = "after_due", "minutes after the due time"


class EscalationRule(TenantOwnedModel):
    """At a point of a ticket's SLA clock, notify a level (and optionally hand over)."""

    matrix = models.ForeignKey(EscalationMatrix, on_delete=models.CASCADE, related_name="rules")
    priority = models.CharField(
        max_length=2, choices=Priority.choices, blank=True, help_text="Empty: every priority."
    )
    metric = models.CharField(max_length=20, choices=Metric.choices)
    threshold = models.CharField(max_length=12, choices=Threshold.choices)
    amount = models.PositiveIntegerField(
        default=0,
        help_text="The percentage, or the minutes before/after the due time, counted on the "
        "SLA clock (business time for business-hours targets).",
    )
    level = models.ForeignKey(
        EscalationLevel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        help_text="Escalate to this level. Empty: only warn the assigned engineer.",
    )
    notify_assignee = models.BooleanField(
        "warn the assignee",
        default=False,
        help_text="Email the assigned engineer (the support address if nobody is assigned).",
    )
    reassign = models.BooleanField(
        "hand over",
        default=False,
        help_text="Unassign the ticket so it waits in the level's queue.",
    )
    raise_priority_to = models.CharField(
        max_length=2,
        choices=Priority.choices,
        blank=True,
        help_text="Raise the priority to this (never lowers it).",
    )
    business_hours_only = models.BooleanField(
        "wait for business hours",
        default=False,
        help_text="Hold the notification until the plan's calendar opens. P1 tickets never "
        "wait: outside business hours the on-call engineer is notified too.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["priority", "metric", "level__rank", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(threshold="percent") | Q(amount__gte=1, amount__lte=1000),
                name="escalation_rule_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=False) | Q(notify_assignee=True),
                name="escalation_rule_notifies_someone",
            ),
        ]

    def __str__(self):
        return self.describe()

    def describe(self) -> str:
        priority = self.priority or "Any priority"
        metric = Metric(self.metric).label.lower() if self.metric else "?"
        target = self.level.name if self.level_id else "warn the assignee"
        return f"{priority}, {metric} {self.point_label()}: {target}"

    def point_label(self) -> str:
        if self.threshold == Threshold.PERCENT:
            return f"at {self.amount} %"
        if self.threshold == Threshold.AT_DUE or not self.amount:
            return "at breach"
        when = "before" if self.threshold == Threshold.BEFORE_DUE else "after"
        return f"{_minutes_label(self.amount)} {when} due"


def _minutes_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    if hours:
        return f"{hours} h"
    return f"{rest} min"


class EventKind(models.TextChoices):
    RULE = "rule", "Rule"
    MANUAL = "manual", "Escalated by hand"
    DEESCALATED = "deescalated", "De-escalated"
    ON_CALL = "on_call", "On-call page"


class EscalationEvent(TenantOwnedModel):
    """Something the matrix (or a person) did to a ticket.

    ``key`` names what fired ("rule:12", "on_call", "manual:…"): unique per ticket and SLA
    cycle, so a rule fires at most once per cycle however many workers run the check.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="escalations"
    )
    cycle = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=64)
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    rule = models.ForeignKey(
        EscalationRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    level = models.ForeignKey(
        EscalationLevel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    level_name = models.CharField(max_length=80, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(blank=True)
    metric = models.CharField(max_length=20, choices=Metric.choices, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "cycle", "key"], name="escalation_fires_once_per_cycle"
            ),
        ]
        indexes = [models.Index(fields=["ticket", "created_at"], name="escalation_ticket")]

    def __str__(self):
        return f"{self.get_kind_display()} on ticket {self.ticket_id}"


class OnCallShift(TenantOwnedModel):
    """Who is on call from when to when (the P1 rota)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="on_call_shifts"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = "on-call shift"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="on_call_shift_ends_after"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "ends_at", "starts_at"], name="on_call_window")]

    def __str__(self):
        return f"{self.user} on call {self.starts_at:%Y-%m-%d %H:%M} → {self.ends_at:%H:%M}"
