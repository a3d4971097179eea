"""The status page: components, incidents and maintenance windows, their subscribers.

A component's current state is a column (``Component.status``) with its history as spans
(``ComponentStatusSpan``, one open span per component), so the 90-day uptime bars read
spans, never replay updates. An incident or a maintenance window is a draft until
published; every published change is an ``IncidentUpdate``, the unit a subscriber is told
about once. Tickets link to incidents (``TicketIncident``); a published maintenance window
pauses the SLA clocks of the tickets it concerns where the target says so (see
``tickets.services.maintenance``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk.markdown import RenderedMarkdownField
from helpdesk.tenancy import TenantOwnedModel


class ComponentStatus(models.TextChoices):
    OPERATIONAL = "operational", pgettext_lazy("component status", "Operational")
    DEGRADED = "degraded", pgettext_lazy("component status", "Degraded performance")
    PARTIAL_OUTAGE = "partial_outage", pgettext_lazy("component status", "Partial outage")
    MAJOR_OUTAGE = "major_outage", pgettext_lazy("component status", "Major outage")
    MAINTENANCE = "maintenance", pgettext_lazy("component status", "Under maintenance")


# Worst first when a page sums several components up in one word.
COMPONENT_SEVERITY = {
    ComponentStatus.OPERATIONAL: 0,
    ComponentStatus.MAINTENANCE: 1,
    ComponentStatus.DEGRADED: 2,
    ComponentStatus.PARTIAL_OUTAGE: 3,
    ComponentStatus.MAJOR_OUTAGE: 4,
}

# How much of a span counts as down time in the uptime figure (Atlassian Statuspage's
# weights: a major outage fully, a partial outage 30 %, degraded performance and
# announced maintenance not at all).
DOWNTIME_WEIGHT = {
    ComponentStatus.OPERATIONAL: 0.0,
    ComponentStatus.MAINTENANCE: 0.0,
    ComponentStatus.DEGRADED: 0.0,
    ComponentStatus.PARTIAL_OUTAGE: 0.3,
    ComponentStatus.MAJOR_OUTAGE: 1.0,
}


class IncidentKind(models.TextChoices):
    INCIDENT = "incident", pgettext_lazy("incident kind", "Incident")
    MAINTENANCE = "maintenance", pgettext_lazy("incident kind", "Scheduled maintenance")


class IncidentStatus(models.TextChoices):
    # Incidents.
    INVESTIGATING = "investigating", pgettext_lazy("incident status", "Investigating")
    IDENTIFIED = "identified", pgettext_lazy("incident status", "Identified")
    MONITORING = "monitoring", pgettext_lazy("incident status", "Monitoring")
    RESOLVED = "resolved", pgettext_lazy("incident status", "Resolved")
    # Maintenance windows.
    SCHEDULED = "scheduled", pgettext_lazy("incident status", "Scheduled")
    IN_PROGRESS = "in_progress", pgettext_lazy("incident status", "In progress")
    VERIFYING = "verifying", pgettext_lazy("incident status", "Verifying")
    COMPLETED = "completed", pgettext_lazy("incident status", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("incident status", "Cancelled")


# The statuses each kind moves through, in order; the last ones end it.
KIND_STATUSES = {
    IncidentKind.INCIDENT: (
        IncidentStatus.INVESTIGATING,
        IncidentStatus.IDENTIFIED,
        IncidentStatus.MONITORING,
        IncidentStatus.RESOLVED,
    ),
    IncidentKind.MAINTENANCE: (
        IncidentStatus.SCHEDULED,
        IncidentStatus.IN_PROGRESS,
        IncidentStatus.VERIFYING,
        IncidentStatus.COMPLETED,
        IncidentStatus.CANCELLED,
    ),
}
ENDED_STATUSES = frozenset(
    {IncidentStatus.RESOLVED, IncidentStatus.COMPLETED, IncidentStatus.CANCELLED}
)

# The one map of allowed moves. An incident may go back (monitoring → identified when the
# fix did not hold) but a resolved incident is reopened only by declaring it again with
# "investigating"; a maintenance window runs forward, and may be cancelled until it ends.
INCIDENT_TRANSITIONS = {
    IncidentStatus.INVESTIGATING: {
        IncidentStatus.IDENTIFIED,
        IncidentStatus.MONITORING,
        IncidentStatus.RESOLVED,
    },
    IncidentStatus.IDENTIFIED: {
        IncidentStatus.INVESTIGATING,
        IncidentStatus.MONITORING,
        IncidentStatus.RESOLVED,
    },
    IncidentStatus.MONITORING: {
        IncidentStatus.INVESTIGATING,
        IncidentStatus.IDENTIFIED,
        IncidentStatus.RESOLVED,
    },
    IncidentStatus.RESOLVED: {IncidentStatus.INVESTIGATING},
    IncidentStatus.SCHEDULED: {
        IncidentStatus.IN_PROGRESS,
        IncidentStatus.COMPLETED,
        IncidentStatus.CANCELLED,
    },
    IncidentStatus.IN_PROGRESS: {
        IncidentStatus.VERIFYING,
        IncidentStatus.COMPLETED,
        IncidentStatus.CANCELLED,
    },
    IncidentStatus.VERIFYING: {
        IncidentStatus.IN_PROGRESS,
        IncidentStatus.COMPLETED,
    },
    IncidentStatus.COMPLETED: set(),
    IncidentStatus.CANCELLED: set(),
}


class IncidentImpact(models.TextChoices):
    NONE = "none", pgettext_lazy("incident impact", "None")
    MINOR = "minor", pgettext_lazy("incident impact", "Minor")
    MAJOR = "major", pgettext_lazy("incident impact", "Major")
    CRITICAL = "critical", pgettext_lazy("incident impact", "Critical")


class Component(TenantOwnedModel):
    """A part of the service customers see on the status page ("Call tracking")."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_(
            "Shown on the public status page. A private component is seen only by signed-in "
            "people of the help desk."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ComponentStatus.choices,
        default=ComponentStatus.OPERATIONAL,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("component")
        verbose_name_plural = _("components")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="component_slug_per_tenant"),
        ]

    def __str__(self):
        return self.name


class ComponentStatusSpan(TenantOwnedModel):
    """A stretch of time a component stood in one state; the current one has no end."""

    component = models.ForeignKey(
        Component, on_delete=models.CASCADE, related_name="spans", verbose_name=_("component")
    )
    status = models.CharField(_("status"), max_length=20, choices=ComponentStatus.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    incident = models.ForeignKey(
        "Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incident"),
    )

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("component status span")
        verbose_name_plural = _("component status spans")
        constraints = [
            models.UniqueConstraint(
                fields=["component"],
                condition=Q(ended_at__isnull=True),
                name="component_one_open_span",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "started_at"], name="component_span_started"),
        ]

    def __str__(self):
        return _("%(status)s from %(start)s") % {
            "status": self.get_status_display(),
            "start": date_format(timezone.localtime(self.started_at), "SHORT_DATETIME_FORMAT"),
        }


class Incident(TenantOwnedModel):
    """An incident, or a scheduled maintenance window (``kind``). A draft until
    ``published_at``; only published ones reach the status page, subscribers and tickets'
    clocks."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=IncidentKind.choices, default=IncidentKind.INCIDENT
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=IncidentStatus.choices)
    impact = models.CharField(
        _("impact"), max_length=10, choices=IncidentImpact.choices, default=IncidentImpact.MINOR
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_incidents",
        verbose_name=_("owner"),
        help_text=_("The engineer or manager who leads it; linked tickets follow them."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Maintenance: the announced window. Incidents: started_at is when it began.
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # The public reply posted on each linked ticket when it is resolved (Markdown).
    resolution_reply = models.TextField(_("reply to linked tickets"), blank=True)
    # Up to when the clocks of the tickets a maintenance window concerns were recomputed
    # for its start and its end (the every-minute task moves it forward).
    clocks_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    components = models.ManyToManyField(
        Component,
        through="IncidentComponent",
        related_name="incidents",
        verbose_name=_("components"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            models.Index(
                fields=["tenant", "kind", "-created_at"],
                condition=Q(ended_at__isnull=True),
                name="incident_open",
            ),
            models.Index(
                fields=["tenant", "-published_at"],
                condition=Q(published_at__isnull=False),
                name="incident_published",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_maintenance(self) -> bool:
        return self.kind == IncidentKind.MAINTENANCE

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED_STATUSES


class IncidentComponent(TenantOwnedModel):
    """A component an incident affects, with the state the incident puts it in."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="affected", verbose_name=_("incident")
    )
    component = models.ForeignKey(
        Component, on_delete=models.CASCADE, related_name="+", verbose_name=_("component")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ComponentStatus.choices,
        default=ComponentStatus.DEGRADED,
    )

    class Meta:
        verbose_name = _("affected component")
        verbose_name_plural = _("affected components")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "component"], name="incident_component_once"
            ),
        ]

    def __str__(self):
        return f"{self.incident_id} → {self.component_id}"


class IncidentUpdate(TenantOwnedModel):
    """A timestamped public message of an incident, with the status it moved to. Each is
    told to the subscribers once (``notified_at``)."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="updates", verbose_name=_("incident")
    )
    status = models.CharField(_("status"), max_length=16, choices=IncidentStatus.choices)
    body = models.TextField(_("message"))
    body_html = RenderedMarkdownField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"))
    notify = models.BooleanField(_("notify subscribers"), default=True)
    notified_at = models.DateTimeField(_("subscribers notified at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")
        indexes = [
            models.Index(fields=["incident", "-created_at"], name="incident_update_latest"),
            models.Index(
                fields=["created_at"],
                condition=Q(notify=True, notified_at__isnull=True),
                name="incident_update_unnotified",
            ),
        ]

    def __str__(self):
        return _("%(status)s at %(time)s") % {
            "status": self.get_status_display(),
            "time": date_format(timezone.localtime(self.created_at), "SHORT_DATETIME_FORMAT"),
        }
