"""The agreements' scheduled work, as one-line summaries for `interlocal agreements` and the
nightly `interlocal maintenance` (registered in apps.py)."""

from __future__ import annotations

import datetime as dt

from interlocal.agreements.actions import do_expire_due_agreements, do_send_deadline_reminders

__all__ = ["expire", "remind"]


def remind(today: dt.date | None = None) -> str:
    """Send the deadline reminders due today; says how many were sent."""
    return f"{do_send_deadline_reminders(today)} deadline reminder(s) sent"


def expire(today: dt.date | None = None) -> str:
    """Renew or expire the agreements whose term has ended; says how many of each."""
    run = do_expire_due_agreements(today)
    return f"{run.renewed} agreement(s) renewed, {run.expired} expired"
