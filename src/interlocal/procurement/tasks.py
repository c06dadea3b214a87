"""Background tasks of procurement (django-tasks; `interlocal worker` runs them).

Opening bids whose opening time has come also runs from a scheduler (cron: `interlocal
procurement open-due` every minute); it is idempotent.
"""

from __future__ import annotations

from django_tasks import task

from interlocal.procurement.actions import open_due
from interlocal.procurement.actions import send_cutoff_reminders as send

__all__ = ["open_due_bids", "send_cutoff_reminders"]


@task()
def send_cutoff_reminders() -> int:
    """E-mail the members of open demand rounds whose cut-off is within 48 hours (once per round)."""
    return send()


@task()
def open_due_bids() -> list[int]:
    """Open every solicitation whose opening time has passed (server time); returns their ids."""
    return [s.pk for s in open_due()]
