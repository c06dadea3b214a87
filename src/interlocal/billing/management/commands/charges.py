"""`interlocal charges compute INPUT.json`: the charges of a billing period as JSON (docs/billing.md)."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from interlocal.billing.engine import InputError, compute
from interlocal.lib.jsonfile import JsonFileError, read_json


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
        try:
            return read_json(path)
        except JsonFileError as exc:
            raise InputError([(exc.name, exc.reason)]) from None
