"""Form helpers shared by every app."""

from django.core.exceptions import ValidationError


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
