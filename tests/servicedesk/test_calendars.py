"""Business calendars: the clock calendar built from rows, and holidays from .ics and rules."""

from __future__ import annotations

import datetime as dt

import pytest

from interlocal.servicedesk.holidays_sources import generated_holidays, parse_ics_holidays
from interlocal.servicedesk.models import BusinessCalendar, Holiday, HolidaySource, WorkingHours
from interlocal.servicedesk.queries import clock_calendar
from interlocal.tenancy.models import Consortium

ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:a@test
DTSTART;VALUE=DATE:20270101
SUMMARY:New Year
END:VEVENT
BEGIN:VEVENT
UID:b@test
DTSTART;VALUE=DATE:20271224
DTEND;VALUE=DATE:20271226
SUMMARY:Winter break
END:VEVENT
END:VCALENDAR
"""


def test_ics_all_day_events_become_dates() -> None:
    assert parse_ics_holidays(ICS) == [
        (dt.date(2027, 1, 1), "New Year"),
        (dt.date(2027, 12, 24), "Winter break"),
        (dt.date(2027, 12, 25), "Winter break"),
    ]


def test_ics_errors_name_each_bad_event() -> None:
    bad = ICS.replace(b"DTSTART;VALUE=DATE:20271224", b"DTSTART:20271224T090000Z").replace(
        b"UID:a@test", b"UID:a@test\nRRULE:FREQ=YEARLY"
    )
    with pytest.raises(ValueError) as err:
        parse_ics_holidays(bad)
    lines = str(err.value).splitlines()
    assert lines[0].startswith("event 1 “New Year” (UID a@test): is recurring")
    assert lines[1].startswith("event 2 “Winter break” (UID b@test): starts at a time")
    with pytest.raises(ValueError, match="file: not an iCalendar file"):
        parse_ics_holidays(b"hello")


def test_generated_holidays_for_connecticut_and_alberta() -> None:
    ct = dict(generated_holidays("us", "ct", 2026, 2028))
    assert ct[dt.date(2026, 2, 12)] == "Lincoln's Birthday"
    assert dt.date(2028, 12, 25) in ct
    ab = dict(generated_holidays("CA", "AB", 2026, 2026))
    assert ab[dt.date(2026, 2, 16)] == "Family Day"
    with pytest.raises(ValueError, match="country: 'XX' is not a supported country"):
        generated_holidays("XX", "", 2026, 2026)
    with pytest.raises(ValueError, match="subdivision: 'ZZ' is not a subdivision of US"):
        generated_holidays("US", "ZZ", 2026, 2026)
    with pytest.raises(ValueError, match="last_year: 2025 is before 2026"):
        generated_holidays("US", "CT", 2026, 2025)


@pytest.mark.django_db
def test_clock_calendar_from_rows_in_two_queries(django_assert_num_queries: object) -> None:
    consortium = Consortium.objects.create(name="Test region", slug="test-region-sd")
    cal = BusinessCalendar.objects.create(consortium=consortium, name="Office", timezone="America/New_York")
    for day in range(5):
        WorkingHours.objects.create(calendar=cal, weekday=day, start_minute=8 * 60, end_minute=12 * 60)
        WorkingHours.objects.create(calendar=cal, weekday=day, start_minute=13 * 60, end_minute=17 * 60)
    Holiday.objects.create(
        calendar=cal, date=dt.date(2027, 1, 1), name="New Year", source=HolidaySource.ENTERED
    )
    with django_assert_num_queries(2):  # type: ignore[operator]
        clock = clock_calendar(cal)
    assert clock.timezone == "America/New_York"
    assert clock.week == 40 * 3600 * 1_000_000
    assert clock.holidays == (dt.date(2027, 1, 1),)
