"""`interlocal openapi`: print, write or check the committed OpenAPI document (docs/openapi.json)."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

__all__ = ["COMMITTED_SCHEMA", "Command", "render_schema"]

COMMITTED_SCHEMA = Path(settings.PROJECT_DIR) / "docs" / "openapi.json"


def render_schema() -> str:
    """The API's OpenAPI document as stable text: sorted keys, indent 2, trailing newline."""
    from interlocal.api import api

    schema: dict[str, Any] = api.get_openapi_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Print the OpenAPI document; --write updates docs/openapi.json, --check fails when it is stale."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--write", action="store_true", help=f"write {COMMITTED_SCHEMA}")
        mode.add_argument(
            "--check", action="store_true", help=f"exit 1 when {COMMITTED_SCHEMA} differs from the code"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        current = render_schema()
        if options["write"]:
            COMMITTED_SCHEMA.parent.mkdir(parents=True, exist_ok=True)
            COMMITTED_SCHEMA.write_text(current, encoding="utf-8")
            self.stdout.write(f"Wrote {COMMITTED_SCHEMA}")
            return
        if options["check"]:
            committed = COMMITTED_SCHEMA.read_text(encoding="utf-8") if COMMITTED_SCHEMA.exists() else ""
            if committed != current:
                diff = "".join(
                    difflib.unified_diff(
                        committed.splitlines(keepends=True),
                        current.splitlines(keepends=True),
                        "docs/openapi.json (committed)",
                        "openapi (from the code)",
                    )
                )
                self.stderr.write(diff[:20_000])
                raise CommandError(
                    "docs/openapi.json is out of date: run `interlocal openapi --write` and commit it."
                )
            self.stdout.write("docs/openapi.json is up to date.")
            return
        self.stdout.write(current, ending="")
