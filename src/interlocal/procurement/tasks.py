"""Background tasks of procurement (django-tasks; `interlocal worker` runs them).

A scheduler may also run `interlocal procurement open-due` (cron); since security issue 11 it
only reports the solicitations due for opening: opening takes two people (docs/procurement.md).
"""

from __future__ import annotations

from django_tasks import task

from interlocal.procurement.actions import due_for_opening
from interlocal.procurement.actions import send_cutoff_reminders as send

__all__ = ["due_openings", "send_cutoff_reminders"]


@task()
def send_cutoff_reminders() -> int:
    """E-mail the members of open demand rounds whose cut-off is within 48 hours (once per round)."""
    return send()


@task()
def due_openings() -> list[int]:
    """The ids of the still sealed solicitations whose opening time has passed (server time).

    It opens nothing: the council opens them with a witness (do_open_bids)."""
    return [s.pk for s in due_for_opening()]
