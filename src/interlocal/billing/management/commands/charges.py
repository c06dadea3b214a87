"""`interlocal charges compute INPUT.json`: the charges of a billing period as JSON (docs/billing.md)."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from interlocal.billing.engine import InputError, compute


class Command(BaseCommand):
    help = "Charge engine: `compute INPUT.json` prints every participant's charge, exact to the cent."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        compute_parser = actions.add_parser(
            "compute", help="Apportion the amount of INPUT.json by its rule; JSON on stdout."
        )
        compute_parser.add_argument(
            "input", help="INPUT.json (the shape of docs/billing.md), or - for stdin."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = compute(self._load(options["input"]))
        except InputError as exc:
            for line in exc.lines():
                self.stderr.write(line)
            sys.exit(2)
        self.stdout.write(json.dumps(result, indent=2))

    def _load(self, path: str) -> Any:
        name = "<stdin>" if path == "-" else path
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise InputError([(name, f"cannot read: {reason}")]) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                [(name, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")]
            ) from None
        except RecursionError:
            raise InputError([(name, "not valid JSON (nested too deeply)")]) from None
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            raise InputError([(name, f"not valid JSON ({exc})")]) from None
