"""Admin forms for calendars, holidays and plan matrices."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.admin import TenantScopedAdminForm, TenantScopedInlineFormSet
from helpdesk.priorities import Priority

from . import services
from .models import BusinessCalendar, Metric, SupportPlan
from .targets import NA, TargetSyntaxError, format_target, parse_target


class BusinessCalendarForm(TenantScopedAdminForm):
    unique_per_tenant = ("name",)

    class Meta:
        model = BusinessCalendar
        fields = ["tenant", "name", "time_zone", "business_day_minutes", "always_open"]

    def clean(self):
        cleaned = super().clean()
        self.check_unique_per_tenant()
        return cleaned


class SupportPlanForm(TenantScopedAdminForm):
    unique_per_tenant = ("name", "slug")

    class Meta:
        model = SupportPlan
        fields = [
            "tenant",
            "name",
            "slug",
            "description",
            "position",
            "calendar",
            "targets_are_examples",
        ]

    def clean(self):
        cleaned = super().clean()
        self.check_unique_per_tenant()
        tenant_id = self.edited_tenant_id()
        if tenant_id is not None:
            # The plan's tenant may be only on the form yet: check a plan of that tenant.
            for message in services.plan_calendar_errors(
                plan=SupportPlan(tenant_id=tenant_id), calendar=cleaned.get("calendar")
            ):
                self.add_error("calendar", message)
        return cleaned


class IntervalFormSet(TenantScopedInlineFormSet):
    """Weekly hours are checked together: no overlaps on a day, at least one interval for
    a business calendar, none for a 24/7 one."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        intervals = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            if data.get("weekday") is None or not data.get("start") or data.get("end") is None:
                continue
            intervals.append((int(data["weekday"]), data["start"], data["end"]))
        errors = services.calendar_interval_errors(
            always_open=self.instance.always_open, intervals=intervals
        )
        if errors:
            raise ValidationError(errors)


class HolidayFormSet(TenantScopedInlineFormSet):
    def clean(self):
        super().clean()
        if not self.instance.always_open:
            return
        kept = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("date")
            and not form.cleaned_data.get("DELETE")
        ]
        if kept:
            raise ValidationError(
                _("A 24/7 calendar never closes: remove its holidays or untick “24/7”.")
            )


class HolidayImportForm(forms.Form):
    country = forms.ChoiceField(
        label=gettext_lazy("Country"),
        help_text=gettext_lazy("Public holidays with their observed dates."),
    )
    subdivision = forms.CharField(
        label=gettext_lazy("Subdivision"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("Optional state or province code, e.g. CA for California."),
    )
    first_year = forms.IntegerField(
        label=gettext_lazy("First year"), min_value=1950, max_value=2100
    )
    last_year = forms.IntegerField(label=gettext_lazy("Last year"), min_value=1950, max_value=2100)

    MAX_YEARS = 20

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country…"))] + [
            (code, f"{name} ({code})")
            for code, name in services.supported_holiday_countries(translation.get_language())
        ]
        year = timezone.now().year
        self.fields["first_year"].initial = year
        self.fields["last_year"].initial = year + 1

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first is not None and last is not None:
            if last < first:
                self.add_error("last_year", _("The last year cannot be before the first."))
            elif last - first >= self.MAX_YEARS:
                self.add_error(
                    "last_year",
                    _("Import at most %(count)s years at a time.") % {"count": self.MAX_YEARS},
                )
        return cleaned

    def years(self) -> range:
        return range(self.cleaned_data["first_year"], self.cleaned_data["last_year"] + 1)


METRICS = [
    (Metric.FIRST_RESPONSE, gettext_lazy("First response")),
    (Metric.RESOLUTION, gettext_lazy("Resolution")),
]


def cell_name(priority: str, metric: str) -> str:
    return f"cell_{priority}_{metric}"


def pause_name(priority: str, metric: str) -> str:
    return f"pause_{priority}_{metric}"


class PlanMatrixForm(forms.Form):
    """Every priority × metric cell of one plan, written as people say them."""

    calendar = forms.ModelChoiceField(
        queryset=BusinessCalendar.objects.none(),
        required=False,
        empty_label=gettext_lazy("— no business calendar —"),
        label=gettext_lazy("Business calendar"),
        help_text=gettext_lazy(
            "Business-hours targets run on this calendar's opening hours and holidays."
        ),
    )
    targets_are_examples = forms.BooleanField(
        required=False,
        label=gettext_lazy("These targets are example values"),
        help_text=gettext_lazy(
            "Untick once the cells hold the values of the customers' contracts."
        ),
    )

    def __init__(self, *args, plan: SupportPlan, existing: dict, calendars, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["calendar"].queryset = calendars
        self.fields["calendar"].initial = plan.calendar_id
        self.fields["targets_are_examples"].initial = plan.targets_are_examples
        for priority in Priority:
            for metric, metric_label in METRICS:
                row = existing.get((priority.value, metric.value))
                self.fields[cell_name(priority.value, metric.value)] = forms.CharField(
                    label=_("%(priority)s: %(metric)s")
                    % {"priority": priority.label, "metric": str(metric_label).lower()},
                    max_length=60,
                    initial=row.label if row is not None else format_target(NA),
                    error_messages={"required": _("Enter a target or N/A.")},
                )
                self.fields[pause_name(priority.value, metric.value)] = forms.BooleanField(
                    label=_("Pause during declared maintenance (%(priority)s, %(metric)s)")
                    % {"priority": priority.label, "metric": str(metric_label).lower()},
                    required=False,
                    initial=row.pause_during_maintenance if row is not None else False,
                )

    def _clean_cell(self, name):
        try:
            return parse_target(self.cleaned_data.get(name, ""))
        except TargetSyntaxError as error:
            raise ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        specs = {}
        for priority in Priority:
            for metric, _label in METRICS:
                name = cell_name(priority.value, metric.value)
                if name not in cleaned:
                    continue
                try:
                    specs[(priority.value, metric.value)] = self._clean_cell(name)
                except ValidationError as error:
                    self.add_error(name, error)
        self.specs = specs
        self.pauses = {cell: bool(cleaned.get(pause_name(*cell))) for cell in specs}
        if not self.errors:
            for message in services.plan_matrix_errors(
                plan=self.plan, calendar=cleaned.get("calendar"), cells=specs
            ):
                self.add_error(None, message)
        return cleaned

    def rows(self):
        """[(priority label, [(bound target field, bound pause field) per metric])]."""
        return [
            (
                priority.label,
                [
                    (
                        self[cell_name(priority.value, metric.value)],
                        self[pause_name(priority.value, metric.value)],
                    )
                    for metric, _ in METRICS
                ],
            )
            for priority in Priority
        ]

    @staticmethod
    def metric_labels():
        return [label for _metric, label in METRICS]
