"""Read paths of the calendars: scoped accessors and the pure clock calendar of a calendar."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from interlocal.servicedesk.clock import Calendar
from interlocal.servicedesk.models import BusinessCalendar, Holiday, Weekday, WorkingHours
from interlocal.tenancy.scoping import get_for_user, is_council

__all__ = [
    "calendars_visible_to",
    "can_manage_calendars",
    "clock_calendar",
    "clock_hours",
    "default_calendar",
    "get_calendar_for_user",
    "get_holiday_for_user",
    "holidays_by_year",
    "hours_by_weekday",
]


def can_manage_calendars(user: Any, consortium_id: int | None) -> bool:
    """The council (consortium admins and staff) sets up the desk: calendars, hours, holidays."""
    return is_council(user, consortium_id)


def calendars_visible_to(user: Any) -> QuerySet[BusinessCalendar]:
    """Calendars `user` may read."""
    return BusinessCalendar.objects.visible_to(user)


def get_calendar_for_user(user: Any, pk: int, *, write: bool = False) -> BusinessCalendar:
    """The calendar if `user` may see it (or change it, with write=True); else 404."""
    return get_for_user(BusinessCalendar.objects.select_related("consortium"), user, write=write, pk=pk)


def get_holiday_for_user(user: Any, pk: int, *, write: bool = False) -> Holiday:
    """The holiday if `user` may see it (or change it, with write=True); else 404."""
    return get_for_user(Holiday.objects.select_related("calendar"), user, write=write, pk=pk)


def default_calendar(consortium_id: int) -> BusinessCalendar | None:
    """The consortium's default calendar (for services that name none), if it has one."""
    return BusinessCalendar.objects.filter(consortium_id=consortium_id, is_default=True).first()


def clock_hours(rows: Any) -> dict[int, list[tuple[str, str]]]:
    """WorkingHours rows (or (weekday, start_minute, end_minute) triples) in the clock's shape."""
    hours: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for weekday, start, end in rows:
        hours[weekday].append((f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"))
    return dict(hours)


def clock_calendar(calendar: BusinessCalendar) -> Calendar:
    """The pure clock `Calendar` of a business calendar, in two queries (hours, holiday dates)."""
    hours = WorkingHours.objects.filter(calendar=calendar).values_list(
        "weekday", "start_minute", "end_minute"
    )
    dates = Holiday.objects.filter(calendar=calendar).values_list("date", flat=True)
    return Calendar(calendar.timezone, clock_hours(hours), list(dates))


def hours_by_weekday(calendar: BusinessCalendar) -> list[tuple[str, list[WorkingHours]]]:
    """Each weekday's label with its working intervals (empty list: closed), Monday first."""
    rows: dict[int, list[WorkingHours]] = defaultdict(list)
    for row in WorkingHours.objects.filter(calendar=calendar):
        rows[row.weekday].append(row)
    return [(str(label), rows.get(int(value), [])) for value, label in Weekday.choices]


def holidays_by_year(calendar: BusinessCalendar) -> list[tuple[int, list[Holiday]]]:
    """The calendar's holidays grouped by year, in date order."""
    years: dict[int, list[Holiday]] = defaultdict(list)
    for holiday in Holiday.objects.filter(calendar=calendar).order_by("date"):
        years[holiday.date.year].append(holiday)
    return sorted(years.items())
