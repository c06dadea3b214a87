"""`interlocal assessment_reminders`: e-mail members who have not submitted before a campaign's
deadline (run it from cron, e.g. hourly; each reminder goes out once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Send the due deadline reminders of open needs-assessment campaigns (each one once)."

    def handle(self, *args: Any, **options: Any) -> None:
        from interlocal.assessment.tasks import send_due_reminders

        run = send_due_reminders()
        self.stdout.write(
            f"Open campaigns: {run.campaigns}; members reminded: {run.reminded}; e-mails queued: {run.emails}"
        )
