"""Service desk demo: a business calendar per demo region with generated public holidays.

Capitol Region (Connecticut): Mon-Fri 08:00-17:00 America/New_York, US/CT holidays 2026-2028.
MISA Prairies (Alberta): Mon-Fri 08:00-17:00 America/Edmonton, CA/AB holidays 2026-2028.
Idempotent: a calendar that already exists (by name) is left alone.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from interlocal.servicedesk.actions import do_create_calendar, do_generate_holidays
from interlocal.servicedesk.models import BusinessCalendar
from interlocal.tenancy.models import Consortium

ORDER = 47
OFFICE = {d: [(8 * 60, 17 * 60)] for d in range(5)}
YEARS = (2026, 2028)

CALENDARS: list[dict[str, Any]] = [
    {
        "consortium": "capitol-region",
        "admin": "alice@capitol.example.org",
        "name": "Connecticut office hours",
        "timezone": "America/New_York",
        "country": "US",
        "subdivision": "CT",
    },
    {
        "consortium": "misa-prairies",
        "admin": "pat@misa.example.org",
        "name": "Alberta office hours",
        "timezone": "America/Edmonton",
        "country": "CA",
        "subdivision": "AB",
    },
]


def load(stdout: Any = None) -> list[Any]:
    """Create the demo calendars with their holidays (nothing when they exist)."""
    from interlocal.accounts.models import User

    for spec in CALENDARS:
        consortium = Consortium.objects.filter(slug=spec["consortium"]).first()
        admin = User.objects.filter(email=spec["admin"]).first()
        if consortium is None or admin is None:
            continue
        if BusinessCalendar.objects.filter(consortium=consortium, name=spec["name"]).exists():
            continue
        _load_calendar(consortium, admin, spec)
    return []


@transaction.atomic
def _load_calendar(consortium: Consortium, admin: Any, spec: dict[str, Any]) -> None:
    calendar = do_create_calendar(
        consortium,
        acting_user=admin,
        name=spec["name"],
        timezone_name=spec["timezone"],
        hours=OFFICE,
        is_default=True,
    )
    do_generate_holidays(
        calendar,
        acting_user=admin,
        country=spec["country"],
        subdivision=spec["subdivision"],
        first_year=YEARS[0],
        last_year=YEARS[1],
    )
