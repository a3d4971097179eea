"""The request catalogue, priority definitions and tickets (read-only) in admin."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import (
    TenantScopedAdmin,
    TenantScopedAdminForm,
)

from ..models import (
    PriorityDefinition,
    Ticket,
    TicketEvent,
    TicketType,
)


class TicketTypeForm(TenantScopedAdminForm):
    class Meta:
        model = TicketType
        fields = [
            "tenant",
            "parent",
            "name",
            "slug",
            "description",
            "default_priority",
            "position",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        if parent is not None:
            if parent.parent_id is not None:
                raise ValidationError(
                    {
                        "parent": _(
                            "Sub-categories sit under a top-level entry (two levels at most)."
                        )
                    }
                )
            if self.instance.pk and parent.pk == self.instance.pk:
                raise ValidationError({"parent": _("An entry cannot be its own parent.")})
            tenant_id = self.edited_tenant_id()
            if tenant_id and parent.tenant_id != tenant_id:
                raise ValidationError({"parent": _("Choose an entry of the same help desk.")})
        return cleaned


@admin.register(TicketType)
class TicketTypeAdmin(TenantScopedAdmin):
    form = TicketTypeForm
    list_display = ["full_name", "default_priority", "position", "is_active"]
    list_editable = ["default_priority", "position", "is_active"]
    list_select_related = ["parent"]
    list_filter = ["is_active", "default_priority"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["parent__position", "parent__name", "position", "name"]

    @admin.display(description=_("Full name"))
    def full_name(self, obj):
        return obj.full_name

    def save_model(self, request, obj, form, change):
        if not self._is_platform(request):
            obj.tenant_id = request.user.tenant_id
        form.cleaned_data["tenant"] = obj.tenant if obj.tenant_id else None
        super().save_model(request, obj, form, change)


@admin.register(PriorityDefinition)
class PriorityDefinitionAdmin(TenantScopedAdmin):
    list_display = ["priority", "summary"]
    ordering = ["priority"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    fields = ["created_at", "kind", "actor", "data", "is_internal"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["created_at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(TenantScopedAdmin):
    """Tickets are worked in the portal; admin shows them read-only for audits."""

    list_display = ["number", "title", "organization", "priority", "status", "assignee"]
    list_select_related = ["organization", "assignee", "tenant"]
    list_filter = ["status", "priority"]
    search_fields = ["title"]
    inlines = [TicketEventInline]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Ticket._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
