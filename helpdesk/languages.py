"""Which language a person reads.

Their own choice (stored on their account), else their tenant's default, else — on a page —
the browser's ``Accept-Language``, else English. Emails follow the same order for their
recipient, never the sender's language.
"""

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

# The session remembers the language a visitor chose before signing in; signing in keeps
# it in their profile.
SESSION_CHOSEN = "language_chosen"


def language_supported(code: str | None) -> str:
    """``code`` as one of ``settings.LANGUAGES`` ("es-CO" → "es"), or "" if none fits."""
    if not code:
        return ""
    try:
        return translation.get_supported_language_variant(code.strip())
    except LookupError:
        return ""


def person_language(user=None, tenant=None) -> str:
    """The language of emails to ``user`` (None for an address with no account)."""
    tenant = tenant or getattr(user, "tenant", None)
    return (
        language_supported(getattr(user, "language", ""))
        or language_supported(getattr(tenant, "default_language", ""))
        or settings.LANGUAGE_CODE
    )


@contextmanager
def language_of(user=None, tenant=None):
    """Renders what is inside in ``user``'s language (see :func:`person_language`)."""
    with translation.override(person_language(user, tenant)):
        yield
