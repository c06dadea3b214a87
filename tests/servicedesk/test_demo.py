"""The service desk demo: a Connecticut and an Alberta calendar with holidays; idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from interlocal.servicedesk import demo as servicedesk_demo
from interlocal.servicedesk.models import BusinessCalendar, Holiday
from interlocal.servicedesk.queries import clock_calendar
from interlocal.tenancy import demo as tenancy_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_calendars_and_is_idempotent() -> None:
    tenancy_demo.load()
    servicedesk_demo.load()
    ct = BusinessCalendar.objects.get(consortium__slug="capitol-region")
    ab = BusinessCalendar.objects.get(consortium__slug="misa-prairies")
    assert (ct.timezone, ab.timezone) == ("America/New_York", "America/Edmonton")
    assert dt.date(2027, 2, 12) in clock_calendar(ct).holidays  # Lincoln's Birthday (CT)
    assert dt.date(2028, 2, 21) in clock_calendar(ab).holidays  # Family Day (AB)
    count = Holiday.objects.count()
    servicedesk_demo.load()
    assert Holiday.objects.count() == count
    assert BusinessCalendar.objects.count() == 2


def test_demo_tickets_for_avon_and_bolton() -> None:
    tenancy_demo.load()
    servicedesk_demo.load()
    servicedesk_demo.load()
    from interlocal.servicedesk.models import Status, Ticket

    tickets = Ticket.objects.filter(consortium__slug="capitol-region")
    assert tickets.count() == 4
    assert set(tickets.values_list("member__slug", flat=True)) == {"avon-ct", "bolton-ct"}
    assert tickets.filter(status=Status.WAITING_MEMBER).count() == 1
    assert all(t.resolution_due is not None for t in tickets)
