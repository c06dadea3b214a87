"""Background tasks of agreements (django-tasks; `interlocal worker` runs them).

A scheduler (cron) enqueues `send_deadline_reminders` once a day, or runs
`interlocal agreements remind` (the nightly `interlocal maintenance` runs it too); sending twice
the same day sends nothing new.
"""

from __future__ import annotations

from django_tasks import task

from interlocal.agreements.actions import do_send_deadline_reminders

__all__ = ["send_deadline_reminders"]


@task()
def send_deadline_reminders() -> int:
    """E-mail the 90/30/7-day reminders of in-force agreements' notice deadlines and renewals (once each)."""
    return do_send_deadline_reminders()
