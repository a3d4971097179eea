"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """A menu's options from one plain query: Django's own iterator opens a server-side
    cursor (``DECLARE … WITH HOLD``) on PostgreSQL to list them, three round trips for a
    menu of a dozen people."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ListedChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


class ListedMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator


def form_errors_from(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form that sent the data.

    Messages keyed by a field the form has go under that field; the rest, and every
    message of an error raised without fields, go to the form's non-field errors.
    """
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
