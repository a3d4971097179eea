from django import forms
from django.conf import settings

from helpdesk.markdown import MarkdownFormField, text_max_length
from helpdesk.priorities import Priority

from .models import Status, TicketType
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
    files = MultipleFileField(label="Attachments")
    # Files already uploaded with an earlier, rejected submission of this form.
    kept = forms.CharField(required=False, widget=forms.HiddenInput)

    def kept_ids(self) -> list[str]:
        raw = self.data.get(self.add_prefix("kept"), "") if self.is_bound else ""
        return [part for part in raw.split(",") if part.strip()][: settings.ATTACHMENT_MAX_FILES]


class TypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TicketCreateForm(AttachmentsMixin):
    title = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="One line that says what is wrong, e.g. “VPN tunnel to AWS down since 09:10”.",
    )
    ticket_type = TypeChoiceField(queryset=None, label="Type", empty_label="Choose a type…")
    priority = forms.ChoiceField(choices=Priority.choices, widget=forms.RadioSelect)
    affected_service = forms.CharField(
        label="Affected service or resource",
        max_length=200,
        help_text="E.g. the account, project, instance, URL or integration that fails.",
    )
    text = MarkdownFormField(
        limit=text_max_length,
        label="Description",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What happens, since when, and what you expected. Markdown is supported.",
    )
    steps = MarkdownFormField(
        limit=text_max_length,
        label="Steps that caused the failure",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The actions just before the problem, one per line.",
    )
    field_order = ["title", "ticket_type", "priority", "affected_service", "text", "steps"]

    def __init__(self, *args, tenant, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = types
        field = self.fields["ticket_type"]
        field.queryset = TicketType.objects.for_tenant(tenant).filter(pk__in=[t.pk for t in types])
        groups: dict[str, list] = {}
        for entry in types:
            groups.setdefault(entry.parent.name if entry.parent_id else "", []).append(
                (entry.pk, entry.name)
            )
        choices = [("", "Choose a type…")]
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
        label="Message",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    internal = forms.BooleanField(label="Internal note (only staff see it)", required=False)
    status = forms.ChoiceField(
        label="Then set status to",
        required=False,
        choices=[
            ("", "Keep the status"),
            (Status.IN_PROGRESS, "In progress"),
            (Status.ON_HOLD, "On hold – waiting on customer"),
            (Status.RESOLVED, "Resolved"),
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
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["files", "comment"]


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(choices=Priority.choices)
    reason = forms.CharField(
        max_length=500, help_text="Recorded on the timeline, visible to staff only."
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    reason = forms.CharField(max_length=500, required=False)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, required=False, empty_label="Nobody")

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


class TypeForm(forms.Form):
    ticket_type = TypeChoiceField(queryset=None, label="Type", empty_label=None)

    def __init__(self, *args, tenant, types, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["ticket_type"]
        field.queryset = TicketType.objects.for_tenant(tenant).filter(pk__in=[t.pk for t in types])
        field.choices = [(t.pk, t.full_name) for t in types]
