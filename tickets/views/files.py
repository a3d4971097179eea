"""Downloads: permission first, then the file (streamed or via a short-lived S3 link)."""

from django.conf import settings
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.decorators import tenant_member_required

from ..selectors import attachment_for_actor, inbound_email_for_actor
from ..services.attachments import INLINE_TYPES


def _disposition(attachment, inline_requested: bool) -> str:
    inline = inline_requested and attachment.content_type in INLINE_TYPES
    return content_disposition_header(not inline, attachment.original_name)


@tenant_member_required
@require_GET
@never_cache
def attachment_download(request, reference, public_id):
    attachment = attachment_for_actor(
        tenant=request.tenant, actor=request.user, reference=reference, public_id=public_id
    )
    disposition = _disposition(attachment, request.GET.get("inline") == "1")
    if settings.ATTACHMENT_DOWNLOADS == "redirect":
        url = attachment.file.storage.url(
            attachment.file.name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": attachment.content_type,
            },
            expire=settings.AWS_QUERYSTRING_EXPIRE,
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
        response["Content-Disposition"] = disposition
        response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@tenant_member_required
@require_GET
@never_cache
def message_original(request, reference, message_id):
    """The email a message came in, as it was received (quoted history, signature, every
    header): staff only."""
    inbound = inbound_email_for_actor(
        tenant=request.tenant, actor=request.user, reference=reference, message_id=message_id
    )
    response = FileResponse(inbound.raw.open("rb"), content_type="message/rfc822")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{reference}-message-{message_id}.eml"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
