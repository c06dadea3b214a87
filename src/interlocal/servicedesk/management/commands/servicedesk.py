"""`interlocal servicedesk due INPUT.json`: a due instant or business minutes as JSON (docs/servicedesk.md)."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from interlocal.lib.jsonfile import JsonFileError, read_json
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
        try:
            return read_json(path)
        except JsonFileError as exc:
            raise InputError([(exc.name, exc.reason)]) from None
