"""Holiday dates from outside: an iCalendar (.ics) file, or the `holidays` package's rules.

Pure (no Django): both return (date, name) pairs or raise ValueError naming what is wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import holidays as holiday_rules
import icalendar

__all__ = ["MAX_ICS_BYTES", "MAX_YEARS", "generated_holidays", "parse_ics_holidays"]

MAX_ICS_BYTES = 2 * 1024 * 1024
MAX_YEARS = 30
# A multi-day all-day event adds each of its days; longer than this is surely not a holiday.
MAX_EVENT_DAYS = 31


def _describe(n: int, event: Any) -> str:
    summary = str(event.get("SUMMARY", "")).strip()
    uid = str(event.get("UID", "")).strip()
    label = f"event {n}"
    if summary:
        label += f" “{summary}”"
    if uid:
        label += f" (UID {uid})"
    return label


def parse_ics_holidays(data: bytes) -> list[tuple[dt.date, str]]:
    """The all-day events of an iCalendar file as (date, name), each day of a multi-day event.

    Every event must be all-day (DTSTART;VALUE=DATE) and not recurring; the errors name each
    bad event, so the file can be fixed in one go.
    """
    if len(data) > MAX_ICS_BYTES:
        raise ValueError(f"file: larger than {MAX_ICS_BYTES // 1024 // 1024} MB")
    try:
        cal = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise ValueError(f"file: not an iCalendar file ({exc})") from None
    if not isinstance(cal, icalendar.Calendar):
        raise ValueError("file: not an iCalendar file")
    found: list[tuple[dt.date, str]] = []
    errors: list[str] = []
    for n, event in enumerate(cal.walk("VEVENT"), start=1):
        where = _describe(n, event)
        start_prop = event.get("DTSTART")
        if start_prop is None:
            errors.append(f"{where}: has no DTSTART")
            continue
        start = start_prop.dt
        if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
            errors.append(f"{where}: starts at a time ({start}), not on an all-day date")
            continue
        if event.get("RRULE") is not None:
            errors.append(f"{where}: is recurring (RRULE); export the single dates instead")
            continue
        end_prop = event.get("DTEND")
        end = end_prop.dt if end_prop is not None else start + dt.timedelta(days=1)
        if isinstance(end, dt.datetime) or not isinstance(end, dt.date):
            errors.append(f"{where}: ends at a time ({end}), not on an all-day date")
            continue
        if end <= start:
            errors.append(f"{where}: ends ({end}) before it starts ({start})")
            continue
        if (end - start).days > MAX_EVENT_DAYS:
            errors.append(f"{where}: lasts {(end - start).days} days (at most {MAX_EVENT_DAYS})")
            continue
        name = str(event.get("SUMMARY", "")).strip()[:200] or "Holiday"
        found.extend((start + dt.timedelta(days=i), name) for i in range((end - start).days))
    if errors:
        raise ValueError("\n".join(errors))
    if not found:
        raise ValueError("file: contains no events")
    return found


def generated_holidays(
    country: str, subdivision: str, first_year: int, last_year: int
) -> list[tuple[dt.date, str]]:
    """Public holidays of a country (and subdivision) over the years, by the `holidays` rules."""
    country, subdivision = country.strip().upper(), subdivision.strip().upper()
    if last_year < first_year:
        raise ValueError(f"last_year: {last_year} is before {first_year}")
    if last_year - first_year + 1 > MAX_YEARS:
        raise ValueError(f"last_year: at most {MAX_YEARS} years at once")
    try:
        rules = holiday_rules.country_holidays(
            country, subdiv=subdivision or None, years=range(first_year, last_year + 1)
        )
    except NotImplementedError:
        supported = holiday_rules.list_supported_countries()
        if country not in supported:
            raise ValueError(f"country: {country!r} is not a supported country code (e.g. US, CA)") from None
        known = ", ".join(supported[country]) or "none"
        raise ValueError(
            f"subdivision: {subdivision!r} is not a subdivision of {country} ({known})"
        ) from None
    return sorted((day, str(name)[:200]) for day, name in rules.items())
