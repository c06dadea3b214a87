"""QuerySets of the service desk; who sees what is declared on each model's `Tenancy`.

Imports none of this app's models (models.py imports these).
"""

from __future__ import annotations

from typing import Any

from interlocal.tenancy.scoping import ScopedQuerySet

__all__ = ["CalendarQuerySet", "HolidayQuerySet", "WorkingHoursQuerySet"]


class CalendarQuerySet(ScopedQuerySet[Any]):
    """Business calendars: consortium-owned; read in the consortium, written by its council."""


class WorkingHoursQuerySet(ScopedQuerySet[Any]):
    """A calendar's working intervals: as their calendar."""


class HolidayQuerySet(ScopedQuerySet[Any]):
    """A calendar's holidays: as their calendar."""
