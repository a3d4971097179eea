import functools
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from helpdesk.markdown import RenderedMarkdownField
from helpdesk.priorities import Priority
from helpdesk.tenancy import TenantOwnedModel

_REFERENCE_SLOT = "__reference__"


@functools.lru_cache(maxsize=16)
def _detail_url(script_prefix: str) -> str:
    """The ticket URL with a slot for the reference: list pages link every row twice, and
    resolving the URL once instead of per row is a measurable part of rendering them."""
    return reverse("tickets:detail", kwargs={"reference": _REFERENCE_SLOT})


class Status(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold – waiting on you"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD)

# Staff see the hold state from their side of the conversation.
STAFF_STATUS_LABELS = {
    Status.NEW: "New",
    Status.IN_PROGRESS: "In progress",
    Status.ON_HOLD: "On hold – waiting on customer",
    Status.RESOLVED: "Resolved",
    Status.CLOSED: "Closed",
}


class Channel(models.TextChoices):
    """How a ticket or a message reached the help desk."""

    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")


class SlaState(models.TextChoices):
    NONE = "none", "No target"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"


class TicketType(TenantOwnedModel):
    """An entry of a tenant's request catalogue; two levels (reason → sub-category) at most."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text="Leave empty for a top-level entry (a case reason or a flat type).",
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120)
    description = models.TextField(blank=True)
    default_priority = models.CharField(
        max_length=2,
        choices=Priority.choices,
        default=Priority.P3,
        help_text="Priority proposed on the new-ticket form for this type.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
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

    priority = models.CharField(max_length=2, choices=Priority.choices)
    summary = models.CharField(max_length=120, help_text="E.g. “Critical – service down”.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["priority"]
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


class Ticket(TenantOwnedModel):
    number = models.PositiveIntegerField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.RESTRICT, related_name="tickets"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="requested_tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    ticket_type = models.ForeignKey(
        TicketType, on_delete=models.RESTRICT, related_name="tickets", verbose_name="type"
    )
    title = models.CharField(max_length=200)
    text = models.TextField()
    affected_service = models.CharField("affected service or resource", max_length=200)
    steps = models.TextField("steps that caused the failure", blank=True)
    # The description and steps rendered when written (helpdesk.markdown): pages show these.
    text_html = RenderedMarkdownField()
    steps_html = RenderedMarkdownField()
    markdown_version = models.PositiveSmallIntegerField(default=0, editable=False)
    priority = models.CharField(max_length=2, choices=Priority.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    last_customer_reply_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reply_count = models.PositiveIntegerField(default=0)

    # SLA outcome per metric, kept current by the SLA services; sla_due_at is the nearest
    # due time of a running metric, which queues sort by.
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    first_response_state = models.CharField(
        max_length=10, choices=SlaState.choices, default=SlaState.NONE
    )
    first_response_ended_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    resolution_state = models.CharField(
        max_length=10, choices=SlaState.choices, default=SlaState.NONE
    )
    resolution_ended_at = models.DateTimeField(null=True, blank=True)
    sla_due_at = models.DateTimeField(null=True, blank=True)

    # Escalation, kept by the escalation services: the level the ticket stands at, the SLA
    # cycle (a reopened ticket starts a new one) and the next instant a rule can fire,
    # which the every-minute check finds through a partial index.
    escalation_level = models.ForeignKey(
        "escalation.EscalationLevel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    escalation_cycle = models.PositiveSmallIntegerField(default=1)
    escalation_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
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
            models.Index(fields=["tenant", "requester", "-updated_at"], name="ticket_requester"),
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

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+"
    )
    body = models.TextField()
    body_html = RenderedMarkdownField()
    markdown_version = models.PositiveSmallIntegerField(default=0, editable=False)
    is_internal = models.BooleanField(default=False)
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
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket")]

    def __str__(self):
        kind = "note" if self.is_internal else "reply"
        return f"{kind} on ticket {self.ticket_id}"


def attachment_key(instance, filename) -> str:
    """Random object key: nothing about the ticket or the file name can be guessed from it."""
    return f"attachments/{instance.tenant_id}/{uuid.uuid4().hex}"


class Attachment(TenantOwnedModel):
    """A file on a ticket; while ``ticket`` is empty it is a pending upload of its uploader.

    Files of an internal note are internal too and never reach customers.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+"
    )
    file = models.FileField(upload_to=attachment_key, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
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


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    STATUS = "status", "Status changed"
    PRIORITY = "priority", "Priority changed"
    TYPE = "type", "Type changed"
    ASSIGNED = "assigned", "Assigned"
    REPLY = "reply", "Replied"
    NOTE = "note", "Internal note"
    ATTACHMENT = "attachment", "Attachment added"
    CC_ADDED = "cc_added", "Added in copy"
    CC_REMOVED = "cc_removed", "Removed from copy"
    ESCALATED = "escalated", "Escalated"
    DEESCALATED = "deescalated", "De-escalated"
    SLA = "sla", "SLA"


class TicketEvent(TenantOwnedModel):
    """One row per change of a ticket: the timeline, with who, when and the parameters."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    data = models.JSONField(default=dict, blank=True)
    is_internal = models.BooleanField(
        default=False, help_text="Shown to staff only (notes, internal reasons)."
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket")]

    def __str__(self):
        return f"{self.get_kind_display()} on ticket {self.ticket_id}"
