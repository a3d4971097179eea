"""How tickets, their messages, files, SLA and escalations read in the API, and what
requests that change them carry. Plain serializers over the rows the selectors return:
nothing here queries."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from helpdesk.links import absolute_url
from helpdesk.priorities import Priority
from tickets.models import Channel, Status


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)
    email = serializers.EmailField(read_only=True)


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class TypeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)


def _person(user) -> dict:
    return {"id": user.pk, "name": user.full_name, "email": user.email}


def _moment(value, zone) -> str | None:
    """A time as DRF's DateTimeField writes it: ISO 8601 in the active zone, UTC as Z."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class TicketSerializer(serializers.Serializer):
    """A ticket as a row of a list."""

    reference = serializers.CharField(
        read_only=True, help_text=_("Prefix and number, e.g. IVC-1042.")
    )
    number = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    priority = serializers.ChoiceField(choices=Priority.choices, read_only=True)
    type = TypeRefSerializer(source="ticket_type", read_only=True)
    organization = NamedSerializer(read_only=True)
    requester = PersonSerializer(read_only=True)
    assignee = PersonSerializer(read_only=True, allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    sla_due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("The earliest due time of a running clock.")
    )
    first_response_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    first_response_state = serializers.CharField(read_only=True)
    resolution_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    resolution_state = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("The ticket's page in the portal."))

    def get_url(self, ticket) -> str:
        return absolute_url(self.context["base_url"], ticket.get_absolute_url())

    def to_representation(self, ticket):
        # Written out: the same JSON as the fields above produce (a test holds them equal),
        # at a fraction of their cost on a page of 100 rows.
        zone = timezone.get_current_timezone()
        kind, org = ticket.ticket_type, ticket.organization
        return {
            "reference": ticket.reference,
            "number": ticket.number,
            "title": str(ticket.title),
            "status": ticket.status,
            "priority": ticket.priority,
            "type": {"id": kind.pk, "slug": kind.slug, "name": kind.full_name},
            "organization": {"id": org.pk, "name": org.name},
            "requester": _person(ticket.requester),
            "assignee": _person(ticket.assignee) if ticket.assignee_id else None,
            "channel": ticket.channel,
            "created_at": _moment(ticket.created_at, zone),
            "updated_at": _moment(ticket.updated_at, zone),
            "sla_due_at": _moment(ticket.sla_due_at, zone),
            "first_response_due_at": _moment(ticket.first_response_due_at, zone),
            "first_response_state": ticket.first_response_state,
            "resolution_due_at": _moment(ticket.resolution_due_at, zone),
            "resolution_state": ticket.resolution_state,
            "url": self.get_url(ticket),
        }

    def generic_representation(self, ticket):
        """What the declared fields alone make of ``ticket`` (the schema's promise)."""
        return super().to_representation(ticket)


class TicketDetailSerializer(TicketSerializer):
    text = serializers.CharField(read_only=True, help_text=_("Markdown, as written."))
    text_html = serializers.CharField(read_only=True, help_text=_("The text rendered, sanitized."))
    affected_service = serializers.CharField(read_only=True)
    steps = serializers.CharField(read_only=True)
    first_response_at = serializers.DateTimeField(read_only=True, allow_null=True)
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reply_count = serializers.IntegerField(read_only=True)

    def to_representation(self, ticket):
        zone = timezone.get_current_timezone()
        return {
            **super().to_representation(ticket),
            "text": str(ticket.text),
            "text_html": str(ticket.text_html),
            "affected_service": str(ticket.affected_service),
            "steps": str(ticket.steps),
            "first_response_at": _moment(ticket.first_response_at, zone),
            "resolved_at": _moment(ticket.resolved_at, zone),
            "closed_at": _moment(ticket.closed_at, zone),
            "reply_count": ticket.reply_count,
        }


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    internal = serializers.BooleanField(source="is_internal", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, attachment) -> str | None:
        reference = self.context.get("reference")
        if not reference:
            return None
        path = reverse(
            "api:ticket-attachment-download",
            kwargs={"reference": reference, "public_id": attachment.public_id},
        )
        return absolute_url(self.context["base_url"], path)


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    author = PersonSerializer(read_only=True, allow_null=True)
    internal = serializers.BooleanField(source="is_internal", read_only=True)
    body = serializers.CharField(read_only=True, help_text=_("Markdown, as written."))
    body_html = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    attachments = serializers.SerializerMethodField()

    def get_attachments(self, message) -> list[dict]:
        # Prefetched by the timeline, without internal files for customers.
        return AttachmentSerializer(message.attachments.all(), many=True, context=self.context).data


class MetricSerializer(serializers.Serializer):
    metric = serializers.CharField(read_only=True)
    target = serializers.CharField(source="target_label", read_only=True)
    clock = serializers.CharField(read_only=True, help_text=_("business, 24x7 or empty."))
    state = serializers.CharField(
        read_only=True, help_text=_("running, paused, met, breached or none.")
    )
    due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    ended_at = serializers.DateTimeField(read_only=True, allow_null=True)
    at_risk = serializers.BooleanField(read_only=True)
    remaining_seconds = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Business seconds left; negative once overdue."),
    )
    explanation = serializers.ListField(child=serializers.CharField(), read_only=True)


class TicketSlaSerializer(serializers.Serializer):
    reference = serializers.CharField(read_only=True)
    plan = serializers.CharField(read_only=True, allow_null=True)
    metrics = MetricSerializer(many=True, read_only=True)


class EscalationEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    level = serializers.CharField(source="level_name", read_only=True)
    reason = serializers.CharField(read_only=True)
    metric = serializers.CharField(read_only=True)
    due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    actor = PersonSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class TicketPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True, help_text=_("The next page; null on the last."))
    results = TicketSerializer(many=True)


# Requests


class TicketCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    text = serializers.CharField()
    type = serializers.IntegerField(
        help_text=_("A request type's id (GET /api/v1/request-types/).")
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    affected_service = serializers.CharField(max_length=200, required=False, allow_blank=True)
    steps = serializers.CharField(required=False, allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text=_("Ids of files uploaded first to POST /api/v1/uploads/."),
    )
    requester = serializers.IntegerField(
        required=False, help_text=_("Staff: the customer the ticket is opened for.")
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text=_("Staff: how the request came in."),
    )
    opened_at = serializers.DateTimeField(
        required=False, help_text=_("Staff: when the request came in (the SLA starts there).")
    )


class TicketUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=_("Why: required with a priority change."),
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    assignee = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("Staff: an engineer's id; null unassigns.")
    )
    type = serializers.IntegerField(required=False, help_text=_("Staff: a request type's id."))


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(help_text=_("Markdown."))
    attachments = serializers.ListField(child=serializers.UUIDField(), required=False)
    status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text=_("Staff: move the ticket with the reply."),
    )


class NoteSerializer(serializers.Serializer):
    body = serializers.CharField(help_text=_("Markdown; only staff read it."))
    attachments = serializers.ListField(child=serializers.UUIDField(), required=False)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
