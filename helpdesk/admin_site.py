from django.contrib import admin
from django.contrib.admin.filters import FieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Field
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.two_factor.policy import pending_step, two_factor_satisfied


class OfferedLookupsOnly:
    """Changelists filter only by what the page itself offers: the admin's list filters
    and date hierarchy (search goes through ``search_fields``, not lookups).

    Django lets any lookup on a model field through the query string, which turns every
    changelist into an oracle (``?password__startswith=pbkdf2_sha256$1``, a device's
    ``key__startswith``): yes or no, one character at a time. Anything else answers 400
    (DisallowedModelAdminLookup) before a query runs.
    """

    # The date hierarchy's parts within what datetime can hold (year 9999 has no next year).
    DATE_PARTS = {"year": (1, 9998), "month": (1, 12), "day": (1, 31)}

    def lookup_allowed(self, lookup, value, request=None):
        if lookup not in self.offered_lookups(request):
            return False
        if self.date_hierarchy and lookup.startswith(f"{self.date_hierarchy}__"):
            low, high = self.DATE_PARTS[lookup.rsplit("__", 1)[1]]
            value = str(value)
            if not (value.isascii() and value.isdigit() and len(value) <= 4):
                return False
            if not low <= int(value) <= high:
                return False
        return super().lookup_allowed(lookup, value, request)

    def offered_lookups(self, request) -> set[str]:
        cache = getattr(request, "_admin_offered_lookups", None)
        if cache is None:
            cache = {}
            if request is not None:
                request._admin_offered_lookups = cache
        key = id(self)
        if key not in cache:
            cache[key] = self._offered_lookups(request)
        return cache[key]

    def _offered_lookups(self, request) -> set[str]:
        offered: set[str] = set()
        for list_filter in self.get_list_filter(request):
            offered.update(self._filter_parameters(request, list_filter))
        if self.date_hierarchy:
            offered.update(f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day"))
        return offered

    def _filter_parameters(self, request, list_filter) -> list[str]:
        # Built the way ChangeList.get_filters builds them, with no parameters given.
        if callable(list_filter):  # a ListFilter class
            return list_filter(request, {}, self.model, self).expected_parameters()
        field_path = None
        if isinstance(list_filter, (tuple, list)):
            field, filter_class = list_filter
        else:
            field, filter_class = list_filter, FieldListFilter.create
        if not isinstance(field, Field):
            field_path = field
            field = get_fields_from_path(self.model, field_path)[-1]
        spec = filter_class(field, request, {}, self.model, self, field_path=field_path)
        return spec.expected_parameters()


def safe_next(request, default: str) -> str:
    """``next`` when it stays on this host (https when the request is), else ``default``:
    the same rule as the portal's sign-in."""
    target = request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class HelpdeskAdminSite(admin.AdminSite):
    """Django admin for platform superusers (all tenants) and tenant admins (their own
    tenant, on their own host)."""

    site_title = _("Help desk admin")
    site_header = _("Help desk administration")
    index_title = _("Administration")

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        # Admin also insists on every two-factor step being done (a code entered in this
        # session; an authenticator set up wherever the policy requires one), so it stays
        # closed even if a request slipped past the middleware that enforces it.
        if not two_factor_satisfied(request):
            return False
        if user.is_superuser:
            return True
        tenant = getattr(request, "tenant", None)
        return (
            user.is_staff
            and user.is_tenant_admin
            and tenant is not None
            and user.tenant_id == tenant.pk
        )

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model admin, ours and third-party apps' alike, filters only by what its
        page offers (see OfferedLookupsOnly)."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, OfferedLookupsOnly):
            admin_class = type(
                admin_class.__name__,
                (OfferedLookupsOnly, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def login(self, request, extra_context=None):
        """Admin signs in through the portal's sign-in page, so its rate limits and
        tenant rules apply here too."""
        next_url = safe_next(request, reverse("admin:index"))
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(next_url)
            step = pending_step(request)
            if step is not None:
                return redirect_to_login(next_url, login_url=reverse(f"two_factor_{step}"))
            raise PermissionDenied("This account cannot open the administration.")
        return redirect_to_login(next_url, login_url=reverse("account_login"))

    def password_change(self, request, extra_context=None):
        # One place to change a password, so other sessions end and the user is emailed.
        return redirect("account_change_password")

    def each_context(self, request):
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            context["site_header"] = gettext("%(portal)s — administration") % {
                "portal": tenant.portal_title
            }
            context["site_title"] = tenant.portal_title
        return context
