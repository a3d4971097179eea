from django.contrib import admin
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import TenantScopedAdmin, TenantScopedInline

from . import services, tasks
from .forms_admin import (
    EscalationLevelForm,
    EscalationLevelFormSet,
    EscalationMatrixForm,
    EscalationRuleForm,
    EscalationRuleFormSet,
    OnCallShiftForm,
)
from .models import EscalationLevel, EscalationMatrix, EscalationRule, OnCallShift


class EscalationLevelInline(TenantScopedInline):
    model = EscalationLevel
    form = EscalationLevelForm
    formset = EscalationLevelFormSet
    template = "admin/edit_inline/stacked.html"
    fieldsets = [
        (None, {"fields": [("rank", "name"), ("audience", "tier"), "users", "ticket_types"]}),
        (None, {"fields": ["emails"]}),
    ]
    verbose_name = _("level")
    verbose_name_plural = _("Levels: who handles an escalation, first line (rank 1) upwards")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("users", "ticket_types")


class EscalationRuleInline(TenantScopedInline):
    model = EscalationRule
    form = EscalationRuleForm
    formset = EscalationRuleFormSet
    verbose_name = _("rule")
    verbose_name_plural = _(
        "Rules: when a ticket's SLA clock reaches a point, notify a level "
        "(a level added above can be chosen once saved)"
    )

    def get_queryset(self, request):
        # Each saved row is captioned with the rule in plain words (its ``describe()``).
        return super().get_queryset(request).select_related("level")


@admin.register(EscalationMatrix)
class EscalationMatrixAdmin(TenantScopedAdmin):
    """One screen per tenant: the matrix with its levels and rules.

    A tenant admin never sees a list: the changelist opens their tenant's matrix (made on
    the first visit). Platform superusers list every tenant's matrix.
    """

    form = EscalationMatrixForm
    list_display = ["__str__", "is_active", "level_count", "rule_count"]
    fieldsets = [
        (
            None,
            {
                "fields": ["tenant", "is_active", "on_call_fallback_emails"],
                "description": _(
                    "Levels say who handles an escalated ticket; rules say when "
                    "the SLA clock sends it up. Saving plans every open ticket again."
                ),
            },
        )
    ]
    inlines = [EscalationLevelInline, EscalationRuleInline]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._is_platform(request):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "tenant"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["tenant"] if obj is not None and self._is_platform(request) else []

    def get_inlines(self, request, obj):
        # Levels and rules belong to a matrix of a known tenant: the platform's add form
        # asks for the tenant first.
        return self.inlines if obj is not None else []

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("tenant")
            .annotate(
                level_total=Count("levels", distinct=True),
                rule_total=Count("rules", distinct=True),
            )
        )

    @admin.display(description=_("Levels"), ordering="level_total")
    def level_count(self, obj):
        return obj.level_total

    @admin.display(description=_("Rules"), ordering="rule_total")
    def rule_count(self, obj):
        return obj.rule_total

    def has_add_permission(self, request):
        return self._is_platform(request)

    def has_delete_permission(self, request, obj=None):
        # Tenant admins stop a matrix by turning it off, which keeps its levels and rules;
        # deleting it would remove them all at once.
        return self._is_platform(request)

    def changelist_view(self, request, extra_context=None):
        if self._is_platform(request) or not self._tenant_admin(request):
            return super().changelist_view(request, extra_context)
        matrix = services.matrix_ensure(tenant=request.user.tenant)
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[matrix.pk]
        )
        return HttpResponseRedirect(url)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.has_changed() or any(formset.has_changed() for formset in formsets):
            tasks.reschedule_tenant_on_commit(tenant=form.instance.tenant)


class ShiftWhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("now", _("On call now")), ("upcoming", _("Upcoming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "now":
            return queryset.filter(starts_at__lte=now, ends_at__gt=now)
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gt=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset


@admin.register(OnCallShift)
class OnCallShiftAdmin(TenantScopedAdmin):
    """The P1 rota: who the help desk pages outside business hours."""

    form = OnCallShiftForm
    list_display = ["user", "starts_at", "ends_at", "note", "on_call_now"]
    list_select_related = ["user"]
    list_filter = [ShiftWhenFilter]
    date_hierarchy = "starts_at"
    search_fields = ["user__full_name", "user__email", "note"]
    ordering = ["starts_at"]

    @admin.display(description=_("On call now"), boolean=True)
    def on_call_now(self, obj):
        return obj.starts_at <= timezone.now() < obj.ends_at
