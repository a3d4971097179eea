from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Value, When
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from helpdesk.admin import TenantScopedAdmin, TenantScopedInline
from helpdesk.forms import form_errors_from
from tickets.services.sla import sla_recompute_open_tickets, sla_recompute_preview

from . import selectors, services
from .forms import (
    BusinessCalendarForm,
    HolidayFormSet,
    HolidayImportForm,
    IntervalFormSet,
    PlanMatrixForm,
    SupportPlanForm,
)
from .models import BusinessCalendar, Holiday, SupportPlan, WeeklyInterval
from .selectors import calendar_from_rows


class WeeklyIntervalInline(TenantScopedInline):
    model = WeeklyInterval
    formset = IntervalFormSet
    verbose_name = gettext_lazy("opening interval")
    verbose_name_plural = gettext_lazy("Opening hours (local time; an end of 00:00 means midnight)")

    def get_extra(self, request, obj=None, **kwargs):
        return 5 if obj is None else 0


class HolidayInline(TenantScopedInline):
    model = Holiday
    formset = HolidayFormSet
    template = "admin/sla/businesscalendar/holiday_inline.html"
    verbose_name_plural = gettext_lazy("Holidays (closed all day, local dates)")

    def get_queryset(self, request):
        # Listed by year with what is still to come first, so the page can fold the past
        # away: 0 this year's upcoming, 1 later years, 2 this year's passed, 3 earlier years
        # (latest first). The template groups on these.
        today = timezone.localdate()
        year = ExtractYear("date")
        return (
            super()
            .get_queryset(request)
            .annotate(
                listing_rank=Case(
                    When(date__gte=today, date__year=today.year, then=Value(0)),
                    When(date__year__gt=today.year, then=Value(1)),
                    When(date__year=today.year, then=Value(2)),
                    default=Value(3),
                ),
                listing_year=Case(When(date__year__lt=today.year, then=-year), default=year),
            )
            .order_by("listing_rank", "listing_year", "date")
        )


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(TenantScopedAdmin):
    form = BusinessCalendarForm
    list_display = ["name", "opening_hours", "business_day", "holiday_count", "plan_count"]
    search_fields = ["name"]
    inlines = [WeeklyIntervalInline, HolidayInline]
    actions = ["import_holidays_action"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("intervals")
            .annotate(
                holiday_total=Count("holidays", distinct=True),
                plan_total=Count("plans", distinct=True),
            )
        )

    @admin.display(description=gettext_lazy("Opening hours"))
    def opening_hours(self, obj):
        if obj.always_open:
            return _("24/7")
        intervals = [(i.weekday, i.start, i.end) for i in obj.intervals.all()]
        try:
            return calendar_from_rows(obj, intervals, ()).describe()
        except ValueError as error:
            return _("Invalid: %(error)s") % {"error": error}

    @admin.display(description=gettext_lazy("Business day"))
    def business_day(self, obj):
        hours, minutes = divmod(obj.business_day_minutes, 60)
        if minutes:
            return _("%(hours)s h %(minutes)s m") % {"hours": hours, "minutes": minutes}
        return _("%(hours)s h") % {"hours": hours}

    @admin.display(description=gettext_lazy("Holidays"), ordering="holiday_total")
    def holiday_count(self, obj):
        return obj.holiday_total

    @admin.display(description=gettext_lazy("Plans"), ordering="plan_total")
    def plan_count(self, obj):
        return obj.plan_total

    def get_urls(self):
        return [
            path(
                "<path:object_id>/import-holidays/",
                self.admin_site.admin_view(self.import_holidays_view),
                name="sla_businesscalendar_import_holidays",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=gettext_lazy("Import public holidays into the selected calendar"))
    def import_holidays_action(self, request, queryset):
        calendars = list(queryset[:2])
        if len(calendars) != 1:
            self.message_user(
                request, _("Choose one calendar to import holidays into."), messages.WARNING
            )
            return None
        return HttpResponseRedirect(
            reverse("admin:sla_businesscalendar_import_holidays", args=[calendars[0].pk])
        )

    def import_holidays_view(self, request, object_id):
        calendar = self.get_object(request, unquote(object_id))
        if calendar is None:
            raise Http404(_("No such calendar."))
        if not self.has_change_permission(request, calendar):
            raise PermissionDenied
        form = HolidayImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.calendar_import_holidays(
                    calendar=calendar,
                    country=form.cleaned_data["country"],
                    subdivision=form.cleaned_data["subdivision"].strip().upper(),
                    years=form.years(),
                    language=translation.get_language(),
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "Imported %(count)s holiday into “%(calendar)s” (%(present)s were "
                        "already there).",
                        "Imported %(count)s holidays into “%(calendar)s” (%(present)s were "
                        "already there).",
                        result.created,
                    )
                    % {
                        "count": result.created,
                        "calendar": calendar,
                        "present": result.unchanged + result.renamed,
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:sla_businesscalendar_change", args=[calendar.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": calendar,
            "title": _("Import public holidays into %(calendar)s") % {"calendar": calendar},
            "form": form,
        }
        return TemplateResponse(request, "admin/sla/businesscalendar/import_holidays.html", context)


@admin.register(SupportPlan)
class SupportPlanAdmin(TenantScopedAdmin):
    form = SupportPlanForm
    list_display = ["name", "calendar", "matrix_link", "example_values", "position"]
    list_select_related = ["calendar"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    actions = ["recompute_open_tickets"]

    @admin.display(description=gettext_lazy("SLA targets"))
    def matrix_link(self, obj):
        url = reverse("admin:sla_supportplan_matrix", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Edit SLA matrix"))

    @admin.display(description=gettext_lazy("Example values"), boolean=True)
    def example_values(self, obj):
        return obj.targets_are_examples

    def get_urls(self):
        return [
            path(
                "recompute/",
                self.admin_site.admin_view(self.recompute_view),
                name="sla_supportplan_recompute",
            ),
            path(
                "<path:object_id>/matrix/",
                self.admin_site.admin_view(self.matrix_view),
                name="sla_supportplan_matrix",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        if change and "calendar" in form.changed_data:
            # Open tickets keep counting on the calendar they were given until recomputed.
            services.plan_matrix_revise(plan=obj)
        super().save_model(request, obj, form, change)

    @admin.action(
        description=gettext_lazy("Recompute the SLA of open tickets of the selected plans")
    )
    def recompute_open_tickets(self, request, queryset):
        """Shows what would move first; the preview page applies it."""
        query = "&".join(f"plan={pk}" for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:sla_supportplan_recompute')}?{query}")

    def recompute_view(self, request):
        """Recompute open tickets: GET previews what would move (the same evaluation the
        recompute stores, nothing written), POST applies it to the plans previewed."""
        source = request.POST if request.method == "POST" else request.GET
        plans = []
        for value in source.getlist("plan"):
            plan = self.get_object(request, unquote(value)) if value.isdigit() else None
            if plan is None:
                raise Http404(_("No such support plan."))
            if not self.has_change_permission(request, plan):
                raise PermissionDenied
            plans.append(plan)
        if not plans:
            self.message_user(request, _("Choose a plan to recompute."), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:sla_supportplan_changelist"))
        stale = False
        if request.method == "POST":
            seen = request.POST.getlist("seen")
            stale = seen != [_revision_stamp(plan) for plan in plans]
            if not stale:
                total = sum(
                    sla_recompute_open_tickets(tenant=plan.tenant, plan=plan) for plan in plans
                )
                self.message_user(request, _recompute_message(total), messages.SUCCESS)
                if len(plans) == 1:
                    return HttpResponseRedirect(
                        reverse("admin:sla_supportplan_matrix", args=[plans[0].pk])
                    )
                return HttpResponseRedirect(reverse("admin:sla_supportplan_changelist"))
        previews = [
            (
                plan,
                sla_recompute_preview(tenant=plan.tenant, plan=plan),
                _revision_stamp(plan),
            )
            for plan in plans
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Recompute open tickets"),
            "previews": previews,
            "moving": sum(preview.moving for _plan, preview, _stamp in previews),
            "stale": stale,
        }
        return TemplateResponse(request, "admin/sla/supportplan/recompute.html", context)

    def matrix_view(self, request, object_id):
        plan = self.get_object(request, unquote(object_id))
        if plan is None:
            raise Http404(_("No such support plan."))
        if not self.has_change_permission(request, plan):
            raise PermissionDenied
        tenant = plan.tenant
        if request.method == "POST" and "recompute" in request.POST:
            return HttpResponseRedirect(_recompute_url(plan))
        form = PlanMatrixForm(
            request.POST or None,
            plan=plan,
            existing=selectors.plan_matrix(tenant=tenant, plan=plan),
            calendars=selectors.calendars_for_tenant(tenant=tenant),
        )
        if request.method == "POST" and form.is_valid():
            try:
                changed = services.plan_set_matrix(
                    plan=plan,
                    calendar=form.cleaned_data["calendar"],
                    cells=form.specs,
                    targets_are_examples=form.cleaned_data["targets_are_examples"],
                    pauses=form.pauses,
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        ngettext(
                            "Saved the SLA matrix of {plan} ({count} cell changed). Tickets "
                            "opened from now on use it; open tickets keep their due times "
                            "until you recompute them.",
                            "Saved the SLA matrix of {plan} ({count} cells changed). Tickets "
                            "opened from now on use it; open tickets keep their due times "
                            "until you recompute them.",
                            changed,
                        ).format(plan=plan, count=changed),
                        _recompute_url(plan),
                        _("Recompute open tickets…"),
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": plan,
            "title": _("SLA matrix: %(plan)s") % {"plan": plan},
            "form": form,
            "rows": form.rows(),
            "metric_labels": form.metric_labels(),
            "recompute_url": _recompute_url(plan),
        }
        return TemplateResponse(request, "admin/sla/supportplan/matrix.html", context)


def _recompute_url(plan) -> str:
    return f"{reverse('admin:sla_supportplan_recompute')}?plan={plan.pk}"


def _revision_stamp(plan) -> str:
    """Which matrix a preview was made with: applying refuses a preview the matrix has
    changed since."""
    changed = plan.matrix_changed_at
    return changed.isoformat() if changed else "-"


def _recompute_message(total: int) -> str:
    return ngettext(
        "Recomputed the SLA of {count} open ticket.",
        "Recomputed the SLA of {count} open tickets.",
        total,
    ).format(count=total)
