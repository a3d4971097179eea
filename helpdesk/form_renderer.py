"""The forms' renderer: Django's, with ``<select>`` menus written in Python.

Django renders a select menu through one template plus one included template per option;
the ticket page's menus (engineers, request types, statuses, people to put in copy) made
that the page's largest cost. This renderer writes the same markup the stock templates do,
every value escaped as they escape it, and leaves every other widget to the templates. A
menu whose options use another template than the stock one is left to the templates too.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


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


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            html = select_html(context["widget"])
            if html is not None:
                return mark_safe(html)  # noqa: S308 - every value escaped above
        return super().render(template_name, context, request=request)
