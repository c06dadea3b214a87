"""Properties of the business clock, checked by hypothesis over random calendars and instants."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from interlocal.servicedesk.clock import Calendar, add_business_time, business_seconds_between, elapsed

ZONES = ("America/New_York", "America/Edmonton", "UTC")
UTC = dt.UTC
LOW = dt.datetime(2026, 1, 1, tzinfo=UTC)
SPAN = 4 * 366 * 86_400  # instants in 2026-2029, across eight DST changes per zone
QUARTER = 900


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    """Random calendars on a quarter-hour grid: up to two intervals a day, some holidays."""
    hours = {}
    for day in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 96), max_size=4)))
        if len(cuts) % 2:
            cuts = cuts[:-1]
        hours[day] = [
            (f"{a // 4:02d}:{a % 4 * 15:02d}", f"{b // 4:02d}:{b % 4 * 15:02d}")
            for a, b in zip(cuts[::2], cuts[1::2], strict=True)
        ]
    if not any(hours.values()):
        hours[0] = [("09:00", "17:00")]
    holidays = draw(st.lists(st.dates(dt.date(2026, 1, 1), dt.date(2029, 12, 31)), max_size=30))
    return Calendar(draw(st.sampled_from(ZONES)), hours, holidays)


def instants(grid: int = 1) -> st.SearchStrategy[dt.datetime]:
    return st.integers(0, SPAN // grid).map(lambda n: LOW + dt.timedelta(seconds=n * grid))


durations = st.one_of(st.integers(0, 10 * 86_400), st.integers(0, 3 * 365 * 86_400 // 4))


def _is_business(cal: Calendar, instant: dt.datetime) -> bool:
    local = instant.astimezone(cal.tz)
    if local.date() in cal.holidays:
        return False
    wall = (local.hour * 3600 + local.minute * 60 + local.second) * 1_000_000
    return any(s <= wall < e for s, e in cal.hours[local.weekday()])


@settings(max_examples=60, deadline=None)
@given(calendars(), instants(QUARTER), st.integers(0, 3 * 96))
def test_between_agrees_with_a_quarter_hour_walk(cal: Calendar, start: dt.datetime, steps: int) -> None:
    # Everything lies on a quarter-hour grid (zones here change on the hour), so each step is
    # business time throughout or not at all.
    walked = sum(
        QUARTER for i in range(steps) if _is_business(cal, start + dt.timedelta(seconds=i * QUARTER))
    )
    assert business_seconds_between(cal, start, start + dt.timedelta(seconds=steps * QUARTER)) == walked


@settings(max_examples=100, deadline=None)
@given(calendars(), instants(), durations)
def test_add_and_between_are_inverse(cal: Calendar, start: dt.datetime, seconds: int) -> None:
    due = add_business_time(cal, start, seconds)
    assert business_seconds_between(cal, start, due) == seconds
    # The earliest such instant: a moment earlier, less had elapsed.
    if seconds:
        assert business_seconds_between(cal, start, due - dt.timedelta(microseconds=1)) < seconds


@settings(max_examples=100, deadline=None)
@given(calendars(), instants(), instants())
def test_between_then_add_lands_at_or_before_end(cal: Calendar, a: dt.datetime, b: dt.datetime) -> None:
    start, end = min(a, b), max(a, b)
    due = add_business_time(cal, start, business_seconds_between(cal, start, end))
    assert start <= due <= end
    assert business_seconds_between(cal, due, end) == 0


@settings(max_examples=100, deadline=None)
@given(calendars(), instants(), instants(), instants())
def test_additive(cal: Calendar, a: dt.datetime, b: dt.datetime, c: dt.datetime) -> None:
    a, b, c = sorted((a, b, c))
    assert business_seconds_between(cal, a, b) + business_seconds_between(
        cal, b, c
    ) == business_seconds_between(cal, a, c)


@settings(max_examples=100, deadline=None)
@given(calendars(), instants(), instants(), instants(), durations, durations)
def test_monotone(cal: Calendar, s: dt.datetime, a: dt.datetime, b: dt.datetime, x: int, y: int) -> None:
    a, b = sorted((a, b))
    assert business_seconds_between(cal, s, a) <= business_seconds_between(cal, s, b)
    assert business_seconds_between(cal, b, s) <= business_seconds_between(cal, a, s)
    x, y = sorted((x, y))
    assert add_business_time(cal, s, x) <= add_business_time(cal, s, y)


@settings(max_examples=100, deadline=None)
@given(calendars(), instants(), instants(), st.lists(st.tuples(instants(), instants()), max_size=4))
def test_pauses_never_increase_elapsed_time(
    cal: Calendar, a: dt.datetime, b: dt.datetime, raw: list[tuple[dt.datetime, dt.datetime]]
) -> None:
    start, now = min(a, b), max(a, b)
    pauses = [(min(p), max(p)) for p in raw]
    total = business_seconds_between(cal, start, now)
    paused = elapsed(cal, start, now, pauses)
    assert 0 <= paused <= total
    assert elapsed(cal, start, now, pauses[:1]) >= paused
    # The due instant with pauses: exactly the target elapses, outside the pauses.
    target = paused / 2
    due = add_business_time(cal, start, target, pauses=pauses)
    assert elapsed(cal, start, due, pauses) == target
