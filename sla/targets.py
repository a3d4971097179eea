"""SLA target values as people write them: "2 business hours", "1 hour (24/7)", "N/A".

Pure (no ORM): used by the admin matrix, the seed tables, labels on tickets and the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clock import DAY_SECONDS, Calendar
from .words import gettext, language, ngettext

BUSINESS = "business"
ALWAYS = "24x7"
NO_TARGET = "none"

MINUTES = "minutes"
HOURS = "hours"
DAYS = "days"

UNIT_SECONDS = {MINUTES: 60, HOURS: 3600}


def examples() -> str:
    return gettext(
        "“2 business hours”, “1 hour (24/7)”, “3 business days”, “30 minutes (24/7)” or “N/A”"
    )


class TargetSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class TargetSpec:
    """``amount`` ``unit`` on ``clock``; ``clock == NO_TARGET`` is N/A (no amount)."""

    clock: str
    amount: int | None = None
    unit: str = ""

    @property
    def is_target(self) -> bool:
        return self.clock != NO_TARGET

    def seconds(self, calendar: Calendar | None) -> int:
        """The target's length in seconds of the clock's time. A business day is the business
        calendar's day length; on the 24/7 clock a day is 24 hours."""
        if not self.is_target:
            raise ValueError("N/A has no length.")
        if self.unit == DAYS:
            if self.clock == ALWAYS or calendar is None:
                return self.amount * DAY_SECONDS
            return self.amount * calendar.business_day_minutes * 60
        return self.amount * UNIT_SECONDS[self.unit]

    @property
    def label(self) -> str:
        return format_target(self)


NA = TargetSpec(clock=NO_TARGET)

# Spanish words are read too: the matrix shows its cells in the reader's language.
_NA_WORDS = {
    "n/a",
    "na",
    "none",
    "no target",
    "-",
    "—",
    "not applicable",
    "no aplica",
    "sin objetivo",
}
_UNIT_WORDS = {
    "m": MINUTES,
    "min": MINUTES,
    "mins": MINUTES,
    "minute": MINUTES,
    "minutes": MINUTES,
    "h": HOURS,
    "hr": HOURS,
    "hrs": HOURS,
    "hour": HOURS,
    "hours": HOURS,
    "d": DAYS,
    "day": DAYS,
    "days": DAYS,
    "minuto": MINUTES,
    "minutos": MINUTES,
    "hora": HOURS,
    "horas": HOURS,
    "día": DAYS,
    "días": DAYS,
    "dia": DAYS,
    "dias": DAYS,
}
_SHORT_BUSINESS = {"bm": MINUTES, "bh": HOURS, "bd": DAYS}
_PATTERN = re.compile(
    r"^(?P<amount>\d+)\s*(?P<business>business\s+)?(?P<unit>[^\W\d_]+)"
    r"(?P<business_es>\s+h[áa]bil(?:es)?)?"
    r"\s*,?\s*(?P<clock>\(?\s*24\s*[/x]\s*7(?:\s*/\s*365)?\s*\)?)?$",
    re.IGNORECASE,
)


def parse_target(text: str) -> TargetSpec:
    """Read a matrix cell. Raises TargetSyntaxError with a message for the person typing.

    The clock must be explicit: "business" (or bh/bd/bm) for the plan's business calendar,
    "(24/7)" for real elapsed time; a bare "2 hours" is refused rather than guessed.
    """
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise TargetSyntaxError(
            gettext("Enter a target or N/A, e.g. %(examples)s.") % {"examples": examples()}
        )
    if cleaned.lower().rstrip(".") in _NA_WORDS:
        return NA
    match = _PATTERN.match(cleaned)
    if match is None:
        raise TargetSyntaxError(
            gettext("“%(text)s” is not a target we can read. Write e.g. %(examples)s.")
            % {"text": cleaned, "examples": examples()}
        )
    amount = int(match["amount"])
    unit_word = match["unit"].lower()
    business = bool(match["business"] or match["business_es"])
    always = bool(match["clock"])
    if unit_word in _SHORT_BUSINESS:
        unit, business = _SHORT_BUSINESS[unit_word], True
    elif unit_word in _UNIT_WORDS:
        unit = _UNIT_WORDS[unit_word]
    else:
        raise TargetSyntaxError(
            gettext("“%(unit)s” is not a unit. Use minutes, hours or days, e.g. %(examples)s.")
            % {"unit": match["unit"], "examples": examples()}
        )
    if amount <= 0:
        raise TargetSyntaxError(
            gettext("A target must be longer than zero; write N/A for no target.")
        )
    if business and always:
        raise TargetSyntaxError(
            gettext("“%(text)s” names both business time and 24/7; choose one, e.g. %(examples)s.")
            % {"text": cleaned, "examples": examples()}
        )
    if not business and not always:
        raise TargetSyntaxError(
            gettext(
                "Say which clock “%(text)s” runs on: “%(business)s” (business calendar) or "
                "“%(always)s”."
            )
            % {
                "text": cleaned,
                "business": format_target(TargetSpec(BUSINESS, amount, unit)),
                "always": format_target(TargetSpec(ALWAYS, amount, unit)),
            }
        )
    return TargetSpec(clock=BUSINESS if business else ALWAYS, amount=amount, unit=unit)


# (target, language) -> its label: every evaluation names its targets (two a ticket, 50
# for a queue page), and a tenant has a handful of targets.
_labels: dict[tuple[TargetSpec, str | None], str] = {}


def format_target(spec: TargetSpec) -> str:
    """The label shown in the matrix and on tickets, in the active language: "2 business
    hours", "1 hour (24/7)", "N/A" ("2 horas hábiles", "1 hora (24/7)"). The matrix reads
    it back, in either language."""
    key = (spec, language())
    label = _labels.get(key)
    if label is None:
        if len(_labels) > 10_000:  # targets typed by admins: bounded all the same
            _labels.clear()
        label = _labels[key] = _target_label(spec)
    return label


def _target_label(spec: TargetSpec) -> str:
    if not spec.is_target:
        return gettext("N/A")
    count = spec.amount
    if spec.clock == BUSINESS:
        if spec.unit == MINUTES:
            text = ngettext("%(count)s business minute", "%(count)s business minutes", count)
        elif spec.unit == HOURS:
            text = ngettext("%(count)s business hour", "%(count)s business hours", count)
        else:
            text = ngettext("%(count)s business day", "%(count)s business days", count)
    elif spec.unit == MINUTES:
        text = ngettext("%(count)s minute (24/7)", "%(count)s minutes (24/7)", count)
    elif spec.unit == HOURS:
        text = ngettext("%(count)s hour (24/7)", "%(count)s hours (24/7)", count)
    else:
        text = ngettext("%(count)s day (24/7)", "%(count)s days (24/7)", count)
    return text % {"count": count}
