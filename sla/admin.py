from django.contrib import admin

from helpdesk.admin import TenantScopedAdmin

from .models import SupportPlan


@admin.register(SupportPlan)
class SupportPlanAdmin(TenantScopedAdmin):
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
