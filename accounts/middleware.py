from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from helpdesk.languages import request_language
from helpdesk.zones import readable_zone

from .selectors import UnknownHost, tenant_for_host
from .two_factor.policy import STEP_SETUP, STEP_VERIFY, pending_step


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
            timezone.activate(readable_zone(zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class TenantLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware choosing in the help desk's order: the signed-in person's
    own language, else the one chosen with the language switch (cookie), else the tenant's
    default, else the browser's ``Accept-Language``."""

    def process_request(self, request):
        user = getattr(request, "user", None)
        own = user.language if user and user.is_authenticated else ""
        translation.activate(request_language(request, own=own))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        # The page is rendered: what runs next in this thread (another request's middleware,
        # a service called outside any request) starts from the default language again.
        translation.deactivate()
        return response


class SignedInNoStoreMiddleware:
    """No response to a signed-in person is kept by the browser or a proxy
    (``Cache-Control: no-store, private``): tickets, profiles and admin pages must not come
    back from the back button or a shared cache after sign-out, nor reach another person.

    Static files are answered before this runs (WhiteNoise), and a response a view
    declared ``public`` (the same for everyone, like the brand stylesheet) keeps its
    caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if (signed_in or request.user.is_authenticated) and "public" not in response.get(
            "Cache-Control", ""
        ):
            patch_cache_control(response, no_store=True, private=True)
        return response


class TwoFactorMiddleware:
    """The one enforcement point of two-factor authentication.

    A signed-in session that still owes a code (password accepted, code not yet entered) or
    that must set up an authenticator first (a tenant policy applies and there is none) can
    reach only that step, sign-out, the health check and static files; every other request
    is redirected to the step, keeping where it was going as ``next``.
    """

    OPEN_TO = {
        STEP_VERIFY: {
            "two_factor_verify",
            "account_logout",
            "healthz",
            "readyz",
            "brand_css",
            "favicon",
        },
        STEP_SETUP: {
            "two_factor_setup",
            "account_logout",
            "healthz",
            "readyz",
            "brand_css",
            "favicon",
        },
    }
    TARGET = {STEP_VERIFY: "two_factor_verify", STEP_SETUP: "two_factor_setup"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = pending_step(request)
        if step is None or self._is_open(request, step):
            return self.get_response(request)
        target = reverse(self.TARGET[step])
        if request.method in ("GET", "HEAD"):
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            # htmx would swap the step's page into a fragment; make it load the whole page.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)

    def _is_open(self, request, step: str) -> bool:
        static_url = "/" + settings.STATIC_URL.lstrip("/")
        if request.path_info.startswith(static_url):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in self.OPEN_TO[step] and not match.namespace
