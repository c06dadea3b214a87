"""`interlocal allocate GAME.json --method METHOD`: allocate a shared cost and check its stability."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from interlocal.costing.engine import (
    GameError,
    allocate,
    check_core,
    parse_allocation,
    parse_blend,
    parse_game,
)
from interlocal.costing.engine.game import Game

METHOD_CHOICES = [
    "equal",
    "proportional",
    "blend",
    "base-fee-usage",
    "scrb",
    "shapley",
    "nucleolus",
    "least-core",
]


class Command(BaseCommand):
    help = (
        "Allocate the cost of a game (explicit table or structured model) and check the allocation is stable."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("game", help="GAME.json: an explicit game or a structured cost model.")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--method", choices=METHOD_CHOICES, help="The allocation rule.")
        action.add_argument("--check-core", metavar="ALLOCATION.json", help="Only check this allocation.")
        parser.add_argument(
            "--weights", help="For proportional: population, grand_list, units, standalone, ..."
        )
        parser.add_argument(
            "--blend",
            metavar="RULE=SHARE,...",
            help="For blend: e.g. 'proportional:grand_list=0.5,proportional:population=0.25,equal=0.25'",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            game = parse_game(self._load(options["game"]))
            if options["check_core"]:
                source = self._load(options["check_core"])
                x = parse_allocation(game, source)
                method = source.get("method", "given") if isinstance(source, dict) else "given"
            else:
                method = options["method"]
                if options["weights"] and method != "proportional":
                    raise GameError("--weights: only used with --method proportional")
                if options["blend"] and method != "blend":
                    raise GameError("--blend: only used with --method blend")
                parts = parse_blend(options["blend"]) if options["blend"] else None
                allocation = allocate(game, method, weights=options["weights"], parts=parts)
                x = parse_allocation(game, allocation)
            result = self.report(game, method, x)
        except GameError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            sys.exit(2)
        self.stdout.write(json.dumps(result, indent=2))

    @staticmethod
    def report(game: Game, method: str, x: Any) -> dict[str, Any]:
        check = check_core(game, x).as_dict()
        worst = check.get("most_dissatisfied")
        if isinstance(worst, dict) and isinstance(worst.get("excess"), float):
            worst["excess"] = _clean(worst["excess"])
        return {
            "method": method,
            "allocation": {p: _clean(v) for p, v in zip(game.players, x, strict=True)},
            "total": _clean(game.grand_cost()),
            "core": check,
        }

    @staticmethod
    def _load(path: str) -> Any:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise GameError(f"{path}: cannot read: {exc.strerror or exc}") from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise GameError(
                f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None


def _clean(value: Any) -> float:
    """Money to a millionth of a unit: drops float noise (117828.99999999999 -> 117829.0)."""
    return round(float(value), 6) + 0.0  # + 0.0 turns -0.0 into 0.0
