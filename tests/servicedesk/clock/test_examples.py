"""Worked examples of the business clock: weekends, holidays, lunch, DST both ways, pauses."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from interlocal.servicedesk.clock import (
    Calendar,
    add_business_time,
    business_seconds_between,
    elapsed,
    target_status,
)

NY = ZoneInfo("America/New_York")
ED = ZoneInfo("America/Edmonton")
HOUR = 3600
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def office(tz: str = "America/New_York", holidays: tuple[dt.date, ...] = ()) -> Calendar:
    return Calendar(tz, {d: [("08:00", "17:00")] for d in WEEKDAYS}, holidays)


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0, tz: ZoneInfo = NY, fold: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=tz, fold=fold)


def test_friday_afternoon_plus_two_hours_is_monday_nine() -> None:
    due = add_business_time(office(), at(2027, 3, 5, 16), 2 * HOUR)
    assert due == at(2027, 3, 8, 9)
    assert due.tzinfo is NY


def test_target_running_out_at_closing_is_due_at_closing() -> None:
    assert add_business_time(office(), at(2027, 3, 5, 16), HOUR) == at(2027, 3, 5, 17)


def test_start_outside_hours_counts_from_the_next_opening() -> None:
    assert add_business_time(office(), at(2027, 3, 6, 12), 30 * 60) == at(2027, 3, 8, 8, 30)
    assert business_seconds_between(office(), at(2027, 3, 5, 20), at(2027, 3, 8, 8)) == 0


def test_holidays_are_skipped() -> None:
    cal = office(holidays=(dt.date(2027, 1, 1),))  # a Friday
    assert add_business_time(cal, at(2026, 12, 31, 16), 2 * HOUR) == at(2027, 1, 4, 9)
    assert business_seconds_between(cal, at(2026, 12, 31, 8), at(2027, 1, 5, 8)) == 18 * HOUR


def test_lunch_break() -> None:
    cal = Calendar("America/New_York", {"mon": [("08:00", "12:00"), ("13:00", "17:00")]})
    assert add_business_time(cal, at(2027, 3, 8, 11), 2 * HOUR) == at(2027, 3, 8, 14)
    assert business_seconds_between(cal, at(2027, 3, 8, 11, 30), at(2027, 3, 8, 13, 30)) == HOUR
    # Monday only: the next Monday after closing.
    assert add_business_time(cal, at(2027, 3, 8, 16), 2 * HOUR) == at(2027, 3, 15, 9)


def test_spring_forward_day_has_23_hours_on_a_24_hour_calendar() -> None:
    cal = Calendar("America/New_York", {d: [("00:00", "24:00")] for d in range(7)})
    assert business_seconds_between(cal, at(2027, 3, 14), at(2027, 3, 15)) == 23 * HOUR
    assert add_business_time(cal, at(2027, 3, 14, 1), HOUR) == at(2027, 3, 14, 3)


def test_fall_back_day_has_25_hours_on_a_24_hour_calendar() -> None:
    cal = Calendar("America/Edmonton", {d: [("00:00", "24:00")] for d in range(7)})
    assert business_seconds_between(cal, at(2027, 11, 7, tz=ED), at(2027, 11, 8, tz=ED)) == 25 * HOUR
    # 01:30 happens twice; an hour after the first one is the second one.
    first = at(2027, 11, 7, 1, 30, tz=ED)
    due = add_business_time(cal, first, HOUR)
    assert due.utcoffset() == dt.timedelta(hours=-7)
    assert (due.hour, due.minute) == (1, 30)


def test_office_hours_across_dst_keep_wall_clock() -> None:
    cal = office()
    # Friday before spring-forward to Monday after: the working hours stay 08:00-17:00 local.
    assert add_business_time(cal, at(2027, 3, 12, 16), 2 * HOUR) == at(2027, 3, 15, 9)
    assert business_seconds_between(cal, at(2027, 3, 8, 8), at(2027, 3, 22, 8)) == 90 * HOUR
    assert business_seconds_between(cal, at(2027, 11, 1, 8), at(2027, 11, 15, 8)) == 90 * HOUR


def test_night_shift_inside_the_ambiguous_hour() -> None:
    cal = Calendar("America/New_York", {"sun": [("01:00", "02:00")]})
    # On fall-back Sunday 01:00-02:00 happens twice: two business hours.
    assert business_seconds_between(cal, at(2027, 11, 7), at(2027, 11, 8)) == 2 * HOUR
    # On spring-forward Sunday 02:00-03:00 never happens.
    cal = Calendar("America/New_York", {"sun": [("02:00", "03:00")]})
    assert business_seconds_between(cal, at(2027, 3, 14), at(2027, 3, 15)) == 0


def test_long_span_matches_week_count() -> None:
    cal = office()
    start, end = at(2026, 1, 5, 8), at(2031, 1, 6, 8)  # Mondays, 261 weeks apart
    assert business_seconds_between(cal, start, end) == 261 * 45 * HOUR
    assert add_business_time(cal, start, 261 * 45 * HOUR) == at(2031, 1, 3, 17)


def test_pauses_stop_the_clock() -> None:
    cal = office()
    start, now = at(2027, 3, 8, 8), at(2027, 3, 8, 17)
    pauses = [(at(2027, 3, 8, 9), at(2027, 3, 8, 10)), (at(2027, 3, 8, 9, 30), at(2027, 3, 8, 11))]
    assert elapsed(cal, start, now, pauses) == 7 * HOUR
    assert elapsed(cal, start, now, [(at(2027, 3, 8, 16), None)]) == 8 * HOUR
    due = add_business_time(cal, start, 4 * HOUR, pauses=pauses)
    assert due == at(2027, 3, 8, 14)


def test_issue_example_with_pause() -> None:
    cal = Calendar(
        "America/New_York",
        {"mon": [("08:00", "12:00"), ("13:00", "17:00")], "tue": [("08:00", "17:00")]},
        [dt.date(2027, 1, 1)],
    )
    start = dt.datetime.fromisoformat("2027-03-12T16:30:00-05:00")
    pause = (
        dt.datetime.fromisoformat("2027-03-15T09:00:00-04:00"),
        dt.datetime.fromisoformat("2027-03-15T10:00:00-04:00"),
    )
    # Friday has no hours; Monday 08-09, 10-12 and 13-14 give the four hours.
    assert add_business_time(cal, start, 240 * 60, pauses=[pause]).isoformat() == "2027-03-15T14:00:00-04:00"


def test_target_status() -> None:
    cal = office()
    start = at(2027, 3, 8, 8)
    ok = target_status(cal, start, 4 * HOUR, at(2027, 3, 8, 10))
    assert (ok.percent_used, ok.warning, ok.breached) == (50, False, False)
    warn = target_status(cal, start, 4 * HOUR, at(2027, 3, 8, 11))
    assert (warn.percent_used, warn.warning, warn.breached) == (75, True, False)
    assert warn.remaining_seconds == HOUR
    on_time = target_status(cal, start, 4 * HOUR, at(2027, 3, 8, 12))
    assert not on_time.breached and on_time.due == at(2027, 3, 8, 12)
    late = target_status(cal, start, 9 * HOUR, at(2027, 3, 8, 20))
    assert late.breached and not late.warning and late.percent_used == 100
    paused = target_status(cal, start, 4 * HOUR, at(2027, 3, 8, 12), [(at(2027, 3, 8, 9), None)])
    assert paused.elapsed_seconds == HOUR and paused.due == at(2027, 3, 8, 15)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone: 'Mars/Olympus' is not a known time zone"),
        ({"hours": {"mon": [("17:00", "08:00")]}}, "hours.mon[1]: ends (08:00) before it starts (17:00)"),
        ({"hours": {"tue": [("08:00", "12:00"), ("11:00", "13:00")]}}, "hours.tue: 08:00–12:00 overlaps"),
        ({"hours": {"wed": [("8am", "12:00")]}}, "hours.wed[1].start: '8am' is not a time"),
        ({"hours": {"wed": [("24:00", "24:00")]}}, "hours.wed[1].start: 24:00 is only allowed as an end"),
        ({"hours": {"funday": []}}, "hours: 'funday' is not a weekday"),
        ({"holidays": ["2027-01-01"]}, "holidays: '2027-01-01' is not a date"),
    ],
)
def test_bad_calendars_are_refused_with_a_clear_message(kwargs: dict, message: str) -> None:
    args = {"timezone": "America/New_York", "hours": {"mon": [("08:00", "17:00")]}, **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        Calendar(args["timezone"], args["hours"], args.get("holidays", ()))


def test_naive_datetimes_and_inverted_pauses_are_refused() -> None:
    cal = office()
    with pytest.raises(ValueError, match="start: 2027-03-08T08:00:00 has no UTC offset"):
        business_seconds_between(cal, dt.datetime(2027, 3, 8, 8), at(2027, 3, 9))  # noqa: DTZ001
    with pytest.raises(ValueError, match=r"pauses\[1\]\.to: .* has no UTC offset"):
        add_business_time(cal, at(2027, 3, 8), HOUR, pauses=[(at(2027, 3, 8), dt.datetime(2027, 3, 9))])  # noqa: DTZ001
    with pytest.raises(ValueError, match=r"pauses\[1\]: ends"):
        elapsed(cal, at(2027, 3, 8), at(2027, 3, 9), [(at(2027, 3, 8, 12), at(2027, 3, 8, 10))])


def test_a_calendar_without_hours_cannot_meet_a_target() -> None:
    cal = Calendar("America/New_York", {})
    assert business_seconds_between(cal, at(2027, 1, 1), at(2028, 1, 1)) == 0
    with pytest.raises(ValueError, match="no working hours"):
        add_business_time(cal, at(2027, 1, 1), HOUR)
