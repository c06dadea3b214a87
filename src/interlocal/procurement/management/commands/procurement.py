"""`interlocal procurement open-due | cutoff-reminders`: scheduled procurement work.

- `open-due` lists the solicitations due for opening; it opens nothing, since an opening takes
  an opener and a witness (security issue 11; docs/procurement.md);
- `cutoff-reminders` e-mails the participants of demand rounds whose cut-off is within 48 hours
  (cron: hourly).
Both are safe to run again and again: a round is reminded once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Procurement tasks for schedulers. Subcommands: open-due, cutoff-reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser(
            "open-due",
            help="List sealed bids whose opening time has passed (they need an opener and a witness).",
        )
        sub.add_parser("cutoff-reminders", help="Remind members of demand rounds closing within 48 hours.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "cutoff-reminders":
            from interlocal.procurement.actions import send_cutoff_reminders

            self.stdout.write(self.style.SUCCESS(f"{send_cutoff_reminders()} reminder(s) sent"))
            return
        if options["subcommand"] == "open-due":
            from interlocal.procurement.actions import due_for_opening

            due = due_for_opening()
            for solicitation in due:
                self.stdout.write(f"due {solicitation.reference_number} {solicitation.title}")
            self.stdout.write(
                self.style.SUCCESS(f"{len(due)} solicitation(s) due for opening by an opener and a witness")
            )
