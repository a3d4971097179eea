from datetime import time

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import validate_time_zone
from helpdesk.priorities import Priority
from helpdesk.tenancy import TenantOwnedModel

from . import targets


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")


class Clock(models.TextChoices):
    BUSINESS = targets.BUSINESS, _("Business hours (the plan's calendar)")
    ALWAYS = targets.ALWAYS, _("24/7")
    NONE = targets.NO_TARGET, _("N/A (no target)")


class Unit(models.TextChoices):
    MINUTES = targets.MINUTES, _("minutes")
    HOURS = targets.HOURS, _("hours")
    DAYS = targets.DAYS, _("days")


INTERVAL_ORDER_MESSAGE = _(
    "The start must be before the end (an end of 00:00 means midnight at the end of the day)."
)


class BusinessCalendar(TenantOwnedModel):
    """When SLA clocks run: weekly opening hours in a time zone, minus holidays."""

    name = models.CharField(_("name"), max_length=80)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_(
            "IANA time zone the opening hours and holidays are read in, e.g. America/Los_Angeles."
        ),
    )
    business_day_minutes = models.PositiveIntegerField(
        _("business day (minutes)"),
        default=8 * 60,
        help_text=_("Length of one “business day” target, e.g. 540 for a 9-hour day."),
    )
    always_open = models.BooleanField(
        _("24/7"),
        default=False,
        help_text=_("Always open, no holidays: targets count real elapsed time."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="calendar_name_per_tenant"),
            models.CheckConstraint(
                condition=Q(business_day_minutes__gt=0), name="calendar_business_day_positive"
            ),
        ]

    def __str__(self):
        return self.name


class WeeklyInterval(TenantOwnedModel):
    """An open interval on one weekday, in the calendar's local time."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="intervals",
        verbose_name=_("calendar"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("weekly interval")
        verbose_name_plural = _("weekly intervals")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="interval_weekday_range"
            ),
            models.CheckConstraint(
                condition=Q(start__lt=F("end")) | Q(end=time(0)),
                name="interval_start_before_end",
                violation_error_message=INTERVAL_ORDER_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Holiday(TenantOwnedModel):
    """A local date on which the calendar does not open."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="holidays",
        verbose_name=_("calendar"),
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_date_per_calendar"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


class SupportPlan(TenantOwnedModel):
    """A support package a tenant sells (e.g. Essentials, Business, Enterprise)."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"))
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in lists.")
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="plans",
        verbose_name=_("business calendar"),
        help_text=_("Business-hours targets of this plan run on this calendar."),
    )
    targets_are_examples = models.BooleanField(
        _("targets are example values"),
        default=False,
        help_text=_("Shown as a warning in admin until the contract's values replace them."),
    )
    # When the matrix (cells or calendar) last changed, and when the plan's open tickets
    # last moved to the matrix in force: until then they keep the terms they were given.
    matrix_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    tickets_recomputed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="plan_slug_per_tenant"),
            models.UniqueConstraint(fields=["tenant", "name"], name="plan_name_per_tenant"),
        ]

    def __str__(self):
        return self.name


class SlaTarget(TenantOwnedModel):
    """One cell of a plan's matrix: plan × priority × metric → a duration on a clock, or N/A."""

    plan = models.ForeignKey(
        SupportPlan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("plan")
    )
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    clock = models.CharField(_("clock"), max_length=10, choices=Clock.choices)
    amount = models.PositiveIntegerField(_("amount"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, blank=True)
    pause_during_maintenance = models.BooleanField(
        _("pause during declared maintenance"),
        default=False,
        help_text=_(
            "While a published maintenance window of the ticket's component is running, "
            "this target's clock stands still."
        ),
    )

    class Meta:
        ordering = ["plan", "priority", "metric"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "plan", "priority", "metric"], name="one_target_per_cell"
            ),
            models.CheckConstraint(
                condition=Q(clock=Clock.NONE, amount__isnull=True, unit="")
                | Q(~Q(clock=Clock.NONE), amount__gt=0, unit__in=Unit.values),
                name="target_amount_matches_clock",
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.priority} {self.get_metric_display()}: {self.label}"

    @property
    def spec(self) -> targets.TargetSpec:
        if self.clock == Clock.NONE:
            return targets.NA
        return targets.TargetSpec(clock=self.clock, amount=self.amount, unit=self.unit)

    @property
    def label(self) -> str:
        return targets.format_target(self.spec)


class SlaMatrixRevision(TenantOwnedModel):
    """A plan's matrix as it stood until ``replaced_at``: the terms of tickets opened before
    that save (and not recomputed since) keep counting on it.

    Written by every save that changes the cells or the calendar; removed once a recompute
    has moved every open ticket of the plan past it.
    """

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="revisions")
    replaced_at = models.DateTimeField()
    calendar = models.ForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # [[priority, metric, clock, amount, unit, pause_during_maintenance], ...] of every
    # stored cell (revisions written before the maintenance term have five items).
    cells = models.JSONField(default=list)

    class Meta:
        ordering = ["plan", "replaced_at"]
        verbose_name = _("SLA matrix revision")
        verbose_name_plural = _("SLA matrix revisions")
        indexes = [
            models.Index(fields=["tenant", "plan", "replaced_at"], name="sla_revision_plan_time")
        ]

    def __str__(self):
        return f"{self.plan} until {self.replaced_at:%Y-%m-%d %H:%M}"

    def targets(self) -> list[SlaTarget]:
        """The cells as (unsaved) SlaTarget rows, for building the plan's book."""
        return [
            SlaTarget(
                tenant_id=self.tenant_id,
                plan_id=self.plan_id,
                priority=priority,
                metric=metric,
                clock=clock,
                amount=amount,
                unit=unit or "",
                pause_during_maintenance=bool(rest and rest[0]),
            )
            for priority, metric, clock, amount, unit, *rest in self.cells
        ]
