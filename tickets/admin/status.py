"""The status page in admin: components, incidents (read-only) and subscribers."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk.admin import MissingObjectIs404, ReadOnlyTenantAdmin, TenantScopedAdmin

from ..models import Component, Incident, StatusSubscriber
from ..status.admin_services import component_save, status_subscribers_unsubscribe


@admin.register(Component)
class ComponentAdmin(MissingObjectIs404, TenantScopedAdmin):
    """Components are set up here; their state follows incidents, set on the portal."""

    fields = ["name", "slug", "description", "position", "is_public", "is_active", "state"]
    readonly_fields = ["state"]
    list_display = ["name", "position", "is_public", "is_active", "status"]
    list_editable = ["position"]
    list_filter = ["is_public", "is_active", "status"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position", "name"]

    def save_model(self, request, obj, form, change):
        if not self._is_platform(request):
            obj.tenant_id = request.user.tenant_id
        component_save(component=obj)

    @admin.display(description=_("Current state"))
    def state(self, obj):
        if obj.pk is None:
            return "—"
        return format_html(
            '{} · <a href="{}">{}</a>',
            obj.get_status_display(),
            reverse("incidents:list"),
            _("Incidents and maintenance"),
        )


@admin.register(Incident)
class IncidentAdmin(ReadOnlyTenantAdmin):
    """Incidents are declared and updated on the portal's incident pages, which post the
    updates, move the components and tell subscribers; admin only lists them."""

    list_display = ["title", "kind", "status", "impact", "owner", "published_at", "ended_at"]
    list_filter = ["kind", "status", "impact"]
    list_select_related = ["owner", "tenant"]
    search_fields = ["title"]
    date_hierarchy = "created_at"
    detail_fields = [
        "portal_link",
        "title",
        "kind",
        "status",
        "impact",
        "owner",
        "published_at",
        "starts_at",
        "ends_at",
        "ended_at",
    ]

    @admin.display(description=_("Incident page"))
    def portal_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("incidents:detail", args=[obj.pk]),
            _("Open the incident page to update it"),
        )


@admin.register(StatusSubscriber)
class StatusSubscriberAdmin(ReadOnlyTenantAdmin):
    """Who is told of incidents by email; they subscribe and leave on the status page."""

    list_display = ["email", "confirmed_at", "unsubscribed_at", "all_components", "created_at"]
    list_filter = [
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("unsubscribed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email"]
    actions = ["unsubscribe"]
    detail_fields = [
        "email",
        "language",
        "all_components",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    ]

    @admin.action(
        description=_("Unsubscribe the selected subscribers"), permissions=["unsubscribe"]
    )
    def unsubscribe(self, request, queryset):
        by_tenant: dict = {}
        for subscriber_id, tenant_id in queryset.values_list("pk", "tenant_id"):
            by_tenant.setdefault(tenant_id, []).append(subscriber_id)
        count = sum(
            status_subscribers_unsubscribe(tenant=tenant_id, subscriber_ids=ids)
            for tenant_id, ids in by_tenant.items()
        )
        message = ngettext(
            "%(count)d subscriber will no longer be emailed.",
            "%(count)d subscribers will no longer be emailed.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def has_unsubscribe_permission(self, request):
        return self._allowed(request, None)
