"""`interlocal audit verify` and `interlocal audit export`: the operator's tools for the trail."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from contextlib import nullcontext
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from interlocal import audit
from interlocal.audit.exporting import FORMATS, export_lines
from interlocal.audit.models import AuditEvent
from interlocal.audit.verify import verify_trail


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain, or export one consortium's events."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,export}")
        verify = sub.add_parser("verify", help="Check every event against the hash chain and the chain head.")
        verify.add_argument("--database", default=DEFAULT_DB_ALIAS)
        verify.add_argument("--chunk-size", type=int, default=2000, help="Rows fetched per round trip.")
        export = sub.add_parser("export", help="Write one consortium's events as CSV or JSON Lines.")
        export.add_argument("--consortium", type=int, required=True, help="Consortium id.")
        export.add_argument("--format", choices=sorted(FORMATS), default="csv")
        export.add_argument("file", help="Output file, or - for standard output.")
        export.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(options)
        else:
            self.export(options)

    def verify(self, options: dict[str, Any]) -> None:
        report = verify_trail(using=options["database"], chunk_size=options["chunk_size"])
        if report.problem is not None:
            self.stderr.write(f"FAILED after {report.checked} intact events: {report.problem.detail}")
            sys.exit(1)
        self.stdout.write(
            f"OK: {report.checked} events, chain intact (head {report.head_seq} {report.head_hash[:16]}…)"
        )

    def export(self, options: dict[str, Any]) -> None:
        from interlocal.tenancy.models import Consortium

        using, fmt = options["database"], options["format"]
        consortium = Consortium.objects.using(using).filter(pk=options["consortium"]).first()
        if consortium is None:
            raise CommandError(f"No consortium with id {options['consortium']}.")
        events = (
            AuditEvent.objects.using(using)
            .filter(consortium=consortium)
            .order_by("seq")
            .iterator(chunk_size=2000)
        )
        to_stdout = options["file"] == "-"
        count = 0
        with (
            nullcontext(sys.stdout)
            if to_stdout
            else open(options["file"], "w", encoding="utf-8", newline="") as out
        ):
            for line in export_lines(events, fmt):
                out.write(line)
                count += 1
        count -= 1 if fmt == "csv" else 0  # the header line
        audit.record(
            None,
            "audit.exported",
            consortium,
            actor_label="operator (command line)",
            after={"format": fmt, "events": count, "via": "cli"},
        )
        if not to_stdout:
            self.stdout.write(f"Exported {count} events of {consortium} to {options['file']}.")
