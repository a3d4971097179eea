from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from accounts.two_factor.policy import pending_step, two_factor_satisfied


class HelpdeskAdminSite(admin.AdminSite):
    """Django admin for platform superusers (all tenants) and tenant admins (their own
    tenant, on their own host)."""

    site_title = "Help desk admin"
    site_header = "Help desk administration"
    index_title = "Administration"

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

    def login(self, request, extra_context=None):
        """Admin signs in through the portal's sign-in page, so its rate limits and
        tenant rules apply here too."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(request.GET.get("next") or reverse("admin:index"))
            step = pending_step(request)
            if step is not None:
                next_url = request.GET.get("next") or reverse("admin:index")
                return redirect_to_login(next_url, login_url=reverse(f"two_factor_{step}"))
            raise PermissionDenied("This account cannot open the administration.")
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect_to_login(next_url, login_url=reverse("account_login"))

    def password_change(self, request, extra_context=None):
        # One place to change a password, so other sessions end and the user is emailed.
        return redirect("account_change_password")

    def each_context(self, request):
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            context["site_header"] = f"{tenant.portal_title} — administration"
            context["site_title"] = tenant.portal_title
        return context
