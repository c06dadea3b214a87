"""A business-hours calendar: a time zone, working intervals per weekday and holiday dates.

Pure: no Django. Built once (validated), then shared by the arithmetic in `engine`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DAY_NAMES", "Calendar", "parse_clock_time"]

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY = 86_400
US = 1_000_000
_TIME = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?$")


def parse_clock_time(value: str | dt.time, *, where: str) -> int:
    """A wall-clock time ("08:00", "24:00" or a time) as seconds after midnight."""
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise ValueError(f"{where}: a working time is a wall-clock time, without a time zone")
        return value.hour * 3600 + value.minute * 60 + value.second
    if not isinstance(value, str):
        raise ValueError(f"{where}: {value!r} is not a time (use HH:MM)")
    match = _TIME.match(value.strip())
    if match is None:
        raise ValueError(f"{where}: {value!r} is not a time (use HH:MM, 00:00 to 24:00)")
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    seconds = hour * 3600 + minute * 60 + second
    if seconds > DAY:
        raise ValueError(f"{where}: {value!r} is past 24:00")
    return seconds


def _weekday(key: Any) -> int:
    if isinstance(key, int) and not isinstance(key, bool) and 0 <= key <= 6:
        return key
    if isinstance(key, str) and key.strip().lower()[:3] in DAY_NAMES:
        return DAY_NAMES.index(key.strip().lower()[:3])
    raise ValueError(f"hours: {key!r} is not a weekday (0 = Monday … 6 = Sunday, or mon … sun)")


def _fmt(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


class Calendar:
    """Working hours in a time zone, minus holidays; immutable once built.

    `hours` maps a weekday (0 = Monday, or "mon" … "sun") to (start, end) wall-clock intervals,
    start inclusive and end exclusive ("24:00" allowed as an end); intervals never cross
    midnight and must not overlap. `holidays` are local dates with no business time.
    """

    __slots__ = ("_cache", "holidays", "hours", "nominal", "timezone", "tz", "week")

    timezone: str
    tz: ZoneInfo
    hours: tuple[tuple[tuple[int, int], ...], ...]
    holidays: tuple[dt.date, ...]
    nominal: tuple[int, ...]
    week: int
    _cache: dict[dt.date, tuple[tuple[int, int], ...]]

    def __init__(
        self,
        timezone: str,
        hours: Mapping[Any, Sequence[tuple[str | dt.time, str | dt.time]]],
        holidays: Iterable[dt.date] = (),
    ) -> None:
        try:
            tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(
                f"timezone: {timezone!r} is not a known time zone (e.g. America/New_York)"
            ) from None
        days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for key, intervals in hours.items():
            wd = _weekday(key)
            for n, interval in enumerate(intervals, start=1):
                where = f"hours.{DAY_NAMES[wd]}[{n}]"
                try:
                    raw_start, raw_end = interval
                except (TypeError, ValueError):
                    raise ValueError(f"{where}: an interval is a pair (start, end)") from None
                start = parse_clock_time(raw_start, where=f"{where}.start")
                end = parse_clock_time(raw_end, where=f"{where}.end")
                if start == DAY:
                    raise ValueError(f"{where}.start: 24:00 is only allowed as an end")
                if end <= start:
                    raise ValueError(f"{where}: ends ({_fmt(end)}) before it starts ({_fmt(start)})")
                days[wd].append((start, end))
        for wd, spans in enumerate(days):
            spans.sort()
            for (s1, e1), (s2, e2) in zip(spans, spans[1:], strict=False):
                if s2 < e1:
                    raise ValueError(
                        f"hours.{DAY_NAMES[wd]}: {_fmt(s1)}–{_fmt(e1)} overlaps {_fmt(s2)}–{_fmt(e2)}"
                    )
        dates = set()
        for day in holidays:
            if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
                raise ValueError(f"holidays: {day!r} is not a date")
            dates.add(day)
        self.timezone = tz.key
        self.tz = tz
        self.hours = tuple(tuple((s * US, e * US) for s, e in d) for d in days)
        self.holidays = tuple(sorted(dates))
        self.nominal = tuple(sum(e - s for s, e in d) for d in self.hours)
        self.week = sum(self.nominal)
        self._cache = {}

    def __repr__(self) -> str:
        return (
            f"Calendar({self.timezone!r}, {self.week // US / 3600:g} h/week, {len(self.holidays)} holidays)"
        )

    def as_dict(self) -> dict[str, Any]:
        """The calendar in the JSON shape of the `due` command (docs/servicedesk.md)."""
        return {
            "timezone": self.timezone,
            "hours": {
                DAY_NAMES[wd]: [[_fmt(s // US), _fmt(e // US)] for s, e in d]
                for wd, d in enumerate(self.hours)
            },
            "holidays": [d.isoformat() for d in self.holidays],
        }
