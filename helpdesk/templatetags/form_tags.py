"""``{% form_field field %}``: a form field with its label, help and errors, the markup
every form of the product shares. Written in Python because pages with a dozen fields (the
ticket page) spent more on rendering them through a template each than on anything else;
the field's widget still goes through the forms' renderer (``helpdesk.form_renderer``).

The HTML engine loads this library everywhere (``TEMPLATES`` builtins)."""

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def form_field(field) -> str:
    if not isinstance(field, BoundField):  # a field the form does not have
        return ""
    checkbox = getattr(field.field.widget, "input_type", None) == "checkbox"
    errors = field.errors
    classes = (
        "field" + (" field-invalid" if errors else "") + (" field-checkbox" if checkbox else "")
    )
    label = (
        f'<label for="{conditional_escape(field.id_for_label)}">{conditional_escape(field.label)}'
    )
    widget = str(field)
    if checkbox:
        body = f"{widget} {label}</label>"
    else:
        optional = (
            ""
            if field.field.required
            else f' <span class="muted">({conditional_escape(gettext("optional"))})</span>'
        )
        body = f"{label}{optional}</label>\n    {widget}"
    parts = [f'<div class="{classes}">\n    {body}\n']
    if field.help_text:
        parts.append(f'  <div class="help">{field.help_text}</div>\n')
    parts.extend(f'  <div class="error" role="alert">{conditional_escape(e)}</div>' for e in errors)
    parts.append("\n</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped but the help text, which forms write as HTML
