"""Report periods: whole local days in the tenant's time zone (pure; no ORM)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

THIS_MONTH = "this_month"
LAST_MONTH = "last_month"
LAST_90_DAYS = "last_90"
THIS_YEAR = "last_365"
CUSTOM = "custom"
PERIOD_LABELS = {
    THIS_MONTH: _("This month"),
    LAST_MONTH: _("Last month"),
    LAST_90_DAYS: _("Last 90 days"),
    THIS_YEAR: _("Last 12 months"),
    CUSTOM: _("Custom dates"),
}
# A custom period spans at most this many days (two years of daily rollups).
MAX_DAYS = 731


class PeriodError(ValueError):
    """A custom period that cannot be reported (its message is for people)."""


@dataclass(frozen=True)
class Period:
    key: str
    first_day: date
    last_day: date  # inclusive

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def label(self):
        return PERIOD_LABELS[self.key]

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) of the period as aware datetimes: local midnights in ``zone``."""
        start = datetime.combine(self.first_day, time(0), zone)
        end = datetime.combine(self.last_day + timedelta(days=1), time(0), zone)
        return start, end

    def weeks(self) -> list[date]:
        """The Mondays of the weeks the period touches, first to last."""
        monday = self.first_day - timedelta(days=self.first_day.weekday())
        result = []
        while monday <= self.last_day:
            result.append(monday)
            monday += timedelta(days=7)
        return result


def month_period(month: date, *, today: date) -> Period:
    """The calendar month holding ``month`` (up to ``today`` if it is the current one)."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    last = min(following - timedelta(days=1), today)
    key = THIS_MONTH if first == today.replace(day=1) else CUSTOM
    if key == CUSTOM and first == (today.replace(day=1) - timedelta(days=1)).replace(day=1):
        key = LAST_MONTH
    return Period(key, first, last)


def period_for(
    key: str, *, today: date, first: date | None = None, last: date | None = None
) -> Period:
    """The period named ``key`` as seen on ``today`` (local); ``first``/``last`` for a
    custom one. Raises :class:`PeriodError` for a custom period that cannot be reported."""
    if key == LAST_MONTH:
        return month_period(today.replace(day=1) - timedelta(days=1), today=today)
    if key == LAST_90_DAYS:
        return Period(key, today - timedelta(days=89), today)
    if key == THIS_YEAR:
        return Period(key, today - timedelta(days=364), today)
    if key == CUSTOM:
        if first is None or last is None:
            raise PeriodError(_("Enter both the first and the last day."))
        if first > last:
            raise PeriodError(_("The first day must not be after the last day."))
        if first > today:
            raise PeriodError(_("The period has not started yet."))
        last = min(last, today)
        if (last - first).days + 1 > MAX_DAYS:
            raise PeriodError(_("A report covers two years at most."))
        return Period(key, first, last)
    return month_period(today, today=today)
