"""SLA target values as people write them: "2 business hours", "1 hour (24/7)", "N/A".

Pure (no ORM): used by the admin matrix, the seed tables, labels on tickets and the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clock import DAY_SECONDS, Calendar

BUSINESS = "business"
ALWAYS = "24x7"
NO_TARGET = "none"

MINUTES = "minutes"
HOURS = "hours"
DAYS = "days"

UNIT_SECONDS = {MINUTES: 60, HOURS: 3600}

EXAMPLES = "“2 business hours”, “1 hour (24/7)”, “3 business days”, “30 minutes (24/7)” or “N/A”"


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

_NA_WORDS = {"n/a", "na", "none", "no target", "-", "—", "not applicable"}
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
}
_SHORT_BUSINESS = {"bm": MINUTES, "bh": HOURS, "bd": DAYS}
_PATTERN = re.compile(
    r"^(?P<amount>\d+)\s*(?P<business>business\s+)?(?P<unit>[a-z]+)"
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
        raise TargetSyntaxError(f"Enter a target or N/A, e.g. {EXAMPLES}.")
    if cleaned.lower().rstrip(".") in _NA_WORDS:
        return NA
    match = _PATTERN.match(cleaned)
    if match is None:
        raise TargetSyntaxError(f"“{cleaned}” is not a target we can read. Write e.g. {EXAMPLES}.")
    amount = int(match["amount"])
    unit_word = match["unit"].lower()
    business = bool(match["business"])
    always = bool(match["clock"])
    if unit_word in _SHORT_BUSINESS:
        unit, business = _SHORT_BUSINESS[unit_word], True
    elif unit_word in _UNIT_WORDS:
        unit = _UNIT_WORDS[unit_word]
    else:
        raise TargetSyntaxError(
            f"“{match['unit']}” is not a unit. Use minutes, hours or days, e.g. {EXAMPLES}."
        )
    if amount <= 0:
        raise TargetSyntaxError("A target must be longer than zero; write N/A for no target.")
    if business and always:
        raise TargetSyntaxError(
            f"“{cleaned}” names both business time and 24/7; choose one, e.g. {EXAMPLES}."
        )
    if not business and not always:
        raise TargetSyntaxError(
            f"Say which clock “{cleaned}” runs on: “{amount} business {_plural(unit, amount)}” "
            f"(business calendar) or “{amount} {_plural(unit, amount)} (24/7)”."
        )
    return TargetSpec(clock=BUSINESS if business else ALWAYS, amount=amount, unit=unit)


def _plural(unit: str, amount: int) -> str:
    word = unit[:-1] if unit.endswith("s") else unit
    return word if amount == 1 else word + "s"


def format_target(spec: TargetSpec) -> str:
    """The label shown in the matrix and on tickets: "2 business hours", "1 hour (24/7)",
    "No target"."""
    if not spec.is_target:
        return "N/A"
    words = _plural(spec.unit, spec.amount)
    if spec.clock == BUSINESS:
        return f"{spec.amount} business {words}"
    return f"{spec.amount} {words} (24/7)"
