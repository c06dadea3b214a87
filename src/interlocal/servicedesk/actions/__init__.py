"""Write paths of the service desk: calendars (calendars.py) and tickets (tickets.py).

Every name stays importable from `interlocal.servicedesk.actions`.
"""

from interlocal.servicedesk.actions.calendars import (
    Hours,
    do_add_holiday,
    do_create_calendar,
    do_generate_holidays,
    do_import_holidays_ics,
    do_remove_holiday,
    do_update_calendar,
)
from interlocal.servicedesk.actions.tickets import (
    do_assign,
    do_change_status,
    do_create_ticket,
    do_reply,
    do_set_sla_target,
    do_watch,
)

__all__ = [
    "Hours",
    "do_add_holiday",
    "do_assign",
    "do_change_status",
    "do_create_calendar",
    "do_create_ticket",
    "do_generate_holidays",
    "do_import_holidays_ics",
    "do_remove_holiday",
    "do_reply",
    "do_set_sla_target",
    "do_update_calendar",
    "do_watch",
]
