"""What every knowledge-base view needs: the tenant's portal, the viewer, the session."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from accounts.audit import Origin
from helpdesk.ratelimit import limit_exceeded

from .. import selectors

HOUR = 3600


def kb_portal(view):
    """The page belongs to a tenant's portal (404 on the platform host); the viewer is
    resolved once and attached as ``request.kb_viewer``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.tenant is None:
            raise Http404("The knowledge base belongs to a help desk portal.")
        request.kb_viewer = selectors.viewer_for(tenant=request.tenant, user=request.user)
        return view(request, *args, **kwargs)

    return wrapper


def kb_staff(view):
    """Engineers, managers and tenant admins of this tenant; others get the same 404."""

    @wraps(view)
    @kb_portal
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.kb_viewer.is_staff:
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper


def kb_tenant_admin(view):
    @wraps(view)
    @kb_staff
    def wrapper(request, *args, **kwargs):
        if not request.user.is_tenant_admin:
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper


def session_key(request) -> str:
    """The browser session's key, creating the session if there is none yet (anonymous
    votes and deflections are counted per session)."""
    request.session["kb"] = True  # a non-empty session keeps its cookie
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def reader_over_limit(request) -> bool:
    """Count one vote or “This solved my problem” and say whether it goes over this hour's
    limits: per client address (as the audit log reads it, behind trusted proxies) and per
    browser session for visitors who are not signed in, per person for signed-in readers."""
    if request.user.is_authenticated:
        return limit_exceeded(
            scope="kb-reader-user",
            key=request.user.pk,
            limit=settings.KB_READER_ACTIONS_PER_SESSION,
            window_seconds=HOUR,
        )
    address = Origin.from_request(request).ip or "unknown"
    over_address = limit_exceeded(
        scope="kb-reader-address",
        key=address,
        limit=settings.KB_READER_ACTIONS_PER_ADDRESS,
        window_seconds=HOUR,
    )
    over_session = limit_exceeded(
        scope="kb-reader-session",
        key=session_key(request),
        limit=settings.KB_READER_ACTIONS_PER_SESSION,
        window_seconds=HOUR,
    )
    return over_address or over_session


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def new_ticket_url(article=None) -> str | None:
    """The new-ticket page (prefilled from ``article``), or None while the help desk has none."""
    try:
        url = reverse("tickets:new")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({'kb': article.slug})}" if article is not None else url


def paginate(request, queryset, per_page: int):
    """The asked page; a page past the end gives the last one, anything else the first."""
    return Paginator(queryset, per_page).get_page(page_number(request, last=None))


def page_number(request, *, last: int | None) -> int:
    """``?page=`` as a number from 1 to ``last``: not a number gives 1, a number out of
    range the nearest end (so no offset ever overflows the database's integers)."""
    try:
        number = int(request.GET.get("page", 1))
    except (TypeError, ValueError):
        return 1
    number = max(number, 1)
    return min(number, last) if last is not None else min(number, 2**31 - 1)
