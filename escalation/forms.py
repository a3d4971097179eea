"""Escalating and de-escalating a ticket from its page."""

from django import forms

from .models import EscalationLevel

# The choice that takes a ticket off the ladder.
NOT_ESCALATED = "none"


class _LevelForm(forms.Form):
    """A choice among the levels offered on the ticket page; ``cleaned_data["level"]`` is
    the level itself (None for "Not escalated" where that is offered)."""

    level_label = "Level"
    level_error = "Choose one of the levels listed."

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
    level_label = "Escalate to"
    level_error = "Choose a level above the ticket's current one that handles this ticket."
    reason = forms.CharField(
        label="Why it needs escalating",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "short-text"}),
        error_messages={"required": "Say why the ticket needs escalating."},
        help_text="Sent to the level's people and recorded on the timeline (staff only).",
    )
    hand_over = forms.BooleanField(
        label="Hand over: unassign the ticket so the level's people pick it up",
        required=False,
    )


class DeescalateForm(_LevelForm):
    level_label = "Bring down to"
    level_error = "Choose a level below the ticket's current one."
    reason = forms.CharField(
        label="Why it comes down",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "short-text"}),
        error_messages={"required": "Say why the ticket comes down."},
        help_text="Recorded on the timeline, visible to staff only.",
    )

    def __init__(self, *args, levels: list[EscalationLevel], **kwargs):
        super().__init__(*args, levels=levels, blank_label="Not escalated", **kwargs)
