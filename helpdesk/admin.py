from django.contrib import admin

from .models import OutboxEmail


class TenantScopedAdmin(admin.ModelAdmin):
    """The one base for admin of tenant-owned models.

    Superusers see every tenant. A tenant admin sees and edits only their tenant's rows; the
    tenant field is set for them and every foreign-key choice is narrowed to their tenant.
    """

    tenant_field = "tenant"

    def _is_platform(self, request) -> bool:
        return request.user.is_superuser

    def _tenant_admin(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_tenant_admin and user.tenant_id is not None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self._is_platform(request):
            return qs
        if not self._tenant_admin(request):
            return qs.none()
        return qs.filter(**{f"{self.tenant_field}_id": request.user.tenant_id})

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not self._is_platform(request) and self.tenant_field == "tenant":
            exclude.append("tenant")
        return exclude

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if self._is_platform(request) and self.tenant_field == "tenant":
            filters.insert(0, "tenant")
        return filters

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not self._is_platform(request):
            related = db_field.related_model
            tenant_id = request.user.tenant_id
            if related._meta.label == "accounts.Tenant":
                kwargs["queryset"] = related.objects.filter(pk=tenant_id)
            elif any(f.name == "tenant" for f in related._meta.get_fields()):
                kwargs["queryset"] = related._default_manager.filter(tenant_id=tenant_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not self._is_platform(request):
            related = db_field.related_model
            if any(f.name == "tenant" for f in related._meta.get_fields()):
                kwargs["queryset"] = related._default_manager.filter(
                    tenant_id=request.user.tenant_id
                )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if self._is_platform(request) or self.tenant_field != "tenant":
            return form
        tenant_id = request.user.tenant_id

        class TenantForm(form):
            """The tenant is not on the form, but it is part of every per-tenant unique
            constraint: set it first, so a duplicate is a form error and not a crash."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.tenant_id = tenant_id

            def _get_validation_exclusions(self):
                exclusions = super()._get_validation_exclusions()
                exclusions.discard("tenant")
                return exclusions

        TenantForm.__name__ = form.__name__
        return TenantForm

    def save_model(self, request, obj, form, change):
        if not self._is_platform(request) and self.tenant_field == "tenant":
            obj.tenant_id = request.user.tenant_id
        super().save_model(request, obj, form, change)

    def has_module_permission(self, request):
        return self._is_platform(request) or self._tenant_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._is_platform(request) or self._tenant_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def _allowed(self, request, obj) -> bool:
        if self._is_platform(request):
            return True
        if not self._tenant_admin(request):
            return False
        if obj is None:
            return True
        tenant_id = obj.pk if self.tenant_field == "pk" else getattr(obj, f"{self.tenant_field}_id")
        return tenant_id == request.user.tenant_id


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "status", "attempts", "created_at", "sent_at", "tenant"]
    list_filter = ["status", "tenant"]
    search_fields = ["subject", "to"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]

    def has_add_permission(self, request):
        return False
