"""Where a target stands: business time used, percent, warning at 75 %, breach."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from interlocal.servicedesk.clock.calendar import Calendar
from interlocal.servicedesk.clock.engine import Pause, add_business_time, elapsed

__all__ = ["WARNING_PERCENT", "TargetStatus", "target_status"]

WARNING_PERCENT = 75


@dataclass(frozen=True)
class TargetStatus:
    """A target's state at one instant."""

    target_seconds: float
    elapsed_seconds: float
    percent_used: float
    due: dt.datetime
    warning: bool
    breached: bool

    @property
    def remaining_seconds(self) -> float:
        """Business seconds left before the target is due (0 once it is)."""
        return max(0.0, self.target_seconds - self.elapsed_seconds)


def target_status(
    calendar: Calendar,
    start: dt.datetime,
    target_seconds: float,
    now: dt.datetime,
    pauses: Sequence[Pause] = (),
) -> TargetStatus:
    """The status at `now` of a target of `target_seconds` business seconds from `start`.

    Met while `now` is not after the due instant (an answer at the due instant meets it);
    breached after it, even outside business hours; a warning from 75 % used until then.
    Open pauses (to=None) count as running until `now`, so the due instant assumes the clock
    restarts now.
    """
    if target_seconds <= 0:
        raise ValueError(f"target: {target_seconds} must be a positive number of seconds")
    used = elapsed(calendar, start, now, pauses)
    closed = [(a, b if b is not None else max(a, now)) for a, b in pauses]
    due = add_business_time(calendar, start, target_seconds, pauses=closed)
    percent = used / target_seconds * 100
    breached = now > due
    return TargetStatus(
        target_seconds=target_seconds,
        elapsed_seconds=used,
        percent_used=percent,
        due=due,
        warning=not breached and percent >= WARNING_PERCENT,
        breached=breached,
    )
