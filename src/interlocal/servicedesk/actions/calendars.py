"""Write paths of the calendars: do_* functions, each checks the actor, is audited and atomic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.servicedesk.clock import Calendar
from interlocal.servicedesk.holidays_sources import generated_holidays, parse_ics_holidays
from interlocal.servicedesk.models import BusinessCalendar, Holiday, HolidaySource, WorkingHours
from interlocal.servicedesk.queries import can_manage_calendars, clock_hours
from interlocal.tenancy.models import Consortium

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = [
    "Hours",
    "do_add_holiday",
    "do_create_calendar",
    "do_generate_holidays",
    "do_import_holidays_ics",
    "do_remove_holiday",
    "do_update_calendar",
]

# weekday (0 = Monday) -> [(start_minute, end_minute), ...]
Hours = Mapping[int, Sequence[tuple[int, int]]]


def _require_council(user: Any, consortium_id: int) -> None:
    if not can_manage_calendars(user, consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may do this."))


def _check(timezone_name: str, hours: Hours) -> None:
    """Validate zone and intervals with the clock's own rules (one source of truth)."""
    rows = [(d, s, e) for d, spans in hours.items() for s, e in spans]
    try:
        Calendar(timezone_name, clock_hours(rows))
    except ValueError as exc:
        field = "timezone" if str(exc).startswith("timezone") else "hours"
        raise ValidationError({field: str(exc)}) from None


def _set_hours(calendar: BusinessCalendar, hours: Hours) -> None:
    WorkingHours.objects.filter(calendar=calendar).delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=d, start_minute=s, end_minute=e)
        for d, spans in sorted(hours.items())
        for s, e in spans
    )


def _hours_snapshot(calendar: BusinessCalendar) -> list[list[int]]:
    return [
        list(r)
        for r in WorkingHours.objects.filter(calendar=calendar).values_list(
            "weekday", "start_minute", "end_minute"
        )
    ]


def _clear_other_defaults(calendar: BusinessCalendar) -> None:
    if calendar.is_default:
        BusinessCalendar.objects.filter(consortium_id=calendar.consortium_id, is_default=True).exclude(
            pk=calendar.pk
        ).update(is_default=False)


@transaction.atomic
def do_create_calendar(
    consortium: Consortium,
    *,
    acting_user: User,
    name: str,
    timezone_name: str,
    hours: Hours,
    is_default: bool = False,
) -> BusinessCalendar:
    """Add a business calendar with its working hours to the consortium."""
    _require_council(acting_user, consortium.pk)
    _check(timezone_name, hours)
    calendar = BusinessCalendar(
        consortium=consortium,
        name=name,
        timezone=timezone_name,
        is_default=is_default,
        created_by=acting_user,
    )
    calendar.full_clean()
    _clear_other_defaults(calendar)
    calendar.save()
    _set_hours(calendar, hours)
    audit.record(
        acting_user,
        "servicedesk.calendar.created",
        calendar,
        consortium_id=consortium.pk,
        after={**audit.snapshot(calendar), "hours": _hours_snapshot(calendar)},
    )
    return calendar


@transaction.atomic
def do_update_calendar(
    calendar: BusinessCalendar,
    *,
    acting_user: User,
    name: str,
    timezone_name: str,
    hours: Hours,
    is_default: bool,
) -> BusinessCalendar:
    """Change a calendar's name, zone, default flag and working hours."""
    _require_council(acting_user, calendar.consortium_id)
    _check(timezone_name, hours)
    before = {**audit.snapshot(calendar), "hours": _hours_snapshot(calendar)}
    calendar.name, calendar.timezone, calendar.is_default = name, timezone_name, is_default
    calendar.updated_at = timezone.now()
    calendar.full_clean()
    _clear_other_defaults(calendar)
    calendar.save()
    _set_hours(calendar, hours)
    audit.record(
        acting_user,
        "servicedesk.calendar.updated",
        calendar,
        consortium_id=calendar.consortium_id,
        before=before,
        after={**audit.snapshot(calendar), "hours": _hours_snapshot(calendar)},
    )
    return calendar


@transaction.atomic
def do_add_holiday(
    calendar: BusinessCalendar,
    *,
    acting_user: User,
    date: dt.date,
    name: str,
) -> Holiday:
    """Enter one holiday by hand (a date already in the calendar is refused)."""
    _require_council(acting_user, calendar.consortium_id)
    if Holiday.objects.filter(calendar=calendar, date=date).exists():
        raise ValidationError({"date": _("%(date)s is already a holiday in this calendar.") % {"date": date}})
    holiday = Holiday.objects.create(calendar=calendar, date=date, name=name, source=HolidaySource.ENTERED)
    audit.record(
        acting_user,
        "servicedesk.holiday.added",
        holiday,
        consortium_id=calendar.consortium_id,
        after=audit.snapshot(holiday),
    )
    return holiday


@transaction.atomic
def do_remove_holiday(holiday: Holiday, *, acting_user: User) -> None:
    """Take a holiday out of its calendar."""
    calendar = holiday.calendar
    _require_council(acting_user, calendar.consortium_id)
    before = audit.snapshot(holiday)
    audit.record(
        acting_user,
        "servicedesk.holiday.removed",
        holiday,
        consortium_id=calendar.consortium_id,
        before=before,
    )
    holiday.delete()


def _add_many(
    calendar: BusinessCalendar, found: Iterable[tuple[dt.date, str]], source: str
) -> tuple[list[Holiday], int]:
    existing = set(Holiday.objects.filter(calendar=calendar).values_list("date", flat=True))
    new: dict[dt.date, str] = {}
    for day, name in found:
        if day not in existing and day not in new:
            new[day] = name
    rows = Holiday.objects.bulk_create(
        Holiday(calendar=calendar, date=d, name=n, source=source) for d, n in sorted(new.items())
    )
    return rows, len(existing & {d for d, _n in found})


@transaction.atomic
def do_import_holidays_ics(calendar: BusinessCalendar, data: bytes, *, acting_user: User) -> tuple[int, int]:
    """Add the all-day events of an .ics file as holidays, all or nothing; (added, already there)."""
    _require_council(acting_user, calendar.consortium_id)
    try:
        found = parse_ics_holidays(data)
    except ValueError as exc:
        raise ValidationError({"file": str(exc).splitlines()}) from None
    rows, skipped = _add_many(calendar, found, HolidaySource.IMPORTED)
    audit.record(
        acting_user,
        "servicedesk.holidays.imported",
        calendar,
        consortium_id=calendar.consortium_id,
        after={"added": [r.date.isoformat() for r in rows], "already": skipped},
    )
    return len(rows), skipped


@transaction.atomic
def do_generate_holidays(
    calendar: BusinessCalendar,
    *,
    acting_user: User,
    country: str,
    subdivision: str,
    first_year: int,
    last_year: int,
) -> tuple[int, int]:
    """Add a country's (and subdivision's) public holidays for the years; (added, already there)."""
    _require_council(acting_user, calendar.consortium_id)
    try:
        found = generated_holidays(country, subdivision, first_year, last_year)
    except ValueError as exc:
        field, _sep, message = str(exc).partition(": ")
        raise ValidationError({field: message}) from None
    rows, skipped = _add_many(calendar, found, HolidaySource.GENERATED)
    audit.record(
        acting_user,
        "servicedesk.holidays.generated",
        calendar,
        consortium_id=calendar.consortium_id,
        after={
            "country": country,
            "subdivision": subdivision,
            "years": [first_year, last_year],
            "added": len(rows),
            "already": skipped,
        },
    )
    return len(rows), skipped
