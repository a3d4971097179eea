"""The SLA report's filters, read from the query string (the page is a GET form, so every
view of it is a link a manager can keep or send)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk.priorities import Priority
from sla.models import Metric

from .periods import CUSTOM, PERIOD_LABELS, THIS_MONTH, PeriodError, period_for
from .selectors import (
    BREACHED,
    ENGINEER,
    GROUP_LABELS,
    LEVEL,
    MET,
    ORGANIZATION,
    PLAN,
    REQUEST_TYPE,
    ReportFilters,
    RowFilters,
)

NO_PLAN = "0"
# The query-string names of the filters the report and its drill-downs share.
SHARED = ("period", "first", "last", "plan", "priority", "metric")
# Row keys of the drill-down: query-string name → RowFilters field.
ROW_KEYS = {
    ORGANIZATION: "organization",
    REQUEST_TYPE: "request_type",
    ENGINEER: "engineer",
    LEVEL: "level",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class ReportForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"), choices=list(PERIOD_LABELS.items()), required=False
    )
    first = forms.DateField(label=_("First day"), required=False, widget=DateInput())
    last = forms.DateField(label=_("Last day"), required=False, widget=DateInput())
    plan = forms.ChoiceField(label=_("Support plan"), required=False)
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", pgettext_lazy("report filter", "All"))] + list(Priority.choices),
    )
    metric = forms.ChoiceField(
        label=_("Metric"),
        required=False,
        choices=[("", pgettext_lazy("report filter", "Both"))] + list(Metric.choices),
    )
    group = forms.ChoiceField(
        label=_("Group by"), required=False, choices=list(GROUP_LABELS.items())
    )

    def __init__(self, data, *, plans, today):
        super().__init__(data)
        self.today = today
        self.fields["plan"].choices = [
            ("", pgettext_lazy("report filter", "All")),
            *((str(pk), name) for pk, name in plans),
            (NO_PLAN, pgettext_lazy("report filter", "No plan")),
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        key = data.get("period") or THIS_MONTH
        try:
            data["period_value"] = period_for(
                key, today=self.today, first=data.get("first"), last=data.get("last")
            )
        except PeriodError as error:
            self.add_error(self._period_field(data), str(error))
        return data

    @staticmethod
    def _period_field(data) -> str:
        """The date field a period error is shown next to."""
        if data.get("first") is None:
            return "first"
        if data.get("last") is None or data["last"] < data["first"]:
            return "last"
        return "first"

    @property
    def is_custom(self) -> bool:
        return self.data.get("period") == CUSTOM

    def _plan(self) -> int | None:
        plan = self.cleaned_data.get("plan")
        return int(plan) if plan else None

    def report_filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            period=data["period_value"],
            plan=self._plan(),
            priority=data.get("priority") or "",
            metric=data.get("metric") or "",
            group=data.get("group") or PLAN,
        )

    def shared_query(self) -> dict[str, str]:
        """The filters' values as typed, for the links of the page (drill-downs, exports)."""
        data = self.cleaned_data
        period = data["period_value"]
        query = {"period": period.key}
        if period.key == CUSTOM:
            query.update(first=period.first_day.isoformat(), last=period.last_day.isoformat())
        for name in ("plan", "priority", "metric"):
            if data.get(name):
                query[name] = data[name]
        return query


class RowsForm(ReportForm):
    """The drill-down's filters: the report's, plus which outcome and which row's key."""

    outcome = forms.ChoiceField(
        required=False, choices=[("", ""), (MET, MET), (BREACHED, BREACHED)]
    )
    organization = forms.IntegerField(required=False, min_value=0)
    type = forms.IntegerField(required=False, min_value=0)
    engineer = forms.IntegerField(required=False, min_value=0)
    level = forms.IntegerField(required=False, min_value=0)

    def row_filters(self) -> RowFilters:
        data = self.cleaned_data
        keys = {field: data.get(name) for name, field in ROW_KEYS.items()}
        return RowFilters(
            period=data["period_value"],
            plan=self._plan(),
            priority=data.get("priority") or "",
            metric=data.get("metric") or "",
            outcome=data.get("outcome") or "",
            **keys,
        )

    def row_query(self) -> dict[str, str]:
        query = self.shared_query()
        data = self.cleaned_data
        if data.get("outcome"):
            query["outcome"] = data["outcome"]
        for name in ROW_KEYS:
            if data.get(name) is not None:
                query[name] = str(data[name])
        return query


def encode(query: dict[str, str], **extra) -> str:
    return urlencode({**query, **{k: v for k, v in extra.items() if v is not None}})
