"""Words people read that the pure modules (engine, targets, clock) produce.

Those modules import without Django, so they translate through these functions: in the
active language once Django is set up, in English (the message ids) otherwise. Django is
imported only when a word is asked for, never when the modules are imported.
"""

from __future__ import annotations


def _translation():
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - the product always ships Django
        return None
    if not settings.configured:
        return None
    from django.utils import translation

    return translation


def language() -> str | None:
    """The active language (None without Django): what a word translated now depends on."""
    translation = _translation()
    return translation.get_language() if translation is not None else None


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogue; translated where it is shown."""
    return message


def gettext(message: str) -> str:
    translation = _translation()
    return translation.gettext(message) if translation is not None else message


def ngettext(singular: str, plural: str, number: int) -> str:
    translation = _translation()
    if translation is None:
        return singular if number == 1 else plural
    return translation.ngettext(singular, plural, number)


def pgettext(context: str, message: str) -> str:
    translation = _translation()
    return translation.pgettext(context, message) if translation is not None else message


def date_time(moment, fallback: str) -> str:
    """``moment`` (aware, already in the zone to show) in the active language's
    DATETIME_FORMAT ("Mon 7 Dec 2026, 10:00 COT" / "lun. 7 dic. 2026, 10:00 COT");
    ``fallback`` without Django."""
    if _translation() is None:
        return fallback
    from django.utils import formats

    return formats.date_format(moment, "DATETIME_FORMAT")
