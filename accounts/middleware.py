import zoneinfo

from django.contrib.auth import logout
from django.http import Http404
from django.utils import timezone

from .selectors import UnknownHost, tenant_for_host


class TenantMiddleware:
    """Resolves the tenant once per request from the host and sets ``request.tenant``.

    ``request.tenant`` is None on the platform's own hosts; any other unknown host is a 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.tenant = tenant_for_host(request.get_host())
        except UnknownHost:
            request.tenant = None
            raise Http404("There is no help desk at this address.") from None
        return self.get_response(request)


class TenantUserMiddleware:
    """Signs out a session whose user does not belong to this host's tenant, and shows
    times in the viewer's zone (their own, else the tenant's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        tenant_id = request.tenant.pk if request.tenant else None
        if user.is_authenticated and user.tenant_id != tenant_id:
            logout(request)
        zone = ""
        if request.user.is_authenticated:
            zone = request.user.time_zone
        if not zone and request.tenant:
            zone = request.tenant.time_zone
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
