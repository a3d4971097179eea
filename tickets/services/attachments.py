"""Checking, storing and handing over uploaded files."""

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Attachment

# Extension → content type we serve it as. The browser's claimed type is never trusted.
ALLOWED_TYPES: dict[str, str] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".zip": "application/zip",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# Raster images a browser may show inline; everything else is downloaded.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
ALLOWED_DESCRIPTION = _(
    "images (PNG, JPG, GIF, WebP), PDF, text and log files, CSV, JSON, ZIP and Office documents"
)


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    name: str
    content_type: str
    size: int


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(size // 1024, 1)} KB"


def clean_name(name: str) -> str:
    base = os.path.basename(name.replace("\\", "/")).strip() or "file"
    return "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')[:200] or "file"


def attachment_check(upload) -> CheckedFile:
    """Raise ValidationError with a message a user understands, or return what to store.

    The message is read in the language active when it is shown (a form, or the email that
    tells a sender which files were not added)."""
    name = clean_name(upload.name or "file")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED_TYPES:
        raise ValidationError(
            _("“%(name)s” is not a file type we accept. Allowed: %(allowed)s."),
            params={"name": name, "allowed": ALLOWED_DESCRIPTION},
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), params={"name": name})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files can be at most %(limit)s."),
            params={
                "name": name,
                "size": _human_size(upload.size),
                "limit": _human_size(settings.ATTACHMENT_MAX_BYTES),
            },
        )
    return CheckedFile(upload=upload, name=name, content_type=ALLOWED_TYPES[ext], size=upload.size)


def attachment_stage(*, actor, tenant, checked: CheckedFile) -> Attachment:
    """Store a checked file as a pending upload of ``actor``, not yet on any ticket.

    A form that fails on another field keeps its files this way: the user sees them
    listed and does not have to pick them again.
    """
    attachment = Attachment(
        tenant=tenant,
        uploaded_by=actor,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        created_at=timezone.now(),
    )
    attachment.file.save(checked.name, checked.upload, save=False)
    attachment.save()
    return attachment


def attachments_claim(*, actor, tenant, ticket, message=None, public_ids, internal=False) -> list:
    """Attach ``actor``'s pending uploads to a ticket (and message); returns them."""
    if not public_ids:
        return []
    pending = list(
        Attachment.objects.for_tenant(tenant)
        .select_for_update()
        .filter(uploaded_by=actor, ticket__isnull=True, public_id__in=list(public_ids))
        .order_by("pk")
    )
    for attachment in pending:
        attachment.ticket = ticket
        attachment.message = message
        attachment.is_internal = internal
    Attachment.objects.bulk_update(pending, ["ticket", "message", "is_internal"])
    return pending


def pending_attachments(*, actor, tenant, public_ids) -> list[Attachment]:
    if not public_ids:
        return []
    return list(
        Attachment.objects.for_tenant(tenant)
        .filter(uploaded_by=actor, ticket__isnull=True, public_id__in=list(public_ids))
        .order_by("pk")
    )


def pending_attachments_purge(*, older_than) -> int:
    """Delete pending uploads nobody submitted (files first, then rows)."""
    stale = Attachment.objects.filter(ticket__isnull=True, created_at__lt=older_than)
    count = 0
    for attachment in stale.iterator():
        with transaction.atomic():
            attachment.file.delete(save=False)
            attachment.delete()
            count += 1
    return count
