"""`interlocal audit verify`, `anchor` and `export`: the operator's tools for the trail."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from interlocal import audit
from interlocal.audit.anchoring import AnchorError, append_anchor, log_anchor, read_anchors
from interlocal.audit.chain import Anchor
from interlocal.audit.exporting import FORMATS, export_lines
from interlocal.audit.models import AuditEvent
from interlocal.audit.verify import TrailReport, verify_trail


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain, anchor its head outside the database, or export events."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,anchor,export}")
        verify = sub.add_parser(
            "verify", help="Check every event against the keyed hash chain, the chain head and the anchors."
        )
        verify.add_argument("--database", default=DEFAULT_DB_ALIAS)
        verify.add_argument("--chunk-size", type=int, default=2000, help="Rows fetched per round trip.")
        verify.add_argument(
            "--anchor",
            metavar="FILE",
            help="Anchor file to check against (default: INTERLOCAL_AUDIT_ANCHOR_PATH when it exists).",
        )
        verify.add_argument("--no-anchor", action="store_true", help="Check the chain without anchors.")
        anchor = sub.add_parser(
            "anchor",
            help="Verify the chain, then log its head and append it to the anchor file.",
        )
        anchor.add_argument("--file", help="Anchor file (default: INTERLOCAL_AUDIT_ANCHOR_PATH).")
        anchor.add_argument("--database", default=DEFAULT_DB_ALIAS)
        export = sub.add_parser("export", help="Write one consortium's events as CSV or JSON Lines.")
        export.add_argument("--consortium", type=int, required=True, help="Consortium id.")
        export.add_argument("--format", choices=sorted(FORMATS), default="csv")
        export.add_argument("file", help="Output file, or - for standard output.")
        export.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(options)
        elif options["subcommand"] == "anchor":
            self.anchor(options)
        else:
            self.export(options)

    def _anchors(self, path: str) -> list[Anchor]:
        try:
            return read_anchors(path)
        except AnchorError as exc:
            raise CommandError(str(exc)) from None

    def _fail(self, report: TrailReport) -> None:
        assert report.problem is not None  # noqa: S101 - narrowing for mypy
        self.stderr.write(f"FAILED after {report.checked} intact events: {report.problem.detail}")
        sys.exit(1)

    def verify(self, options: dict[str, Any]) -> None:
        path = options["anchor"]
        if path is None and not options["no_anchor"] and settings.AUDIT_ANCHOR_PATH:
            path = settings.AUDIT_ANCHOR_PATH if Path(settings.AUDIT_ANCHOR_PATH).exists() else None
        anchors = self._anchors(path) if path and not options["no_anchor"] else []
        report = verify_trail(using=options["database"], chunk_size=options["chunk_size"], anchors=anchors)
        if report.problem is not None:
            self._fail(report)
        against = f", {len(anchors)} anchors agree ({path})" if path and not options["no_anchor"] else ""
        self.stdout.write(
            f"OK: {report.checked} events, chain intact (head {report.head_seq} {report.head_hash[:16]}…){against}"
        )

    def anchor(self, options: dict[str, Any]) -> None:
        path = options["file"] or settings.AUDIT_ANCHOR_PATH
        if not path:
            raise CommandError("Give --file or set INTERLOCAL_AUDIT_ANCHOR_PATH.")
        using = options["database"]
        earlier = self._anchors(path) if Path(path).exists() else []
        # Anchoring a chain that no longer verifies would vouch for the tampering.
        report = verify_trail(using=using, anchors=earlier)
        if report.problem is not None:
            self._fail(report)
        # The head as verified; an event recorded meanwhile is left to the next anchor.
        anchor = Anchor(report.head_seq, report.head_hash, report.head_key_id, timezone.now().isoformat())
        append_anchor(path, anchor)
        log_anchor(anchor)
        self.stdout.write(f"Anchored event {anchor.seq} {anchor.hash[:16]}… ({anchor.key_id}) in {path}.")

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
