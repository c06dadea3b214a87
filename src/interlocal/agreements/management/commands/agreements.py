"""`interlocal agreements remind | expire`: the agreements' scheduled work.

- `remind` e-mails the 90/30/7-day reminders of in-force agreements' notice deadlines and
  renewal dates (each once);
- `expire` ends the terms that are over: agreements that renew automatically are renewed,
  the others are marked expired.
Both are safe to run again and again, and `interlocal maintenance` runs both every night.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interlocal.agreements import nightly


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today: {value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Agreements tasks for schedulers. Subcommands: remind, expire."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, text in (
            ("remind", "E-mail the notice-deadline and renewal reminders due today (each once)."),
            ("expire", "Renew (automatic renewal) or expire the in-force agreements whose term has ended."),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("--today", type=_date, default=None, help="Run as on this day (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        run = nightly.remind if options["subcommand"] == "remind" else nightly.expire
        self.stdout.write(self.style.SUCCESS(run(options["today"])))
