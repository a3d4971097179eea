"""Escalating and de-escalating a ticket from its page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EscalationLevel

# The choice that takes a ticket off the ladder.
NOT_ESCALATED = "none"


class _LevelForm(forms.Form):
    """A choice among the levels offered on the ticket page; ``cleaned_data["level"]`` is
    the level itself (None for "Not escalated" where that is offered)."""

    level_label = _("Level")
    level_error = _("Choose one of the levels listed.")

    def __init__(self, *args, levels: list[EscalationLevel], blank_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {str(level.pk): level for level in levels}
        choices = [(pk, level.name) for pk, level in self.levels.items()]
        if blank_label:
            choices.append((NOT_ESCALATED, blank_label))
        self.fields["level"] = forms.ChoiceField(
            label=self.level_label,
            choices=choices,
            error_messages={"invalid_choice": self.level_error, "required": self.level_error},
        )
        self.order_fields(["level", "reason", "hand_over"])

    def clean_level(self) -> EscalationLevel | None:
        return self.levels.get(self.cleaned_data["level"])


class EscalateForm(_LevelForm):
    level_label = _("Escalate to")
    level_error = _("Choose a level above the ticket's current one that handles this ticket.")
    reason = forms.CharField(
        label=_("Why it needs escalating"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "short-text"}),
        error_messages={"required": _("Say why the ticket needs escalating.")},
        help_text=_("Sent to the level's people and recorded on the timeline (staff only)."),
    )
    hand_over = forms.BooleanField(
        label=_("Hand over: unassign the ticket so the level's people pick it up"),
        required=False,
    )


class DeescalateForm(_LevelForm):
    level_label = _("Bring down to")
    level_error = _("Choose a level below the ticket's current one.")
    reason = forms.CharField(
        label=_("Why it comes down"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "short-text"}),
        error_messages={"required": _("Say why the ticket comes down.")},
        help_text=_("Recorded on the timeline, visible to staff only."),
    )

    def __init__(self, *args, levels: list[EscalationLevel], **kwargs):
        super().__init__(*args, levels=levels, blank_label=_("Not escalated"), **kwargs)
