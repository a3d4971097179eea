from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


class TokenScope(BasePermission):
    """Signed in on this tenant's host; a read-only token reads and nothing more.

    What a person may see and change is decided by the same selectors and services as the
    pages; this only adds the token's scope."""

    message = _("This token can only read. Create a token with write access.")

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        tenant = getattr(request._request, "tenant", None)
        if tenant is None or user.tenant_id != tenant.pk or not user.is_active:
            raise Http404
        if request.method in SAFE_METHODS:
            return True
        can_write = getattr(request.auth, "can_write", None)
        # A session (request.auth None) writes like the pages do.
        return can_write is None or can_write


class StaffOnly(BasePermission):
    """Staff endpoints answer customers like a missing page: 404, so they do not show."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated or not request.user.is_agent:
            raise Http404
        return True
