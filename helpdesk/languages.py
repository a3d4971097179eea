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


def request_language(request, *, own: str = "") -> str:
    """The language of a page: the person's own (``own``, from their account), else the one
    chosen with the language switch (its cookie), else the tenant's default, else the
    browser's ``Accept-Language``, else English. Reads only what the request carries."""
    return (
        language_supported(own)
        or language_supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or language_supported(getattr(getattr(request, "tenant", None), "default_language", ""))
        or translation.get_language_from_request(request)
    )


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
