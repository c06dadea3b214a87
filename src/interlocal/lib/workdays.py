"""Working days (Monday to Friday), for notice periods. Pure: no Django."""

from __future__ import annotations

import datetime as dt

__all__ = ["add_working_days"]


def add_working_days(moment: dt.datetime, days: int) -> dt.datetime:
    """`moment` moved on by `days` working days (Mon–Fri), keeping its wall-clock time.

    Pass `moment` in the time zone whose calendar counts (the installation's local time). Starting
    on a weekend, the first working day counted is the Monday after it. Holidays are not known.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    result = moment
    left = days
    while left:
        result += dt.timedelta(days=1)
        if result.weekday() < 5:
            left -= 1
    return result
