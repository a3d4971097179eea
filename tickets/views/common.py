"""Pieces shared by the customer and staff views."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import ngettext

from helpdesk.links import tenant_base_url
from helpdesk.ratelimit import limit_exceeded

from ..services import attachment_check, attachment_stage, pending_attachments


def base_url(request) -> str:
    return tenant_base_url(tenant=request.tenant)


def collect_uploads(request, form) -> list:
    """Store every acceptable file of the submission as a pending upload.

    Returns the pending uploads (earlier kept ones first). Rejected files become errors on
    the form's ``files`` field; accepted ones survive a rejected submission, so the user
    never picks them twice.
    """
    tenant, actor = request.tenant, request.user
    kept = pending_attachments(actor=actor, tenant=tenant, public_ids=form.kept_ids())
    uploads = request.FILES.getlist(form.add_prefix("files"))
    room = settings.ATTACHMENT_MAX_FILES - len(kept)
    if len(uploads) > room:
        most = settings.ATTACHMENT_MAX_FILES
        form.add_error(
            "files",
            ngettext(
                "Attach at most %(count)d file to one message.",
                "Attach at most %(count)d files to one message.",
                most,
            )
            % {"count": most},
        )
        uploads = uploads[: max(room, 0)]
    for upload in uploads:
        try:
            checked = attachment_check(upload)
        except ValidationError as error:
            form.add_error("files", error)
            continue
        kept.append(attachment_stage(actor=actor, tenant=tenant, checked=checked))
    return kept


def keep_uploads(form, uploads) -> None:
    """Carry pending uploads into the re-rendered form."""
    form.data = form.data.copy()
    form.data[form.add_prefix("kept")] = ",".join(str(a.public_id) for a in uploads)


class _CountedPaginator(Paginator):
    """A paginator told how many items there are (counted elsewhere already)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def paginate(request, queryset, per_page=None, *, count: int | None = None):
    """A page of ``queryset``; ``count``, when known, spares the query that counts it."""
    per_page = per_page or settings.TICKETS_PER_PAGE
    if count is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = _CountedPaginator(queryset, per_page, count=count)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return urlencode([(k, v) for k, values in params.lists() for v in values if v])


def optional_template(name: str) -> str | None:
    """``name`` if that template exists (parts other apps may provide), else None."""
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


def over_write_limit(request, form, *, scope: str, limit: int, message) -> bool:
    """True (with an error on ``form``, nothing the user typed lost) when the person has
    written more than ``limit`` times this hour. ``message``: the error, an
    ``ngettext_lazy`` counting ``limit``."""
    if limit_exceeded(scope=scope, key=request.user.pk, limit=limit, window_seconds=3600):
        form.add_error(None, message % {"limit": limit})
        return True
    return False
