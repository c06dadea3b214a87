"""`interlocal procurement open-due | cutoff-reminders`: scheduled procurement work.

- `open-due` opens the sealed bids of every solicitation that is due (cron: every minute);
- `cutoff-reminders` e-mails the participants of demand rounds whose cut-off is within 48 hours
  (cron: hourly).
Both are safe to run again and again: a solicitation opens once, a round is reminded once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Procurement tasks for schedulers. Subcommands: open-due, cutoff-reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("open-due", help="Open bids whose opening time has passed (server time).")
        sub.add_parser("cutoff-reminders", help="Remind members of demand rounds closing within 48 hours.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "cutoff-reminders":
            from interlocal.procurement.actions import send_cutoff_reminders

            self.stdout.write(self.style.SUCCESS(f"{send_cutoff_reminders()} reminder(s) sent"))
            return
        if options["subcommand"] == "open-due":
            from interlocal.procurement.actions import open_due

            opened = open_due()
            for solicitation in opened:
                self.stdout.write(f"opened {solicitation.reference_number} {solicitation.title}")
            self.stdout.write(self.style.SUCCESS(f"{len(opened)} solicitation(s) opened"))
