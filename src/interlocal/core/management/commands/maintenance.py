"""`interlocal maintenance`: the nightly housekeeping an installation needs (run it from cron).

- expired sessions are deleted (Django's clearsessions);
- the session register (accounts.UserSession) drops rows whose session is gone or past the
  absolute session limit, so "your sessions" lists only live ones;
- finished background-task results older than --task-days are pruned (database queue only);
- the nightly jobs modules register (core.registry.register_nightly_job; e.g. agreements'
  deadline reminders and expiries) run in order; one that fails is reported on stderr, the
  others still run, and the command exits 1 at the end;
- when INTERLOCAL_AUDIT_ANCHOR_PATH is set, the audit chain is verified and its head anchored
  (`interlocal audit anchor`; run that more often from cron for a shorter unanchored window).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from interlocal.core.registry import nightly_jobs


class Command(BaseCommand):
    help = "Delete expired sessions and stale session records, prune old task results."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--task-days",
            type=int,
            default=30,
            help="Keep finished task results this many days (default 30).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from interlocal.accounts.models import UserSession

        call_command("clearsessions")
        cutoff = timezone.now() - timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
        live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        stale, _ = UserSession.objects.exclude(session_key__in=live).delete()
        old, _ = UserSession.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"Session records removed: {stale + old}")

        backend = settings.TASKS["default"]["BACKEND"]
        if backend == "django_tasks_db.DatabaseBackend":
            call_command(
                "prune_db_task_results", queue_name="*", min_age_days=options["task_days"], stdout=self.stdout
            )
        else:
            self.stdout.write(f"Task results: nothing to prune ({backend} keeps none).")

        failed = []
        for job in nightly_jobs():
            try:
                self.stdout.write(f"{job.key}: {job.run()}")
            except Exception as exc:  # one module's failure must not stop the others' housekeeping
                failed.append(job.key)
                self.stderr.write(f"{job.key} failed: {exc!r}")

        # Last: a chain that no longer verifies stops here (exit 1) after the housekeeping is done.
        if settings.AUDIT_ANCHOR_PATH:
            call_command("audit", "anchor", stdout=self.stdout, stderr=self.stderr)
        if failed:
            raise CommandError(f"Nightly jobs failed: {', '.join(failed)}")
