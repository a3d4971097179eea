"""What every knowledge-base view needs: the tenant's portal, the viewer, the session."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from .. import selectors


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
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
