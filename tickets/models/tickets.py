import functools
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk.markdown import RenderedMarkdownField
from helpdesk.priorities import Priority
from helpdesk.tenancy import TenantOwnedModel

from .catalogue import TicketType

_REFERENCE_SLOT = "__reference__"


@functools.lru_cache(maxsize=16)
def _detail_url(script_prefix: str) -> str:
    """The ticket URL with a slot for the reference: list pages link every row twice, and
    resolving the URL once instead of per row is a measurable part of rendering them."""
    return reverse("tickets:detail", kwargs={"reference": _REFERENCE_SLOT})


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "New")
    IN_PROGRESS = "in_progress", pgettext_lazy("ticket status", "In progress")
    ON_HOLD = "on_hold", pgettext_lazy("ticket status", "On hold – waiting on you")
    RESOLVED = "resolved", pgettext_lazy("ticket status", "Resolved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD)

# Staff see the hold state from their side of the conversation.
STAFF_STATUS_LABELS = {
    Status.NEW: Status.NEW.label,
    Status.IN_PROGRESS: Status.IN_PROGRESS.label,
    Status.ON_HOLD: pgettext_lazy("ticket status", "On hold – waiting on customer"),
    Status.RESOLVED: Status.RESOLVED.label,
    Status.CLOSED: Status.CLOSED.label,
}


class Channel(models.TextChoices):
    """How a ticket or a message reached the help desk."""

    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")


class SlaState(models.TextChoices):
    NONE = "none", pgettext_lazy("SLA state", "No target")
    RUNNING = "running", pgettext_lazy("SLA state", "Running")
    PAUSED = "paused", pgettext_lazy("SLA state", "Paused")
    MET = "met", pgettext_lazy("SLA state", "Met")
    BREACHED = "breached", pgettext_lazy("SLA state", "Breached")


class Ticket(TenantOwnedModel):
    number = models.PositiveIntegerField(_("number"))
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.RESTRICT,
        related_name="tickets",
        verbose_name=_("organization"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        related_name="requested_tickets",
        verbose_name=_("requester"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    ticket_type = models.ForeignKey(
        TicketType, on_delete=models.RESTRICT, related_name="tickets", verbose_name=_("type")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    affected_service = models.CharField(_("affected service or resource"), max_length=200)
    # The status page's component the customer chose, if any: incidents and maintenance
    # windows on it are shown on the form and concern the ticket.
    component = models.ForeignKey(
        "tickets.Component",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("component"),
    )
    steps = models.TextField(_("steps that caused the failure"), blank=True)
    # The description and steps rendered when written (helpdesk.markdown): pages show these.
    text_html = RenderedMarkdownField()
    steps_html = RenderedMarkdownField()
    markdown_version = models.PositiveSmallIntegerField(default=0, editable=False)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )

    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    last_customer_reply_at = models.DateTimeField(
        _("last customer reply at"), null=True, blank=True
    )
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reply_count = models.PositiveIntegerField(_("reply count"), default=0)

    # SLA outcome per metric, kept current by the SLA services; sla_due_at is the nearest
    # due time of a running metric, which queues sort by.
    first_response_due_at = models.DateTimeField(_("first response due at"), null=True, blank=True)
    first_response_state = models.CharField(
        _("first response state"), max_length=10, choices=SlaState.choices, default=SlaState.NONE
    )
    first_response_ended_at = models.DateTimeField(
        _("first response ended at"), null=True, blank=True
    )
    resolution_due_at = models.DateTimeField(_("resolution due at"), null=True, blank=True)
    resolution_state = models.CharField(
        _("resolution state"), max_length=10, choices=SlaState.choices, default=SlaState.NONE
    )
    resolution_ended_at = models.DateTimeField(_("resolution ended at"), null=True, blank=True)
    sla_due_at = models.DateTimeField(_("SLA due at"), null=True, blank=True)

    # Escalation, kept by the escalation services: the level the ticket stands at, the SLA
    # cycle (a reopened ticket starts a new one) and the next instant a rule can fire,
    # which the every-minute check finds through a partial index.
    escalation_level = models.ForeignKey(
        "escalation.EscalationLevel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("escalation level"),
    )
    escalation_cycle = models.PositiveSmallIntegerField(_("escalation cycle"), default=1)
    escalation_check_at = models.DateTimeField(_("escalation check at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="ticket_number_per_tenant"),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "sla_due_at"], name="ticket_queue_sla"),
            models.Index(fields=["tenant", "status", "-updated_at"], name="ticket_queue_updated"),
            models.Index(
                fields=["tenant", "assignee", "status", "sla_due_at"], name="ticket_assignee"
            ),
            models.Index(
                fields=["tenant", "organization", "-updated_at"], name="ticket_organization"
            ),
            # A customer's own tickets as their scope reads them (requester and organization),
            # newest first: the page is a range of this index, its count reads the index.
            models.Index(
                fields=["tenant", "requester", "organization", "-updated_at"],
                name="ticket_requester_org",
            ),
            # Queues read open tickets in SLA order: partial indexes hold only open tickets,
            # in the queue's sort order, so a page is an index range scan.
            models.Index(
                fields=["tenant", "sla_due_at", "priority", "created_at"],
                condition=Q(status__in=["new", "in_progress", "on_hold"]),
                # PostgreSQL answers the queue counts from the index alone only when every
                # column they mention is in it, the predicate's status included.
                include=["assignee", "status", "escalation_level"],
                name="ticket_open_sla",
            ),
            models.Index(
                fields=["tenant", "sla_due_at", "priority", "created_at"],
                condition=Q(status__in=["new", "in_progress", "on_hold"], assignee__isnull=True),
                include=["assignee", "status"],
                name="ticket_unassigned_sla",
            ),
            # Home pages: open tickets whose stored outcome is a breach (the manager's
            # "breached now"), and an organization's open tickets by SLA due.
            models.Index(
                fields=["tenant", "first_response_due_at"],
                condition=Q(
                    status__in=["new", "in_progress", "on_hold"], first_response_state="breached"
                ),
                include=["sla_due_at", "status", "first_response_state"],
                name="ticket_open_first_breached",
            ),
            models.Index(
                fields=["tenant", "resolution_due_at"],
                condition=Q(
                    status__in=["new", "in_progress", "on_hold"], resolution_state="breached"
                ),
                include=["sla_due_at", "status", "first_response_state", "resolution_state"],
                name="ticket_open_res_breached",
            ),
            models.Index(
                fields=["tenant", "organization", "sla_due_at", "priority", "created_at"],
                condition=Q(status__in=["new", "in_progress", "on_hold"]),
                include=["status"],
                name="ticket_organization_open_sla",
            ),
            # The backlog's age in the SLA reports: open tickets by opening time.
            models.Index(
                fields=["tenant", "created_at"],
                condition=Q(status__in=["new", "in_progress", "on_hold"]),
                name="ticket_open_age",
            ),
            models.Index(
                fields=["escalation_check_at"],
                condition=Q(escalation_check_at__isnull=False),
                name="ticket_escalation_check",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.tenant.ticket_prefix}-{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def staff_status_label(self) -> str:
        return STAFF_STATUS_LABELS[Status(self.status)]

    def get_absolute_url(self):
        return _detail_url(get_script_prefix()).replace(_REFERENCE_SLOT, self.reference)


class Message(TenantOwnedModel):
    """A public reply (seen by both sides) or an internal note (staff only)."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("body"))
    body_html = RenderedMarkdownField()
    markdown_version = models.PositiveSmallIntegerField(default=0, editable=False)
    is_internal = models.BooleanField(_("internal"), default=False)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )
    # The email it came in: its full original (quoted history, signature) stays viewable.
    inbound_email = models.ForeignKey(
        "tickets.InboundEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inbound email"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket")]

    def __str__(self):
        if self.is_internal:
            return _("note on ticket %(ticket)s") % {"ticket": self.ticket_id}
        return _("reply on ticket %(ticket)s") % {"ticket": self.ticket_id}


def attachment_key(instance, filename) -> str:
    """Random object key: nothing about the ticket or the file name can be guessed from it."""
    return f"attachments/{instance.tenant_id}/{uuid.uuid4().hex}"


class Attachment(TenantOwnedModel):
    """A file on a ticket; while ``ticket`` is empty it is a pending upload of its uploader.

    Files of an internal note are internal too and never reach customers.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("ticket"),
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to=attachment_key, max_length=255)
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    is_internal = models.BooleanField(_("internal"), default=False)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="attachment_ticket"),
            models.Index(
                fields=["tenant", "uploaded_by", "created_at"],
                condition=Q(ticket__isnull=True),
                name="attachment_pending",
            ),
        ]

    def __str__(self):
        return self.original_name
