"""`interlocal ocds export --consortium ID FILE.json` and `interlocal ocds validate FILE.json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interlocal.procurement import publication
from interlocal.procurement.ocds import stream_release_package, validation_errors


class Command(BaseCommand):
    help = "Export published contracting processes as an OCDS release package, or validate a package."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write a release package (FILE, or - for standard output).")
        export.add_argument("--consortium", type=int, required=True, help="Consortium id.")
        export.add_argument("file")
        check = sub.add_parser("validate", help="Validate a release or record package against OCDS 1.1.5.")
        check.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self._export(options["consortium"], options["file"])
        else:
            self._validate(options["file"])

    def _export(self, consortium_id: int, path: str) -> None:
        if not publication.consortium_exists(consortium_id):
            raise CommandError(f"There is no consortium with id {consortium_id}.")
        chunks = stream_release_package(publication.releases(consortium_id), **publication.package_header())
        count = 0
        if path == "-":
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
                count += 1
            return
        # Written next to the target and renamed at the end: a failed export leaves no half file.
        target = Path(path)
        partial = target.with_name(f".{target.name}.partial")
        try:
            with partial.open("w", encoding="utf-8") as out:
                for chunk in chunks:
                    out.write(chunk)
                    count += 1
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        self.stderr.write(f"Wrote {max(count - 2, 0)} releases to {path}")

    def _validate(self, path: str) -> None:
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: not readable JSON ({exc})") from exc
        kind = "record-package" if isinstance(data, dict) and "records" in data else "release-package"
        problems = validation_errors(data, kind)  # type: ignore[arg-type]
        if problems:
            for problem in problems:
                self.stderr.write(f"{path}: {problem}")
            raise CommandError(f"{path}: not a valid OCDS 1.1 {kind} ({len(problems)} problems shown)")
        self.stdout.write(f"{path}: valid OCDS 1.1 {kind}")
