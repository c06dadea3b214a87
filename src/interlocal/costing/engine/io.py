"""Reading games and allocations from the JSON formats of docs/costing.md, with located messages."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .game import ExplicitGame, Game, GameError, Player, StructuredModel

__all__ = ["parse_allocation", "parse_game"]

_PLAYER_FIELDS = {"name", "units", "member_cost", "service_level", "population", "grand_list"}


def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float)


def _optional(obj: dict[str, Any], key: str, where: str, default: float, problems: list[str]) -> float:
    value = obj.get(key, default)
    if value is None:
        return default
    if not _number(value) or not math.isfinite(value):
        problems.append(f"{where}{key}: must be a number")
        return default
    return float(value)


def _whole(value: Any) -> bool:
    return _number(value) and math.isfinite(value) and float(value).is_integer() and value >= 0


def parse_game(data: Any) -> Game:
    """An explicit game (players are names) or a structured model (players are objects)."""
    if not isinstance(data, dict):
        raise GameError("game: must be a JSON object with 'players'")
    players = data.get("players")
    if not isinstance(players, list) or not players:
        raise GameError("players: must be a non-empty list")
    if all(isinstance(p, str) for p in players):
        return _parse_explicit(data, players)
    if all(isinstance(p, dict) for p in players):
        return _parse_structured(data, players)
    raise GameError("players: must be all names (an explicit game) or all objects (a structured model)")


def _parse_explicit(data: dict[str, Any], players: list[str]) -> ExplicitGame:
    coalitions = data.get("coalitions")
    if not isinstance(coalitions, list):
        raise GameError("coalitions: an explicit game needs a list of {members, cost}")
    problems: list[str] = []
    entries: list[tuple[list[str], float]] = []
    for k, entry in enumerate(coalitions):
        if not isinstance(entry, dict):
            problems.append(f"coalitions[{k}]: must be an object with members and cost")
            continue
        members, cost = entry.get("members"), entry.get("cost")
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            problems.append(f"coalitions[{k}].members: must be a list of player names")
            continue
        if cost is None:
            problems.append(f"coalitions[{k}].cost: missing")
            continue
        entries.append((members, cost))
    if problems:
        raise GameError(problems)
    return ExplicitGame.from_coalitions(players, entries)


def _parse_structured(data: dict[str, Any], players: list[dict[str, Any]]) -> StructuredModel:
    problems: list[str] = []
    parsed: list[Player] = []
    for k, p in enumerate(players):
        where = f"players[{k}]."
        name = p.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}name: must be a non-empty name")
            name = f"#{k}"
        units = p.get("units", 0)
        if not _whole(units):
            problems.append(f"{where}units: must be a whole number ≥ 0")
            units = 0
        fields = {
            key: _optional(p, key, where, 0.0, problems)
            for key in ("member_cost", "service_level", "population", "grand_list")
        }
        extra = {
            key: float(value)
            for key, value in p.items()
            if key not in _PLAYER_FIELDS and _number(value) and math.isfinite(value)
        }
        parsed.append(Player(name=name, units=int(units), extra=extra, **fields))
    variable = data.get("variable") or {}
    coordination = data.get("coordination") or {}
    for key, obj in (("variable", variable), ("coordination", coordination)):
        if not isinstance(obj, dict):
            problems.append(f"{key}: must be an object")
    if not isinstance(variable, dict):
        variable = {}
    if not isinstance(coordination, dict):
        coordination = {}
    platform = _optional(data, "platform_cost", "", 0.0, problems)
    price = _optional(variable, "price", "variable.", 0.0, problems)
    exponent = _optional(variable, "exponent", "variable.", 1.0, problems)
    base = _optional(coordination, "base", "coordination.", 0.0, problems)
    gamma = _optional(coordination, "exponent", "coordination.", 1.0, problems)
    try:
        model = StructuredModel(
            parsed,
            platform_cost=platform,
            price=price,
            exponent=exponent,
            coordination_base=base,
            coordination_exponent=gamma,
        )
    except GameError as exc:
        # report the model's range checks alongside the type errors found above, once each
        problems += [
            p for p in exc.problems if p not in problems and p.split(":")[0] + ":" not in _prefixes(problems)
        ]
    if problems:
        raise GameError(problems)
    return model


def _prefixes(problems: list[str]) -> set[str]:
    return {p.split(":")[0] + ":" for p in problems}


def parse_allocation(game: Game, data: Any) -> np.ndarray:
    """{"allocation": {player: amount}} (the allocate command's output) or a bare {player: amount}."""
    if isinstance(data, dict) and isinstance(data.get("allocation"), dict):
        data = data["allocation"]
    if not isinstance(data, dict):
        raise GameError("allocation: must be an object mapping each player to an amount")
    problems = [f"allocation.{key}: not a player of this game" for key in data if key not in game.players]
    x = np.zeros(game.n)
    for i, p in enumerate(game.players):
        if p not in data:
            problems.append(f"allocation.{p}: missing")
        elif not _number(data[p]) or not math.isfinite(data[p]):
            problems.append(f"allocation.{p}: must be a number")
        else:
            x[i] = float(data[p])
    if problems:
        raise GameError(problems)
    grand = game.grand_cost()
    if abs(x.sum() - grand) > 1e-6 * max(1.0, abs(grand)):
        raise GameError(f"allocation: amounts add up to {x.sum():.6g}, but the whole group costs {grand:.6g}")
    return x
