"""The JSON shape of `interlocal servicedesk due`: read, check, compute (pure, no Django).

Input (docs/servicedesk.md, "The `due` command"): a `calendar` (timezone, hours per weekday,
holidays), a `start`, optional `pauses`, and either `minutes` (answer: `{"due": ...}`) or `end`
(answer: `{"business_minutes": N}`). Every problem found is reported as a (path, reason) pair;
positions in lists count from 1, as in the clock's own messages.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from interlocal.servicedesk.clock.calendar import DAY_NAMES, Calendar
from interlocal.servicedesk.clock.engine import Pause, add_business_time, elapsed

__all__ = ["DueInput", "InputError", "compute_due", "parse_due_input"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}").fullmatch
_KEYS = {"calendar", "start", "minutes", "end", "pauses"}
_CALENDAR_KEYS = {"timezone", "hours", "holidays"}


class InputError(ValueError):
    """Bad `due` input; `problems` holds every (path, reason) found, in input order."""

    def __init__(self, problems: Iterable[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.lines()))

    def lines(self) -> list[str]:
        """One `path: reason` line per problem."""
        return [f"{path}: {reason}" for path, reason in self.problems]


@dataclass(frozen=True)
class DueInput:
    """A checked request: `minutes` for a due instant, or `end` for the business time to it."""

    calendar: Calendar
    start: dt.datetime
    pauses: tuple[tuple[dt.datetime, dt.datetime], ...]
    minutes: float | None = None
    end: dt.datetime | None = None


def _split(message: str, prefix: str) -> tuple[str, str]:
    """A clock `ValueError` ("hours.tue[1]: reason") as (prefixed path, reason)."""
    path, sep, reason = message.partition(": ")
    if not sep:
        return prefix.rstrip("."), message
    return prefix + path, reason


def _instant(value: Any, path: str, problems: list[tuple[str, str]]) -> dt.datetime | None:
    if value is None:
        problems.append((path, "missing"))
        return None
    if not isinstance(value, str):
        problems.append(
            (path, f"{value!r} is not a timestamp (use ISO 8601, e.g. 2027-03-12T16:30:00-05:00)")
        )
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        problems.append((path, f"{value!r} is not an ISO 8601 timestamp (e.g. 2027-03-12T16:30:00-05:00)"))
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        problems.append((path, f"{value!r} has no UTC offset (add one, e.g. -05:00 or Z)"))
        return None
    return parsed


def _number(value: Any, path: str, problems: list[tuple[str, str]]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append((path, f"{value!r} is not a number of minutes"))
        return None
    if not math.isfinite(value) or value < 0:
        problems.append((path, f"{value!r} must be a finite number, 0 or more"))
        return None
    return value


def _calendar(raw: Any, problems: list[tuple[str, str]]) -> Calendar | None:
    if not isinstance(raw, dict):
        problems.append(("calendar", "missing" if raw is None else "must be an object"))
        return None
    before = len(problems)
    for key in sorted(set(raw) - _CALENDAR_KEYS):
        problems.append((f"calendar.{key}", "unknown key (expected timezone, hours, holidays)"))
    zone = raw.get("timezone")
    if not isinstance(zone, str) or not zone.strip():
        problems.append(
            ("calendar.timezone", "missing" if zone is None else f"{zone!r} is not a time zone name")
        )
    else:
        try:
            Calendar(zone.strip(), {})
        except ValueError as exc:
            problems.append(_split(str(exc), "calendar."))
    hours = raw.get("hours")
    days: dict[str, list[Any]] = {}
    if not isinstance(hours, dict):
        problems.append(("calendar.hours", "missing" if hours is None else "must be an object (mon … sun)"))
    else:
        for key, intervals in hours.items():
            if key not in DAY_NAMES:
                problems.append(
                    (f"calendar.hours.{key}", "not a weekday (use mon, tue, wed, thu, fri, sat, sun)")
                )
            elif not isinstance(intervals, list):
                problems.append((f"calendar.hours.{key}", 'must be a list of ["HH:MM", "HH:MM"] intervals'))
            else:
                # Each day on its own, so one bad day does not hide another's problem.
                try:
                    Calendar("UTC", {key: intervals})
                except ValueError as exc:
                    problems.append(_split(str(exc), "calendar."))
                else:
                    days[key] = intervals
    holidays: list[dt.date] = []
    raw_holidays = raw.get("holidays", [])
    if not isinstance(raw_holidays, list):
        problems.append(("calendar.holidays", 'must be a list of dates ("YYYY-MM-DD")'))
    else:
        for n, day in enumerate(raw_holidays, start=1):
            try:
                if not isinstance(day, str) or not _DATE(day):
                    raise ValueError
                holidays.append(dt.date.fromisoformat(day))
            except ValueError:
                problems.append((f"calendar.holidays[{n}]", f"{day!r} is not a date (use YYYY-MM-DD)"))
    if len(problems) > before or not isinstance(zone, str):
        return None
    return Calendar(zone.strip(), days, holidays)


def _pauses(raw: Any, problems: list[tuple[str, str]]) -> list[tuple[dt.datetime, dt.datetime]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(("pauses", "must be a list of [from, to] pairs"))
        return []
    out = []
    for n, pause in enumerate(raw, start=1):
        where = f"pauses[{n}]"
        if not isinstance(pause, list) or len(pause) != 2:
            problems.append((where, "a pause is a pair [from, to] of timestamps"))
            continue
        since = _instant(pause[0], f"{where}.from", problems)
        until = _instant(pause[1], f"{where}.to", problems)
        if since is None or until is None:
            continue
        if until < since:
            problems.append((where, f"ends ({pause[1]}) before it starts ({pause[0]})"))
            continue
        out.append((since, until))
    return out


def parse_due_input(data: Any) -> DueInput:
    """The checked request of a decoded JSON document; InputError lists every problem."""
    if not isinstance(data, dict):
        raise InputError([("(top level)", "must be an object with calendar, start and minutes or end")])
    problems: list[tuple[str, str]] = []
    for key in sorted(set(data) - _KEYS):
        problems.append((key, "unknown key (expected calendar, start, minutes or end, pauses)"))
    calendar = _calendar(data.get("calendar"), problems)
    start = _instant(data.get("start"), "start", problems)
    pauses = _pauses(data.get("pauses"), problems)
    minutes: float | None = None
    end: dt.datetime | None = None
    if ("minutes" in data) == ("end" in data):
        problems.append(("minutes", "give either minutes (for a due time) or end (for business minutes)"))
    elif "minutes" in data:
        minutes = _number(data["minutes"], "minutes", problems)
    else:
        end = _instant(data["end"], "end", problems)
        if end is not None and start is not None and end < start:
            problems.append(("end", f"{data['end']} is before start ({data['start']})"))
    if problems or calendar is None or start is None:
        raise InputError(problems)
    return DueInput(calendar, start, tuple(pauses), minutes=minutes, end=end)


def _ceil_second(instant: dt.datetime) -> dt.datetime:
    """To the second, never early: at the printed instant the target has been met."""
    if instant.microsecond:
        instant = instant.replace(microsecond=0) + dt.timedelta(seconds=1)
    return instant


def compute_due(data: Any) -> dict[str, Any]:
    """`{"due": ...}` or `{"business_minutes": N}` for a decoded JSON document (InputError if bad)."""
    request = parse_due_input(data)
    cal, start = request.calendar, request.start
    pauses: list[Pause] = list(request.pauses)
    try:
        if request.minutes is not None:
            due = add_business_time(cal, start, request.minutes * 60, pauses=pauses)
            return {"due": _ceil_second(due).astimezone(cal.tz).isoformat(timespec="seconds")}
        # With no business time at all ahead, a span's answer (0) would hide a broken calendar.
        add_business_time(cal, start, 1)
        seconds = elapsed(cal, start, request.end or start, pauses)
    except ValueError as exc:
        raise InputError([_split(str(exc), "calendar.")]) from None
    except OverflowError:
        raise InputError([("minutes", "the due time would fall after the year 9999")]) from None
    minutes = seconds / 60
    return {"business_minutes": int(minutes) if minutes == int(minutes) else minutes}
