"""``{% main_nav %}``: the main navigation of ``base.html`` (``helpdesk.navigation``)."""

from django import template
from django.utils.safestring import SafeString

from helpdesk.navigation import main_nav_html

register = template.Library()


@register.simple_tag(takes_context=True)
def main_nav(context) -> SafeString:
    return main_nav_html(
        request=context["request"],
        user=context.get("user"),
        tenant=context.get("tenant"),
        languages=context.get("LANGUAGES", ()),
    )
