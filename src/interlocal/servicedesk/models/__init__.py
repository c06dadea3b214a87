"""The service desk's data: business calendars (calendars.py) and tickets with SLA targets (tickets.py).

Every name stays importable from `interlocal.servicedesk.models`.
"""

from interlocal.servicedesk.models.calendars import (
    MINUTES_PER_DAY,
    BusinessCalendar,
    Holiday,
    HolidaySource,
    Weekday,
    WorkingHours,
)
from interlocal.servicedesk.models.tickets import (
    PAUSED_STATUSES,
    PRIORITY_MATRIX,
    TRANSITIONS,
    Level,
    Priority,
    SlaTarget,
    Status,
    Ticket,
    TicketCounter,
    TicketReply,
    TicketStatusChange,
    TicketType,
    TicketWatcher,
    priority_for,
)

__all__ = [
    "MINUTES_PER_DAY",
    "PAUSED_STATUSES",
    "PRIORITY_MATRIX",
    "TRANSITIONS",
    "BusinessCalendar",
    "Holiday",
    "HolidaySource",
    "Level",
    "Priority",
    "SlaTarget",
    "Status",
    "Ticket",
    "TicketCounter",
    "TicketReply",
    "TicketStatusChange",
    "TicketType",
    "TicketWatcher",
    "Weekday",
    "WorkingHours",
    "priority_for",
]
