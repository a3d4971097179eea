from datetime import timedelta

from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.forms import ListedChoiceField, ListedMultipleChoiceField
from helpdesk.markdown import MarkdownFormField, text_max_length
from helpdesk.priorities import Priority

from .models import STAFF_STATUS_LABELS, Channel, Component, Status, TicketType
from .services.attachments import ALLOWED_TYPES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the attachment service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ",".join(sorted(ALLOWED_TYPES))}),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [d for d in data if d]
        return [data] if data else []


class AttachmentsMixin(forms.Form):
    files = MultipleFileField(label=_("Attachments"))
    # Files already uploaded with an earlier, rejected submission of this form.
    kept = forms.CharField(required=False, widget=forms.HiddenInput)

    def kept_ids(self) -> list[str]:
        raw = self.data.get(self.add_prefix("kept"), "") if self.is_bound else ""
        return [part for part in raw.split(",") if part.strip()][: settings.ATTACHMENT_MAX_FILES]


class KnownRowsChoiceField(forms.ModelChoiceField):
    """A choice among rows the form was given (``known``: submitted value -> row), so
    reading the submission costs no query; without them, the queryset is asked."""

    known: dict | None = None

    def label_from_instance(self, obj):
        return obj.name

    def to_python(self, value):
        if self.known is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        if isinstance(value, models.Model):
            value = getattr(value, self.to_field_name or "pk")
        row = self.known.get(str(value))
        if row is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return row


class TypeChoiceField(KnownRowsChoiceField):
    pass


class ComponentChoiceField(KnownRowsChoiceField):
    pass


class TicketCreateForm(AttachmentsMixin):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("One line that says what is wrong, e.g. “VPN tunnel to AWS down since 09:10”."),
    )
    ticket_type = TypeChoiceField(queryset=None, label=_("Type"), empty_label=_("Choose a type…"))
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, widget=forms.RadioSelect
    )
    affected_service = forms.CharField(
        label=_("Affected service or resource"),
        max_length=200,
        help_text=_("E.g. the account, project, instance, URL or integration that fails."),
    )
    text = MarkdownFormField(
        limit=text_max_length,
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happens, since when, and what you expected. Markdown is supported."),
    )
    steps = MarkdownFormField(
        limit=text_max_length,
        label=_("Steps that caused the failure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The actions just before the problem, one per line."),
    )
    component = ComponentChoiceField(
        queryset=None,
        required=False,
        label=_("Affected component"),
        empty_label=_("Not sure / none of these"),
        to_field_name="slug",
        help_text=_("The part of the service on our status page, if you know it."),
    )
    field_order = [
        "title", "ticket_type", "priority", "component", "affected_service", "text", "steps",
    ]  # fmt: skip

    def __init__(self, *args, tenant, types, components=(), known_incidents_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.types = types
        # ``components``: already read, so the page reads them once; none, no field.
        if components:
            field = self.fields["component"]
            field.queryset = Component.objects.for_tenant(tenant).filter(
                pk__in=[c.pk for c in components]
            )
            field.choices = [("", field.empty_label)] + [(c.slug, c.name) for c in components]
            field.known = {c.slug: c for c in components}
            if known_incidents_url:
                field.widget.attrs.update(
                    {
                        "hx-get": known_incidents_url,
                        "hx-trigger": "change",
                        "hx-target": "#known-incidents",
                        "hx-swap": "innerHTML",
                    }
                )
        else:
            del self.fields["component"]
        field = self.fields["ticket_type"]
        if self.is_bound:  # a blank form's menu is ``types``; only a choice is checked
            field.queryset = TicketType.objects.for_tenant(tenant).filter(
                pk__in=[t.pk for t in types]
            )
        field.known = {str(t.pk): t for t in types}
        groups: dict[str, list] = {}
        for entry in types:
            groups.setdefault(entry.parent.name if entry.parent_id else "", []).append(
                (entry.pk, entry.name)
            )
        choices = [("", _("Choose a type…"))]
        for group, entries in groups.items():
            if group:
                choices.append((group, entries))
            else:
                choices.extend(entries)
        field.choices = choices
        field.widget.attrs["data-default-priorities"] = ",".join(
            f"{t.pk}:{t.default_priority}" for t in types
        )


class ReplyForm(AttachmentsMixin):
    KEEP = ""
    body = MarkdownFormField(
        limit=text_max_length,
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    internal = forms.BooleanField(label=_("Internal note (only staff see it)"), required=False)
    status = forms.ChoiceField(
        label=_("Then set status to"),
        required=False,
        choices=[
            ("", _("Keep the status")),
            (Status.IN_PROGRESS, STAFF_STATUS_LABELS[Status.IN_PROGRESS]),
            (Status.ON_HOLD, STAFF_STATUS_LABELS[Status.ON_HOLD]),
            (Status.RESOLVED, STAFF_STATUS_LABELS[Status.RESOLVED]),
        ],
    )

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["internal"]
            del self.fields["status"]


class EvidenceForm(AttachmentsMixin):
    comment = MarkdownFormField(
        limit=text_max_length,
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["files", "comment"]


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Recorded on the timeline, visible to staff only."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class AssignForm(forms.Form):
    assignee = ListedChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, staff, menu=None, **kwargs):
        """``staff``: who may be chosen (what a bound form's choice is checked against);
        ``menu``: the same people, for a blank form's menu without a query."""
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        if staff is not None:
            field.queryset = staff
        if menu is not None and not self.is_bound:
            field.choices = [("", field.empty_label)] + [(p.pk, str(p)) for p in menu]


class TypeForm(forms.Form):
    ticket_type = TypeChoiceField(queryset=None, label=_("Type"), empty_label=None)

    def __init__(self, *args, tenant, types, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["ticket_type"]
        if self.is_bound:  # a blank form's menu is ``types``; only a choice is checked
            field.queryset = TicketType.objects.for_tenant(tenant).filter(
                pk__in=[t.pk for t in types]
            )
        field.known = {str(t.pk): t for t in types}
        field.choices = [(t.pk, t.full_name) for t in types]


def person_label(full_name: str, email: str) -> str:
    return f"{full_name} <{email}>" if full_name else email


class PersonChoiceField(ListedChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj.full_name, obj.email)


class PeopleChoiceField(ListedMultipleChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj.full_name, obj.email)


class CopyAddForm(forms.Form):
    """Put someone in copy: a colleague of the ticket's organization or, for staff, any
    email address."""

    user = PersonChoiceField(
        queryset=None,
        required=False,
        label=_("Colleague"),
        empty_label=_("Choose a colleague…"),
    )
    email = forms.EmailField(
        required=False,
        label=_("Or an email address"),
        help_text=_("Someone outside the organization receives the public replies by email."),
    )

    def __init__(self, *args, candidates, staff: bool, menu=None, **kwargs):
        """``candidates``: the people who may be chosen (what a bound form's choice is
        checked against); ``menu``: the same as (id, full name, email) rows, for a blank
        form's menu without a query."""
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        if candidates is not None:
            field.queryset = candidates
        if menu is not None and not self.is_bound:
            field.choices = [("", field.empty_label)] + [
                (pk, person_label(full_name, email)) for pk, full_name, email in menu
            ]
        if not staff:
            del self.fields["email"]

    def clean(self):
        data = super().clean()
        if not data.get("user") and not data.get("email") and not self.errors:
            raise forms.ValidationError(
                _("Choose a colleague or enter an email address.")
                if "email" in self.fields
                else _("Choose a colleague.")
            )
        return data


RECEIVED_AT_FORMAT = "%Y-%m-%dT%H:%M"


class TicketForCustomerForm(TicketCreateForm):
    """A ticket an engineer opens for a customer who called or wrote."""

    customer = forms.ModelChoiceField(label=_("Customer"), queryset=None, widget=forms.HiddenInput)
    channel = forms.ChoiceField(
        label=_("Came in by"),
        choices=Channel.choices,
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        input_formats=[RECEIVED_AT_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=RECEIVED_AT_FORMAT),
        help_text=_("In your time zone. The SLA clocks start here."),
    )
    copies = PeopleChoiceField(
        queryset=None,
        required=False,
        label=_("People in copy"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Colleagues of the customer who receive the public replies."),
    )
    field_order = [
        "customer", "channel", "received_at", "title", "ticket_type", "priority",
        "affected_service", "text", "steps", "copies",
    ]  # fmt: skip

    def __init__(self, *args, customers, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers
        self.fields["copies"].queryset = colleagues
        self.fields["text"].help_text = _("What the customer reported. Markdown is supported.")
        self.fields["title"].help_text = ""
        self.fields["priority"].required = False
        self.fields["priority"].help_text = _("Leave it to take the type's default priority.")

    def clean(self):
        data = super().clean()
        if not data.get("priority") and data.get("ticket_type"):
            data["priority"] = data["ticket_type"].default_priority
        return data

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now() + timedelta(minutes=1):
            raise forms.ValidationError(_("The time a request came in cannot be in the future."))
        return received_at
