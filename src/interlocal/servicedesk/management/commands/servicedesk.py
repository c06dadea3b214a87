"""`interlocal servicedesk due INPUT.json`: a due instant or business minutes as JSON (docs/servicedesk.md)."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from interlocal.servicedesk.clock.spec import InputError, compute_due


class Command(BaseCommand):
    help = "Service desk: `due INPUT.json` prints the due instant (or business minutes) of a calendar."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        due_parser = actions.add_parser(
            "due",
            help="The due instant ({'due': ...}) or the business minutes to `end` of INPUT.json; JSON on stdout.",
        )
        due_parser.add_argument(
            "input", help="INPUT.json (the shape of docs/servicedesk.md), or - for stdin."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = compute_due(self._load(options["input"]))
        except InputError as exc:
            for line in exc.lines():
                self.stderr.write(line)
            sys.exit(2)
        self.stdout.write(json.dumps(result))

    def _load(self, path: str) -> Any:
        name = "<stdin>" if path == "-" else path
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise InputError([(name, f"cannot read: {reason}")]) from None
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            raise InputError(
                [(name, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")]
            ) from None
        except ValueError as exc:
            raise InputError([(name, str(exc))]) from None


def _refuse_constant(value: str) -> Any:
    raise ValueError(f"not valid JSON ({value} is not a JSON number)")
