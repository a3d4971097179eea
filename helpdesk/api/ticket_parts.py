"""What hangs off one ticket in the API: the conversation, replies and internal notes,
files up and down, the SLA's clocks and the escalation history. Each reaches the ticket
through ``ticket_for_actor`` first (one 404 for missing and forbidden)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from escalation.selectors import ticket_escalations
from helpdesk.links import tenant_base_url
from tickets.selectors import ticket_files, ticket_timeline
from tickets.services import ticket_add_evidence, ticket_reply
from tickets.services.attachments import attachment_check, attachment_stage
from tickets.services.sla import ticket_sla_evaluated
from tickets.views.files import attachment_download

from . import serializers as s
from .permissions import StaffOnly
from .tickets import api_context as _context
from .tickets import ticket_in_scope as _ticket


class MessagesView(APIView):
    @extend_schema(
        operation_id="tickets_messages_list",
        responses=s.MessageSerializer(many=True),
        summary="The conversation",
        description="Public replies, and for staff the internal notes, oldest first.",
    )
    def get(self, request, reference):
        ticket = _ticket(request, reference)
        messages = [
            item.message
            for item in ticket_timeline(ticket=ticket, actor=request.user)
            if item.message
        ]
        context = _context(request, reference=ticket.reference)
        return Response(s.MessageSerializer(messages, many=True, context=context).data)


def _message_response(request, ticket, message):
    context = _context(request, reference=ticket.reference)
    return Response(
        s.MessageSerializer(message, context=context).data, status=status.HTTP_201_CREATED
    )


class ReplyView(APIView):
    @extend_schema(
        operation_id="tickets_reply",
        request=s.ReplySerializer,
        responses={201: s.MessageSerializer},
        summary="Reply on a ticket",
        description="A public reply, optionally with files uploaded first; staff may move "
        "the ticket with it (status).",
    )
    def post(self, request, reference):
        payload = s.ReplySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        ticket = _ticket(request, reference)
        if data.get("status") and not request.user.is_agent:
            raise drf.ValidationError({"status": [_("Only staff move a ticket with a reply.")]})
        message = ticket_reply(
            ticket=ticket,
            actor=request.user,
            body=data["body"],
            attachment_ids=[str(i) for i in data.get("attachments", [])],
            status=data.get("status") or None,
            base_url=tenant_base_url(tenant=request.tenant),
        )
        return _message_response(request, ticket, message)


class NoteView(APIView):
    permission_classes = [*APIView.permission_classes, StaffOnly]

    @extend_schema(
        operation_id="tickets_note",
        request=s.NoteSerializer,
        responses={201: s.MessageSerializer},
        summary="Write an internal note (staff)",
    )
    def post(self, request, reference):
        payload = s.NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        ticket = _ticket(request, reference)
        message = ticket_reply(
            ticket=ticket,
            actor=request.user,
            body=data["body"],
            internal=True,
            attachment_ids=[str(i) for i in data.get("attachments", [])],
            base_url=tenant_base_url(tenant=request.tenant),
        )
        return _message_response(request, ticket, message)


class EvidenceSerializer(drf.Serializer):
    attachments = drf.ListField(
        child=drf.UUIDField(), min_length=1, help_text="Ids from POST /api/v1/uploads/."
    )
    comment = drf.CharField(required=False, allow_blank=True)


class AttachmentsView(APIView):
    @extend_schema(
        operation_id="tickets_attachments_list",
        responses=s.AttachmentSerializer(many=True),
        summary="The ticket's files",
        description="Internal files only for staff.",
    )
    def get(self, request, reference):
        ticket = _ticket(request, reference)
        files = ticket_files(ticket=ticket, actor=request.user)
        context = _context(request, reference=ticket.reference)
        return Response(s.AttachmentSerializer(files, many=True, context=context).data)

    @extend_schema(
        operation_id="tickets_attachments_add",
        request=EvidenceSerializer,
        responses={201: s.AttachmentSerializer(many=True)},
        summary="Add evidence",
        description="Attach files uploaded first to POST /api/v1/uploads/, with an optional "
        "comment.",
    )
    def post(self, request, reference):
        payload = EvidenceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ticket = _ticket(request, reference)
        files = ticket_add_evidence(
            ticket=ticket,
            actor=request.user,
            attachment_ids=[str(i) for i in payload.validated_data["attachments"]],
            comment=payload.validated_data.get("comment", ""),
            base_url=tenant_base_url(tenant=request.tenant),
        )
        context = _context(request, reference=ticket.reference)
        return Response(
            s.AttachmentSerializer(files, many=True, context=context).data,
            status=status.HTTP_201_CREATED,
        )


class AttachmentDownloadView(APIView):
    @extend_schema(
        operation_id="tickets_attachments_download",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="Download a file",
        description="The file itself after the same permission check as the page's link "
        "(or a redirect to a short-lived storage link).",
    )
    def get(self, request, reference, public_id):
        return attachment_download(request._request, reference, public_id)


class UploadView(APIView):
    @extend_schema(
        operation_id="uploads_create",
        request={"multipart/form-data": s.UploadSerializer},
        responses={201: s.AttachmentSerializer},
        summary="Upload a file",
        description="Stores a file for the ticket, reply or evidence that names its id next; "
        "files nobody claims are removed after a day.",
    )
    def post(self, request):
        payload = s.UploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        checked = attachment_check(payload.validated_data["file"])
        attachment = attachment_stage(actor=request.user, tenant=request.tenant, checked=checked)
        return Response(
            s.AttachmentSerializer(attachment, context=_context(request)).data,
            status=status.HTTP_201_CREATED,
        )


class SlaView(APIView):
    @extend_schema(
        operation_id="tickets_sla",
        responses=s.TicketSlaSerializer,
        summary="The ticket's SLA",
        description="Each clock's target, due time, state, business time left and how the "
        "due time was computed, as the ticket page shows them.",
    )
    def get(self, request, reference):
        ticket = _ticket(request, reference)
        evaluated = ticket_sla_evaluated(ticket=ticket, now=timezone.now())
        body = {
            "reference": ticket.reference,
            "plan": evaluated.book.plan_name if evaluated.book else None,
            "metrics": list(evaluated.outcome.values()),
        }
        return Response(s.TicketSlaSerializer(body).data)


class EscalationsView(APIView):
    permission_classes = [*APIView.permission_classes, StaffOnly]

    @extend_schema(
        operation_id="tickets_escalations",
        responses=s.EscalationEventSerializer(many=True),
        summary="Escalation history (staff)",
    )
    def get(self, request, reference):
        ticket = _ticket(request, reference)
        events = ticket_escalations(tenant=request.tenant, ticket=ticket)
        return Response(s.EscalationEventSerializer(events, many=True).data)
