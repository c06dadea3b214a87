"""Read paths of the service desk: calendars (calendars.py) and tickets with their SLA clocks (tickets.py).

Other apps read the desk only through this package; every name stays importable from it.
"""

from interlocal.servicedesk.queries.calendars import (
    calendars_visible_to,
    can_manage_calendars,
    clock_calendar,
    clock_hours,
    default_calendar,
    get_calendar_for_user,
    get_holiday_for_user,
    holidays_by_year,
    hours_by_weekday,
)
from interlocal.servicedesk.queries.tickets import (
    REOPEN_DAYS,
    ClockState,
    SlaStatus,
    TicketDetail,
    can_change_status,
    can_raise_ticket,
    can_reply,
    get_ticket_for_user,
    is_provider_staff,
    pauses_of,
    sla_status,
    sla_statuses,
    sla_target_for,
    target_calendar,
    ticket_detail,
    tickets_visible_to,
)

__all__ = [
    "REOPEN_DAYS",
    "ClockState",
    "SlaStatus",
    "TicketDetail",
    "calendars_visible_to",
    "can_change_status",
    "can_manage_calendars",
    "can_raise_ticket",
    "can_reply",
    "clock_calendar",
    "clock_hours",
    "default_calendar",
    "get_calendar_for_user",
    "get_holiday_for_user",
    "get_ticket_for_user",
    "holidays_by_year",
    "hours_by_weekday",
    "is_provider_staff",
    "pauses_of",
    "sla_status",
    "sla_statuses",
    "sla_target_for",
    "target_calendar",
    "ticket_detail",
    "tickets_visible_to",
]
