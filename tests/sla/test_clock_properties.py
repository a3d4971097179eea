"""Properties of the business clock on random calendars, zones, holidays and instants,
checked against a deliberately simple minute-by-minute reference."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sla.clock import Calendar, add_business_time, business_time_between, due_at

MINUTE = timedelta(minutes=1)
ZONES = [
    "America/Los_Angeles",
    "America/Bogota",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Lord_Howe",  # daylight saving of 30 minutes
    "UTC",
]
# Instants around daylight-saving changes of the zones above, and an ordinary one.
ANCHORS = [
    datetime(2026, 3, 8, 10, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime(2026, 4, 4, 15, 0, tzinfo=UTC),
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
    datetime(2026, 6, 15, 12, 0, tzinfo=UTC),
]
# Every daylight-saving change of 2026 in the zones that have one.
CHANGES = {
    "America/Los_Angeles": [datetime(2026, 3, 8, 10, 0), datetime(2026, 11, 1, 9, 0)],
    "Europe/Berlin": [datetime(2026, 3, 29, 1, 0), datetime(2026, 10, 25, 1, 0)],
    "Australia/Lord_Howe": [datetime(2026, 4, 4, 15, 0), datetime(2026, 10, 3, 15, 30)],
}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def day_spans(draw, earliest=0):
    """0–2 sorted, non-overlapping intervals of one day on a 30-minute grid (seconds)."""
    points = sorted(draw(st.sets(st.integers(earliest // 1800, 48), max_size=4)))
    if len(points) % 2:
        points = points[:-1]
    return tuple((points[i] * 1800, points[i + 1] * 1800) for i in range(0, len(points), 2))


@st.composite
def night_spans(draw):
    """Like day_spans, but within 00:00–08:00, where daylight-saving changes happen."""
    points = sorted(draw(st.sets(st.integers(0, 16), max_size=4)))
    if len(points) % 2:
        points = points[:-1]
    return tuple((points[i] * 1800, points[i + 1] * 1800) for i in range(0, len(points), 2))


@st.composite
def calendars(draw, earliest=0, zones=ZONES, spans=None):
    tz = draw(st.sampled_from(zones))
    weekly = tuple(draw(spans() if spans else day_spans(earliest)) for _ in range(7))
    assume(any(weekly))
    holidays = draw(
        st.sets(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 1, 31)), max_size=12)
    )
    return Calendar(tz=tz, weekly=weekly, holidays=frozenset(holidays), business_day_minutes=8 * 60)


@st.composite
def instants(draw):
    anchor = draw(st.sampled_from(ANCHORS))
    # Often within three hours of a change, where a skipped or repeated hour is at stake.
    offset = draw(st.one_of(st.integers(-180, 180), st.integers(-3 * 1440, 3 * 1440)))
    return anchor + offset * MINUTE


@st.composite
def dst_cases(draw):
    """A calendar open at night in a zone with daylight saving, and an instant within a few
    hours of one of its changes."""
    calendar = draw(calendars(zones=list(CHANGES), spans=night_spans))
    change = draw(st.sampled_from(CHANGES[calendar.tz])).replace(tzinfo=UTC)
    return calendar, change + draw(st.integers(-150, 150)) * MINUTE


def weekly_minutes(calendar: Calendar) -> int:
    return sum(e - s for spans in calendar.weekly for s, e in spans) // 60


# ---- the reference: step one real minute at a time --------------------------------------


def _local(zone, moment):
    """The local wall time at ``moment``; at the instant clocks fall back it is the time they
    fall back from (the limit from just before), which is the later of the two readings."""
    now = moment.astimezone(zone).replace(tzinfo=None, fold=0)
    tick = timedelta(microseconds=1)
    just_before = (moment - tick).astimezone(zone).replace(tzinfo=None, fold=0) + tick
    return max(now, just_before)


def _open_minute(calendar: Calendar, wall: datetime) -> bool:
    if wall.date() in calendar.holidays:
        return False
    second = wall.hour * 3600 + wall.minute * 60
    return any(s <= second < e for s, e in calendar.weekly[wall.weekday()])


def _wall_at(zone, moment):
    """The furthest local time reached so far (the wall clock never runs back): walk the
    previous three hours minute by minute (changes are months apart and repeat at most an
    hour)."""
    t = moment - timedelta(hours=3)
    wall = _local(zone, t)
    while t < moment:
        t += MINUTE
        wall = max(wall, _local(zone, t))
    return wall


def reference_add(calendar: Calendar, start: datetime, minutes: int) -> datetime:
    if minutes == 0:
        return start
    zone = ZoneInfo(calendar.tz)
    wall = _wall_at(zone, start)
    counted, t = 0, start
    while True:
        t += MINUTE
        local = _local(zone, t)
        while wall < local:
            counted += _open_minute(calendar, wall)
            wall += MINUTE
            if counted == minutes:
                return t


def reference_between(calendar: Calendar, start: datetime, end: datetime) -> int:
    zone = ZoneInfo(calendar.tz)
    wall = _wall_at(zone, start)
    counted, t = 0, start
    while t < end:
        t += MINUTE
        local = _local(zone, t)
        while wall < local:
            counted += _open_minute(calendar, wall)
            wall += MINUTE
    return counted


# ---- properties ---------------------------------------------------------------------------


@SETTINGS
@given(calendar=calendars(), start=instants(), data=st.data())
def test_fast_arithmetic_agrees_with_minute_stepping(calendar, start, data):
    minutes = data.draw(st.integers(0, 2 * weekly_minutes(calendar)))
    due = add_business_time(calendar, start, minutes * MINUTE)
    assert due == reference_add(calendar, start, minutes)
    end = start + data.draw(st.one_of(st.integers(0, 240), st.integers(0, 10 * 1440))) * MINUTE
    assert (
        business_time_between(calendar, start, end)
        == reference_between(calendar, start, end) * MINUTE
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=dst_cases(), data=st.data())
def test_fast_arithmetic_agrees_with_minute_stepping_on_dst_nights(case, data):
    calendar, start = case
    minutes = data.draw(st.integers(0, min(weekly_minutes(calendar), 240)))
    assert add_business_time(calendar, start, minutes * MINUTE) == reference_add(
        calendar, start, minutes
    )
    end = start + data.draw(st.integers(0, 300)) * MINUTE
    assert (
        business_time_between(calendar, start, end)
        == reference_between(calendar, start, end) * MINUTE
    )


@SETTINGS
@given(calendar=calendars(earliest=4 * 3600), start=instants(), data=st.data())
def test_adding_then_measuring_round_trips(calendar, start, data):
    # Opening hours after 04:00 avoid the hours that daylight-saving changes skip, where the
    # wall clock jumps and a due time can carry more than the target.
    amount = data.draw(st.integers(0, 40 * weekly_minutes(calendar) * 60)) * timedelta(seconds=1)
    due = add_business_time(calendar, start, amount)
    assert business_time_between(calendar, start, due) == amount
    # And nothing earlier would do.
    if amount:
        assert business_time_between(calendar, start, due - timedelta(microseconds=1)) < amount


@SETTINGS
@given(calendar=calendars(), start=instants(), data=st.data())
def test_measuring_then_adding_never_overshoots(calendar, start, data):
    end = start + data.draw(st.integers(0, 60 * 1440)) * MINUTE
    elapsed = business_time_between(calendar, start, end)
    assert add_business_time(calendar, start, elapsed) <= end
    assert business_time_between(calendar, start, end + MINUTE) >= elapsed


@SETTINGS
@given(
    calendar=calendars(),
    start=instants(),
    a=st.integers(0, 500 * 60),
    b=st.integers(0, 500 * 60),
)
def test_due_time_is_monotonic_in_the_duration(calendar, start, a, b):
    short, long = sorted((a, b))
    assert add_business_time(calendar, start, timedelta(minutes=short)) <= add_business_time(
        calendar, start, timedelta(minutes=long)
    )


@SETTINGS
@given(calendar=calendars(earliest=4 * 3600), start=instants(), data=st.data())
def test_a_pause_pushes_the_due_time_by_the_business_time_it_held(calendar, start, data):
    amount = data.draw(st.integers(1, 3 * weekly_minutes(calendar))) * MINUTE
    pause_start = start + data.draw(st.integers(0, 5 * 1440)) * MINUTE
    pause_end = pause_start + data.draw(st.integers(0, 5 * 1440)) * MINUTE
    plain = add_business_time(calendar, start, amount)
    paused = due_at(calendar, start, amount, [(pause_start, pause_end)])
    if plain <= pause_start:
        assert paused == plain
    else:
        held = business_time_between(calendar, pause_start, pause_end)
        assert paused == add_business_time(calendar, start, amount + held)
