"""Calendar actions: the council creates and edits calendars and holidays; others are refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.audit.models import AuditEvent
from interlocal.servicedesk.actions import (
    do_add_holiday,
    do_create_calendar,
    do_generate_holidays,
    do_import_holidays_ics,
    do_remove_holiday,
    do_update_calendar,
)
from interlocal.servicedesk.models import Holiday, HolidaySource
from interlocal.servicedesk.queries import clock_calendar
from tests.servicedesk.test_calendars import ICS

OFFICE = {d: [(8 * 60, 12 * 60), (13 * 60, 17 * 60)] for d in range(5)}


def _calendar(world: Any) -> Any:
    return do_create_calendar(
        world.capitol, acting_user=world.sam, name="Office", timezone_name="America/New_York", hours=OFFICE
    )


@pytest.mark.django_db
def test_council_creates_and_edits_a_calendar(world: Any) -> None:
    cal = _calendar(world)
    assert clock_calendar(cal).week == 40 * 3600 * 1_000_000
    do_update_calendar(
        cal,
        acting_user=world.alice,
        name="Office",
        timezone_name="America/Edmonton",
        hours=OFFICE,
        is_default=True,
    )
    cal.refresh_from_db()
    assert cal.is_default and cal.timezone == "America/Edmonton"
    assert AuditEvent.objects.filter(action__startswith="servicedesk.calendar.").count() == 2


@pytest.mark.django_db
def test_bad_calendars_change_nothing(world: Any) -> None:
    with pytest.raises(ValidationError, match="overlaps"):
        do_create_calendar(
            world.capitol,
            acting_user=world.sam,
            name="Bad",
            timezone_name="America/New_York",
            hours={0: [(480, 720), (700, 900)]},
        )
    with pytest.raises(ValidationError, match="not a known time zone"):
        do_create_calendar(
            world.capitol, acting_user=world.sam, name="Bad", timezone_name="Nowhere", hours={}
        )
    with pytest.raises(PermissionDenied):
        do_create_calendar(world.capitol, acting_user=world.bob, name="X", timezone_name="UTC", hours={})


@pytest.mark.django_db
def test_holidays_entered_imported_generated_removed(world: Any) -> None:
    cal = _calendar(world)
    h = do_add_holiday(cal, acting_user=world.sam, date=dt.date(2027, 1, 1), name="New Year")
    with pytest.raises(ValidationError, match="already a holiday"):
        do_add_holiday(cal, acting_user=world.sam, date=dt.date(2027, 1, 1), name="Again")
    assert do_import_holidays_ics(cal, ICS, acting_user=world.sam) == (2, 1)
    added, already = do_generate_holidays(
        cal, acting_user=world.sam, country="US", subdivision="CT", first_year=2027, last_year=2027
    )
    assert added > 10 and already >= 1
    assert Holiday.objects.filter(calendar=cal, source=HolidaySource.GENERATED).exists()
    count = Holiday.objects.filter(calendar=cal).count()
    with pytest.raises(ValidationError) as err:
        do_import_holidays_ics(
            cal, ICS.replace(b"VALUE=DATE:20270101", b"VALUE=DATE:2027"), acting_user=world.sam
        )
    assert "file" in err.value.message_dict
    with pytest.raises(ValidationError, match="not a subdivision"):
        do_generate_holidays(
            cal, acting_user=world.sam, country="US", subdivision="ZZ", first_year=2027, last_year=2027
        )
    assert Holiday.objects.filter(calendar=cal).count() == count
    with pytest.raises(PermissionDenied):
        do_remove_holiday(h, acting_user=world.carol)
    do_remove_holiday(h, acting_user=world.sam)
    assert not Holiday.objects.filter(pk=h.pk).exists()
