import pytest

from sla.clock import Calendar
from sla.targets import (
    ALWAYS,
    BUSINESS,
    NA,
    TargetSpec,
    TargetSyntaxError,
    format_target,
    parse_target,
)


@pytest.mark.parametrize(
    "text,spec,label",
    [
        ("2 business hours", TargetSpec(BUSINESS, 2, "hours"), "2 business hours"),
        ("1 business hour", TargetSpec(BUSINESS, 1, "hours"), "1 business hour"),
        ("7 business days", TargetSpec(BUSINESS, 7, "days"), "7 business days"),
        ("90 business minutes", TargetSpec(BUSINESS, 90, "minutes"), "90 business minutes"),
        ("2 bh", TargetSpec(BUSINESS, 2, "hours"), "2 business hours"),
        ("2 bd", TargetSpec(BUSINESS, 2, "days"), "2 business days"),
        ("1 hour (24/7)", TargetSpec(ALWAYS, 1, "hours"), "1 hour (24/7)"),
        ("1 hour, 24/7", TargetSpec(ALWAYS, 1, "hours"), "1 hour (24/7)"),
        ("30 min 24/7", TargetSpec(ALWAYS, 30, "minutes"), "30 minutes (24/7)"),
        ("4 h 24/7", TargetSpec(ALWAYS, 4, "hours"), "4 hours (24/7)"),
        ("24 hours 24x7", TargetSpec(ALWAYS, 24, "hours"), "24 hours (24/7)"),
        ("  3  Business   Days ", TargetSpec(BUSINESS, 3, "days"), "3 business days"),
        ("N/A", NA, "N/A"),
        ("n/a", NA, "N/A"),
        ("no target", NA, "N/A"),
    ],
)
def test_cells_read_as_people_write_them(text, spec, label):
    assert parse_target(text) == spec
    assert format_target(parse_target(text)) == label
    assert parse_target(label) == spec


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "Enter a target or N/A"),
        ("2 hours", "Say which clock"),
        ("soon", "not a target we can read"),
        ("2 fortnights (24/7)", "is not a unit"),
        ("0 business hours", "longer than zero"),
        ("2 bh (24/7)", "both business time and 24/7"),
    ],
)
def test_unreadable_cells_say_what_to_write(text, message):
    with pytest.raises(TargetSyntaxError, match=message):
        parse_target(text)


def test_a_business_day_is_the_calendars_day_length():
    nine_hours = Calendar.from_hours("UTC", {0: [("08:00", "17:00")]})
    assert parse_target("2 business days").seconds(nine_hours) == 2 * 9 * 3600
    assert parse_target("2 days (24/7)").seconds(nine_hours) == 48 * 3600
    assert parse_target("30 minutes (24/7)").seconds(None) == 1800
