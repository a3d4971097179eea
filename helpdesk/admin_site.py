from django.contrib import admin


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
        if user.is_superuser:
            return True
        tenant = getattr(request, "tenant", None)
        return (
            user.is_staff
            and user.is_tenant_admin
            and tenant is not None
            and user.tenant_id == tenant.pk
        )

    def each_context(self, request):
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            context["site_header"] = f"{tenant.portal_title} — administration"
            context["site_title"] = tenant.portal_title
        return context
