"""Business-time arithmetic on a `Calendar` (the rules are in docs/servicedesk.md).

Instants are handled as integer microseconds since the Unix epoch, so sums are exact. A day's
business time is its working intervals mapped through the zone's UTC offset; on the few days
where the offset changes (DST), the day is split at the transition, so a wall-clock hour that
happens twice counts twice and one that never happens counts not at all. Long spans are summed
arithmetically: whole weeks times the week's hours, corrected for the holidays and the
transition days inside the span; only the two partial days at the ends are looked at closely.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache
from zoneinfo import ZoneInfo

from interlocal.servicedesk.clock.calendar import DAY, US, Calendar

__all__ = [
    "Pause",
    "add_business_time",
    "business_seconds_between",
    "elapsed",
    "merge_pauses",
]

Pause = tuple[dt.datetime, dt.datetime | None]

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
DAY_US = DAY * US
ONE = dt.timedelta(days=1)
# No calendar may leave a target unmet for longer than this (issue 14: "no business time at all
# within ten years" is bad input).
HORIZON_DAYS = 3653


def _us(value: dt.datetime, where: str) -> int:
    if not isinstance(value, dt.datetime):
        raise ValueError(f"{where}: {value!r} is not a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{where}: {value.isoformat()} has no UTC offset (a naive datetime)")
    return (value - EPOCH) // dt.timedelta(microseconds=1)


def _instant(us: int, tz: ZoneInfo) -> dt.datetime:
    return (EPOCH + dt.timedelta(microseconds=us)).astimezone(tz)


def _local_date(us: int, tz: ZoneInfo) -> dt.date:
    return _instant(us, tz).date()


def _midnight(day: dt.date) -> int:
    """The day's local midnight as naive wall-clock microseconds on the epoch scale."""
    return (day.toordinal() - EPOCH_ORDINAL) * DAY_US


@lru_cache(maxsize=4096)
def _noon_offset(tz: ZoneInfo, day: dt.date) -> int:
    off = dt.datetime.combine(day, dt.time(12), tz).utcoffset() or dt.timedelta(0)
    return off // dt.timedelta(microseconds=1)


@lru_cache(maxsize=1024)
def _transitions(tz: ZoneInfo, year: int) -> tuple[dt.date, ...]:
    """Days t of `year` whose noon offset differs from the next day's (a change in between).

    Found by comparing month starts and bisecting the months that differ, so a year costs a
    few dozen offset look-ups; two changes inside one month that cancel out are not seen
    (no zone in use does that).
    """
    bounds = [dt.date(year, m, 1) for m in range(1, 13)] + [dt.date(year + 1, 1, 1)]
    found = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        if _noon_offset(tz, lo) == _noon_offset(tz, hi):
            continue
        while (hi - lo).days > 1:
            mid = lo + dt.timedelta(days=(hi - lo).days // 2)
            if _noon_offset(tz, mid) == _noon_offset(tz, lo):
                lo = mid
            else:
                hi = mid
        found.append(lo)
    return tuple(found)


@lru_cache(maxsize=1024)
def _irregular(tz: ZoneInfo, year: int) -> frozenset[dt.date]:
    """Days of `year` on which the UTC offset may change (both days around each change)."""
    days: set[dt.date] = set()
    for t in _transitions(tz, year - 1) + _transitions(tz, year):
        days.update((t, t + ONE))
    return frozenset(d for d in days if d.year == year)


def _offset_at(tz: ZoneInfo, us: int) -> int:
    off = _instant(us, tz).utcoffset() or dt.timedelta(0)
    return off // dt.timedelta(microseconds=1)


@lru_cache(maxsize=4096)
def _segments(tz: ZoneInfo, day: dt.date) -> tuple[tuple[int, int, int], ...]:
    """(from, to, offset) pieces of constant offset covering the instants of an irregular day."""
    lo = _midnight(day) - DAY_US // 2 - _noon_offset(tz, day - ONE)
    hi = _midnight(day) + DAY_US + DAY_US // 2 - _noon_offset(tz, day + ONE)
    off_lo, off_hi = _offset_at(tz, lo), _offset_at(tz, hi)
    if off_lo == off_hi:
        return ((lo, hi, off_lo),)
    # Bisect on whole seconds: zones change offset on the second.
    a, b = lo // US, hi // US
    while b - a > 1:
        mid = (a + b) // 2
        if _offset_at(tz, mid * US) == off_lo:
            a = mid
        else:
            b = mid
    return ((lo, b * US, off_lo), (b * US, hi, off_hi))


def _pieces(cal: Calendar, day: dt.date) -> tuple[tuple[int, int], ...]:
    """The business time of a local date as sorted, disjoint UTC intervals (microseconds)."""
    cached = cal._cache.get(day)
    if cached is not None:
        return cached
    intervals = cal.hours[day.weekday()]
    pieces: list[tuple[int, int]] = []
    if intervals and not _is_holiday(cal, day):
        base = _midnight(day)
        if day in _irregular(cal.tz, day.year):
            for seg_from, seg_to, off in _segments(cal.tz, day):
                wall_from, wall_to = seg_from + off, seg_to + off
                for s, e in intervals:
                    a, b = max(wall_from, base + s), min(wall_to, base + e)
                    if a < b:
                        pieces.append((a - off, b - off))
            pieces.sort()
        else:
            off = _noon_offset(cal.tz, day)
            pieces = [(base + s - off, base + e - off) for s, e in intervals]
    result = tuple(pieces)
    if len(cal._cache) < 20_000:
        cal._cache[day] = result
    return result


def _is_holiday(cal: Calendar, day: dt.date) -> bool:
    i = bisect.bisect_left(cal.holidays, day)
    return i < len(cal.holidays) and cal.holidays[i] == day


def _day_total(cal: Calendar, day: dt.date) -> int:
    if day in _irregular(cal.tz, day.year):
        return sum(b - a for a, b in _pieces(cal, day))
    if _is_holiday(cal, day):
        return 0
    return cal.nominal[day.weekday()]


def _clipped(pieces: Iterable[tuple[int, int]], lo: int, hi: int) -> int:
    return sum(max(0, min(b, hi) - max(a, lo)) for a, b in pieces)


def _full_days(cal: Calendar, first: dt.date, stop: dt.date) -> int:
    """Business microseconds of the whole local days first … stop (exclusive)."""
    n = (stop - first).days
    if n <= 0:
        return 0
    weeks, rest = divmod(n, 7)
    wd = first.weekday()
    total = weeks * cal.week + sum(cal.nominal[(wd + i) % 7] for i in range(rest))
    special = set(
        cal.holidays[bisect.bisect_left(cal.holidays, first) : bisect.bisect_left(cal.holidays, stop)]
    )
    for year in range(first.year, stop.year + 1):
        special.update(d for d in _irregular(cal.tz, year) if first <= d < stop)
    for day in special:
        total += _day_total(cal, day) - cal.nominal[day.weekday()]
    return total


def _between(cal: Calendar, start: int, end: int) -> int:
    if end <= start:
        return 0
    first, last = _local_date(start, cal.tz), _local_date(end, cal.tz)
    if first == last:
        return _clipped(_pieces(cal, first), start, end)
    return (
        _clipped(_pieces(cal, first), start, end)
        + _full_days(cal, first + ONE, last)
        + _clipped(_pieces(cal, last), start, end)
    )


def _add(cal: Calendar, start: int, amount: int) -> int:
    """The earliest instant at which `amount` business microseconds have passed since `start`."""
    if amount <= 0:
        return start
    day = _local_date(start, cal.tz)
    for a, b in _pieces(cal, day):
        a = max(a, start)
        if a < b:
            if b - a >= amount:
                return a + amount
            amount -= b - a
    day += ONE
    if cal.week == 0:
        raise ValueError("hours: the calendar has no working hours, so no target can ever be met")
    # Skip whole weeks, leaving a margin of a week for holidays and DST's extra hour; each round
    # leaves at most the business time the skipped holidays took away.
    while amount >= 3 * cal.week:
        weeks = amount // cal.week - 1
        skipped = _full_days(cal, day, day + dt.timedelta(days=7 * weeks))
        while skipped > amount and weeks > 1:
            weeks //= 2
            skipped = _full_days(cal, day, day + dt.timedelta(days=7 * weeks))
        if skipped <= 0 or skipped > amount:
            break  # a long closure or an odd span: walk the days instead
        amount -= skipped
        day += dt.timedelta(days=7 * weeks)
    idle = 0
    while True:
        total = _day_total(cal, day)
        if total >= amount:
            for a, b in _pieces(cal, day):
                if b - a >= amount:
                    return a + amount
                amount -= b - a
        amount -= total
        idle = 0 if total else idle + 1
        if idle > HORIZON_DAYS:
            raise ValueError("holidays: no business time at all within ten years")
        day += ONE


def merge_pauses(pauses: Sequence[Pause], *, now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """Pauses as sorted, merged microsecond intervals; an open pause (to=None) runs until `now`."""
    out: list[tuple[int, int]] = []
    for n, pause in enumerate(pauses, start=1):
        try:
            since, until = pause
        except (TypeError, ValueError):
            raise ValueError(f"pauses[{n}]: a pause is a pair (from, to)") from None
        a = _us(since, f"pauses[{n}].from")
        if until is None:
            if now is None:
                raise ValueError(f"pauses[{n}].to: an open pause needs `now`")
            b = max(a, _us(now, "now"))
        else:
            b = _us(until, f"pauses[{n}].to")
        if b < a:
            raise ValueError(f"pauses[{n}]: ends ({until}) before it starts ({since})")
        out.append((a, b))
    out.sort()
    merged: list[tuple[int, int]] = []
    for a, b in out:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def business_seconds_between(calendar: Calendar, start: dt.datetime, end: dt.datetime) -> float:
    """Business seconds from `start` to `end` (aware datetimes); 0 when end <= start."""
    return _between(calendar, _us(start, "start"), _us(end, "end")) / US


def add_business_time(
    calendar: Calendar,
    start: dt.datetime,
    seconds: float,
    *,
    pauses: Sequence[Pause] = (),
) -> dt.datetime:
    """The earliest instant at which `seconds` of business time (outside `pauses`) have passed.

    A target that runs out at closing time is due at closing time, not at the next opening.
    The result is in the calendar's time zone.
    """
    cursor = _us(start, "start")
    if seconds < 0:
        raise ValueError(f"seconds: {seconds} is negative")
    amount = round(seconds * US)
    for p_from, p_to in merge_pauses(pauses):
        if p_to <= cursor:
            continue
        candidate = _add(calendar, cursor, amount)
        if candidate <= p_from:
            return _instant(candidate, calendar.tz)
        amount -= _between(calendar, cursor, p_from)
        cursor = max(cursor, p_to)
    return _instant(_add(calendar, cursor, amount), calendar.tz)


def elapsed(
    calendar: Calendar,
    start: dt.datetime,
    now: dt.datetime,
    pauses: Sequence[Pause] = (),
) -> float:
    """Business seconds from `start` to `now` less the paused ones (the clock stops while paused).

    Pauses may overlap each other (they are merged) and may be open (`to` is None: still paused).
    """
    a, b = _us(start, "start"), _us(now, "now")
    total = _between(calendar, a, b)
    for p_from, p_to in merge_pauses(pauses, now=now):
        total -= _between(calendar, max(a, p_from), min(b, p_to))
    return total / US
