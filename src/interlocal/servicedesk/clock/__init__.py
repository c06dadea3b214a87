"""The service desk's business clock: pure business-hours arithmetic (no Django).

See docs/servicedesk.md for the rules.
"""

from interlocal.servicedesk.clock.calendar import DAY_NAMES, Calendar, parse_clock_time
from interlocal.servicedesk.clock.engine import (
    Pause,
    add_business_time,
    business_seconds_between,
    elapsed,
    merge_pauses,
)
from interlocal.servicedesk.clock.status import WARNING_PERCENT, TargetStatus, target_status

__all__ = [
    "DAY_NAMES",
    "WARNING_PERCENT",
    "Calendar",
    "Pause",
    "TargetStatus",
    "add_business_time",
    "business_seconds_between",
    "elapsed",
    "merge_pauses",
    "parse_clock_time",
    "target_status",
]
