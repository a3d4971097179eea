"""The forms' renderer: Django's, with select menus, inputs and text areas written in
Python.

Django renders a select menu through one template plus one included template per option,
and every input through two or three templates (its own, ``input.html``, ``attrs.html``);
the ticket page's dozen fields made that the page's largest cost. This renderer writes the
same markup the stock templates do, byte for byte, every value escaped as they escape it,
and leaves every other widget to the templates. A menu whose options use another template
than the stock one is left to the templates too.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
TEXTAREA = "django/forms/widgets/textarea.html"
# Stock templates that are ``input.html`` alone.
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "email", "hidden", "number", "password", "url", "tel", "search",
        "checkbox", "date", "datetime", "time", "color", "file",
    )
)  # fmt: skip
CLEARABLE_FILE = "django/forms/widgets/clearable_file_input.html"


def _attrs(attrs) -> str:
    """What ``django/forms/widgets/attrs.html`` writes."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def select_html(widget) -> str | None:
    """``select.html`` for the widget context ``widget``; None when an option asks for
    another template."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def input_html(widget) -> str:
    """``input.html``."""
    value = widget["value"]
    shown = f' value="{conditional_escape(str(value))}"' if value is not None else ""
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def textarea_html(widget) -> str:
    """``textarea.html``."""
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


def clearable_file_html(widget) -> str | None:
    """``clearable_file_input.html`` without a current file (None with one: the template
    writes that case)."""
    if widget.get("is_initial"):
        return None
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>'
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        html = None
        if template_name in INPUTS:
            html = input_html(context["widget"])
        elif template_name == TEXTAREA:
            html = textarea_html(context["widget"])
        elif template_name == SELECT:
            html = select_html(context["widget"])
        elif template_name == CLEARABLE_FILE:
            html = clearable_file_html(context["widget"])
        if html is not None:
            return mark_safe(html)  # noqa: S308 - every value escaped above
        return super().render(template_name, context, request=request)
