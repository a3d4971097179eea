"""A service's ValidationError shown on the form the person filled in."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from helpdesk.forms import form_errors_from


class NoteForm(forms.Form):
    subject = forms.CharField()
    body = forms.CharField()


def _checked_form():
    form = NoteForm({"subject": "Printer", "body": "It jams."})
    assert form.is_valid()
    return form


def test_messages_for_fields_of_the_form_go_under_those_fields():
    form = _checked_form()
    form_errors_from(
        form,
        ValidationError({"subject": ["Too short.", "Already used."], "body": "Say more."}),
    )
    assert form.errors["subject"] == ["Too short.", "Already used."]
    assert form.errors["body"] == ["Say more."]
    assert form.non_field_errors() == []


def test_messages_for_fields_the_form_lacks_go_to_the_top_of_the_form():
    form = _checked_form()
    form_errors_from(
        form,
        ValidationError({"slug": "Taken.", NON_FIELD_ERRORS: "Not now.", "subject": "Too short."}),
    )
    assert form.errors["subject"] == ["Too short."]
    assert sorted(form.non_field_errors()) == ["Not now.", "Taken."]
    assert "slug" not in form.errors


def test_an_error_without_fields_shows_every_message_at_the_top_of_the_form():
    form = _checked_form()
    form_errors_from(form, ValidationError(["The queue is closed.", "Try later."]))
    assert form.non_field_errors() == ["The queue is closed.", "Try later."]
    form = _checked_form()
    form_errors_from(form, ValidationError("The ticket moved on."))
    assert form.non_field_errors() == ["The ticket moved on."]
    assert not form.is_valid()
