from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def tenant_member_required(view):
    """The page belongs to a tenant's portal: 404 on the platform host, sign-in first."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.tenant is None:
            raise Http404("This page belongs to a help desk portal.")
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def org_admin_required(view):
    @wraps(view)
    @tenant_member_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_org_admin:
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper


def tenant_admin_required(view):
    """Tenant admins only; everyone else gets the same 404 as for a page that is not there."""

    @wraps(view)
    @tenant_member_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_tenant_admin:
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    """Staff (engineers, managers, tenant admins) only; customers get the same 404 as for a
    page that is not there, so staff pages do not show they exist."""

    @wraps(view)
    @tenant_member_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_agent:
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    """Managers and tenant admins only; everyone else gets the 404 of a missing page."""

    @wraps(view)
    @tenant_member_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_manager:
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper
