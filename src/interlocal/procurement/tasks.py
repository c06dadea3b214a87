"""Background tasks of procurement planning (django-tasks; `interlocal worker` runs them)."""

from __future__ import annotations

from django_tasks import task

__all__ = ["send_cutoff_reminders"]


@task()
def send_cutoff_reminders() -> int:
    """E-mail the members of open demand rounds whose cut-off is within 48 hours (once per round)."""
    from interlocal.procurement.actions import send_cutoff_reminders as send

    return send()
