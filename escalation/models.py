"""The escalation matrix of a tenant: levels (who), rules (when), and what happened."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
        _("active"),
        default=True,
        help_text=_(
            "Rules fire only while the matrix is active; engineers can always escalate by hand."
        ),
    )
    on_call_fallback_emails = models.TextField(
        _("on-call fallback addresses"),
        blank=True,
        help_text=_(
            "Paged for a P1 outside business hours when nobody is on the rota "
            "(one address per line). Empty: the help desk's support address."
        ),
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("escalation matrix")
        verbose_name_plural = _("escalation matrices")

    def __str__(self):
        return gettext("Escalation matrix of %(tenant)s") % {"tenant": self.tenant}


class Audience(models.TextChoices):
    NAMED = "named", _("Only the people and addresses listed")
    ENGINEERS = "engineers", _("Engineers (of the tier chosen, or all)")
    MANAGERS = "managers", _("Managers and tenant admins")
    STAFF = "staff", _("All staff")


class EscalationLevel(TenantOwnedModel):
    """A rung of the ladder (L1 engineer → L4 head of support) and who handles it."""

    matrix = models.ForeignKey(
        EscalationMatrix,
        on_delete=models.CASCADE,
        related_name="levels",
        verbose_name=_("matrix"),
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("1 is the first line; higher numbers are further up the ladder.")
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("E.g. “L3 Support manager”."))
    audience = models.CharField(
        _("group"), max_length=12, choices=Audience.choices, default=Audience.NAMED
    )
    tier = models.CharField(
        _("tier"),
        max_length=2,
        choices=Tier.choices,
        blank=True,
        help_text=_("For the engineers group."),
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("people"),
        help_text=_("Named people of this level, besides the group."),
    )
    ticket_types = models.ManyToManyField(
        "tickets.TicketType",
        blank=True,
        related_name="+",
        verbose_name=_("request types"),
        help_text=_(
            "Handles only these request types (a top-level entry covers its "
            "sub-categories). Empty: every type."
        ),
    )
    emails = models.TextField(
        _("more addresses"),
        blank=True,
        help_text=_("Also notified, one address per line (e.g. an account manager)."),
    )

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"], name="escalation_level_name_per_tenant"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="escalation_level_rank_1_up"),
        ]

    def __str__(self):
        return self.name


class Threshold(models.TextChoices):
    PERCENT = "percent", _("percentage of the target elapsed")
    BEFORE_DUE = "before_due", _("minutes before the due time")
    AT_DUE = "at_due", _("at the due time (breach)")
    AFTER_DUE = "after_due", _("minutes after the due time")


class EscalationRule(TenantOwnedModel):
    """At a point of a ticket's SLA clock, notify a level (and optionally hand over)."""

    matrix = models.ForeignKey(
        EscalationMatrix,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("matrix"),
    )
    priority = models.CharField(
        _("priority"),
        max_length=2,
        choices=Priority.choices,
        blank=True,
        help_text=_("Empty: every priority."),
    )
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    threshold = models.CharField(_("threshold"), max_length=12, choices=Threshold.choices)
    amount = models.PositiveIntegerField(
        _("amount"),
        default=0,
        help_text=_(
            "The percentage, or the minutes before/after the due time, counted on the "
            "SLA clock (business time for business-hours targets)."
        ),
    )
    level = models.ForeignKey(
        EscalationLevel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("level"),
        help_text=_("Escalate to this level. Empty: only warn the assigned engineer."),
    )
    notify_assignee = models.BooleanField(
        _("warn the assignee"),
        default=False,
        help_text=_("Email the assigned engineer (the support address if nobody is assigned)."),
    )
    reassign = models.BooleanField(
        _("hand over"),
        default=False,
        help_text=_("Unassign the ticket so it waits in the level's queue."),
    )
    raise_priority_to = models.CharField(
        _("raise priority to"),
        max_length=2,
        choices=Priority.choices,
        blank=True,
        help_text=_("Raise the priority to this (never lowers it)."),
    )
    business_hours_only = models.BooleanField(
        _("wait for business hours"),
        default=False,
        help_text=_(
            "Hold the notification until the plan's calendar opens. P1 tickets never "
            "wait: outside business hours the on-call engineer is notified too."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["priority", "metric", "level__rank", "pk"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
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
        """The rule in plain words, in the active language: "P1, first response at 50 %:
        L2 Senior engineer"."""
        return rule_description(
            priority=self.priority,
            metric=self.metric,
            threshold=self.threshold,
            amount=self.amount,
            level_name=self.level.name if self.level_id else "",
        )

    def point_label(self) -> str:
        return point_label(threshold=self.threshold, amount=self.amount)


def rule_description(*, priority: str, metric: str, threshold: str, amount: int, level_name: str):
    """A rule in plain words from its parts (also for rules held as plain data)."""
    values = {
        "priority": priority or gettext("Any priority"),
        "metric": str(Metric(metric).label).lower() if metric else "?",
        "point": point_label(threshold=threshold, amount=amount),
    }
    if level_name:
        return gettext("%(priority)s, %(metric)s %(point)s: %(level)s") % {
            **values,
            "level": level_name,
        }
    return gettext("%(priority)s, %(metric)s %(point)s: warn the assignee") % values


def point_label(*, threshold: str, amount: int) -> str:
    if threshold == Threshold.PERCENT:
        return gettext("at %(amount)s %%") % {"amount": amount}
    if threshold == Threshold.AT_DUE or not amount:
        return gettext("at breach")
    values = {"duration": _minutes_label(amount)}
    if threshold == Threshold.BEFORE_DUE:
        return gettext("%(duration)s before due") % values
    return gettext("%(duration)s after due") % values


def _minutes_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return gettext("%(hours)s h") % {"hours": hours}
    return gettext("%(minutes)s min") % {"minutes": rest}


class EventKind(models.TextChoices):
    RULE = "rule", _("Rule")
    MANUAL = "manual", _("Escalated by hand")
    DEESCALATED = "deescalated", _("De-escalated")
    ON_CALL = "on_call", _("On-call page")


class EscalationEvent(TenantOwnedModel):
    """Something the matrix (or a person) did to a ticket.

    ``key`` names what fired ("rule:12", "on_call", "manual:…"): unique per ticket and SLA
    cycle, so a rule fires at most once per cycle however many workers run the check.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="escalations",
        verbose_name=_("ticket"),
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    key = models.CharField(_("key"), max_length=64)
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    rule = models.ForeignKey(
        EscalationRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rule"),
    )
    level = models.ForeignKey(
        EscalationLevel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("level"),
    )
    level_name = models.CharField(_("level name"), max_length=80, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    reason = models.TextField(_("reason"), blank=True)
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    planned_at = models.DateTimeField(_("planned at"), null=True, blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("escalation event")
        verbose_name_plural = _("escalation events")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "cycle", "key"], name="escalation_fires_once_per_cycle"
            ),
        ]
        indexes = [models.Index(fields=["ticket", "created_at"], name="escalation_ticket")]

    def __str__(self):
        return gettext("%(kind)s on ticket %(ticket)s") % {
            "kind": self.get_kind_display(),
            "ticket": self.ticket_id,
        }


class OnCallShift(TenantOwnedModel):
    """Who is on call from when to when (the P1 rota)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="on_call_shifts",
        verbose_name=_("user"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="on_call_shift_ends_after"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "ends_at", "starts_at"], name="on_call_window")]

    def __str__(self):
        return gettext("%(user)s on call %(starts)s → %(ends)s") % {
            "user": self.user,
            "starts": f"{self.starts_at:%Y-%m-%d %H:%M}",
            "ends": f"{self.ends_at:%H:%M}",
        }


class IncidentEscalationNotice(TenantOwnedModel):
    """The one digest a level's people got for the tickets of an incident that reached it.

    Tickets linked to an open incident do not email a level one by one: the first run in
    which any of them reaches a level sends one digest and writes this row (unique per
    incident and level, so concurrent checks send it once); later linked tickets reaching
    the same level only add to ``ticket_count``, shown on the incident page.
    """

    incident = models.ForeignKey(
        "tickets.Incident",
        on_delete=models.CASCADE,
        related_name="escalation_notices",
        verbose_name=_("incident"),
    )
    level = models.ForeignKey(
        EscalationLevel,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("level"),
    )
    sent_at = models.DateTimeField(_("sent at"))
    # The linked tickets that reached the level: those in the digest and those after it.
    ticket_count = models.PositiveIntegerField(_("tickets"), default=0)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("incident escalation digest")
        verbose_name_plural = _("incident escalation digests")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "level"], name="incident_escalation_digest_once"
            ),
        ]

    def __str__(self):
        return gettext("Digest of incident %(incident)s to %(level)s") % {
            "incident": self.incident_id,
            "level": self.level_id,
        }
