"""The staff's incident forms. Rules stay in the services; these only read what was typed."""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import (
    ENDED_STATUSES,
    KIND_STATUSES,
    ComponentStatus,
    IncidentImpact,
    IncidentKind,
    IncidentStatus,
)
from .linked import DEFAULT_RESOLUTION_REPLY
from .services import incident_transition_allowed

REPLY_HELP = _(
    "Markdown. Posted as a public reply on every linked ticket when the incident is over. "
    "{ticket} becomes the ticket's number, {incident} the incident's title."
)
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
NOT_AFFECTED = pgettext_lazy("component on an incident", "Not affected")


def tenant_zone(tenant) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(tenant.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the tenant's zone (``zone``), stored in UTC."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def __init__(self, *, zone, **kwargs):
        self.zone = zone
        kwargs.setdefault("input_formats", [LOCAL_FORMAT, "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value, self.zone).replace(tzinfo=None)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        return (
            value.replace(tzinfo=None)
            .replace(tzinfo=self.zone)
            .astimezone(zoneinfo.ZoneInfo("UTC"))
        )


class ComponentStatesMixin:
    """One select per component: not affected, or the state the incident puts it in."""

    def add_component_fields(self, components, initial: dict[int, str], maintenance: bool):
        self.components = list(components)
        if maintenance:
            choices = [
                ("", NOT_AFFECTED),
                (ComponentStatus.MAINTENANCE, ComponentStatus.MAINTENANCE.label),
            ]
        else:
            choices = [("", NOT_AFFECTED)] + [
                (value, label)
                for value, label in ComponentStatus.choices
                if value not in (ComponentStatus.OPERATIONAL, ComponentStatus.MAINTENANCE)
            ]
        for component in self.components:
            self.fields[f"component_{component.pk}"] = forms.ChoiceField(
                label=component.name,
                choices=choices,
                required=False,
                initial=initial.get(component.pk, ""),
            )

    def component_fields(self):
        return [self[f"component_{c.pk}"] for c in self.components]

    def affected(self) -> dict[int, str]:
        return {
            c.pk: self.cleaned_data[f"component_{c.pk}"]
            for c in self.components
            if self.cleaned_data.get(f"component_{c.pk}")
        }


class IncidentDeclareForm(ComponentStatesMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("First message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown. Customers read it on the status page and in their email."),
    )
    status = forms.ChoiceField(label=_("Status"))
    impact = forms.ChoiceField(
        label=_("Impact"), choices=IncidentImpact.choices, initial=IncidentImpact.MINOR
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    resolution_reply = forms.CharField(
        label=_("Reply to linked tickets"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=REPLY_HELP,
    )
    notify = forms.BooleanField(label=_("Notify subscribers"), required=False, initial=True)

    def __init__(self, *args, tenant, kind, staff, components, author, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.zone = tenant_zone(tenant)
        self.fields["status"].choices = [
            (s.value, s.label)
            for s in map(IncidentStatus, KIND_STATUSES[kind])
            if s not in ENDED_STATUSES
        ]
        self.fields["owner"].queryset = staff
        self.fields["owner"].initial = author.pk
        self.fields["resolution_reply"].initial = str(DEFAULT_RESOLUTION_REPLY)
        if kind == IncidentKind.MAINTENANCE:
            zone_name = str(self.zone)
            self.fields["starts_at"] = LocalDateTimeField(
                label=_("Window starts"),
                zone=self.zone,
                help_text=_("Time zone: %(zone)s") % {"zone": zone_name},
            )
            self.fields["ends_at"] = LocalDateTimeField(
                label=_("Window ends"),
                zone=self.zone,
                help_text=_("Time zone: %(zone)s") % {"zone": zone_name},
            )
        self.add_component_fields(components, {}, kind == IncidentKind.MAINTENANCE)


class IncidentUpdateForm(ComponentStatesMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"))
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("Markdown.")
    )
    notify = forms.BooleanField(label=_("Notify subscribers"), required=False, initial=True)

    def __init__(self, *args, incident, components, affected, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (s.value, s.label)
            for s in map(IncidentStatus, KIND_STATUSES[incident.kind])
            if incident_transition_allowed(incident, s)
        ]
        self.fields["status"].initial = incident.status
        current = {row.component_id: row.status for row in affected}
        self.add_component_fields(components, current, incident.is_maintenance)
        # Components no longer offered (made inactive) stay as they are on the incident.
        shown = {c.pk for c in self.components}
        self.kept = {pk: status for pk, status in current.items() if pk not in shown}

    def affected(self) -> dict[int, str]:
        return {**self.kept, **super().affected()}


class IncidentEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    impact = forms.ChoiceField(label=_("Impact"), choices=IncidentImpact.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    resolution_reply = forms.CharField(
        label=_("Reply to linked tickets"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=REPLY_HELP,
    )

    def __init__(self, *args, incident, tenant, staff, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": incident.title,
                "impact": incident.impact,
                "owner": incident.owner_id,
                "resolution_reply": incident.resolution_reply,
                "starts_at": incident.starts_at,
                "ends_at": incident.ends_at,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff
        if incident.is_maintenance:
            zone = tenant_zone(tenant)
            help_text = _("Time zone: %(zone)s") % {"zone": str(zone)}
            self.fields["starts_at"] = LocalDateTimeField(
                label=_("Window starts"), zone=zone, help_text=help_text
            )
            self.fields["ends_at"] = LocalDateTimeField(
                label=_("Window ends"), zone=zone, help_text=help_text
            )


class TicketNumbersForm(forms.Form):
    numbers = forms.CharField(
        label=_("Ticket numbers"),
        max_length=2000,
        help_text=_("Several at once, separated by commas or spaces: 1042, 1043."),
    )

    def clean_numbers(self) -> list[tuple[str, int | None]]:
        """Each typed token with the number it names (None when it names none)."""
        tokens = [t for t in re.split(r"[,;\s]+", self.cleaned_data["numbers"]) if t]
        parsed = []
        for token in tokens:
            match = re.fullmatch(r"(?:[A-Za-z]{2,6}-)?#?(\d{1,9})", token)
            parsed.append((token, int(match.group(1)) if match else None))
        if not parsed:
            raise forms.ValidationError(_("Type at least one ticket number."))
        return parsed


class LinkedReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}), help_text=REPLY_HELP
    )
    resolve = forms.BooleanField(label=_("Also resolve the tickets"), required=False)


class ComponentStateForm(forms.Form):
    status = forms.ChoiceField(label=_("State"), choices=ComponentStatus.choices)
