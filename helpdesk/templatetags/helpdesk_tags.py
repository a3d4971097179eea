from django import template
from django.conf import settings
from django.utils.translation import ngettext

register = template.Library()


def _duration_text(seconds: int) -> str:
    if seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(seconds // 60, 1)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


@register.simple_tag
def password_reset_validity() -> str:
    """How long a password reset link stays valid, e.g. “1 hour”."""
    return _duration_text(settings.PASSWORD_RESET_TIMEOUT)


# There is deliberately no Markdown filter: texts are rendered once when written and pages
# show the stored HTML (``text_html``, ``body_html``; see helpdesk.markdown).
