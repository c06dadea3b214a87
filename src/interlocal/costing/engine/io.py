"""Reading games and allocations from the JSON formats of docs/costing.md, with located messages."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .game import TIER_MODES, ExplicitGame, Game, GameError, Player, StructuredModel, Tier
from .uncertainty import Estimate, UncertainModel, UncertainPlayer

__all__ = ["parse_allocation", "parse_game", "parse_uncertain_model"]

_PLAYER_FIELDS = {"name", "units", "member_cost", "service_level", "population", "grand_list", "standalone"}


def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float)


def _is_estimate(value: Any) -> bool:
    return isinstance(value, dict) and {"low", "likely", "high"} <= set(value)


def _estimate(value: Any, where: str, problems: list[str]) -> Estimate | None:
    """A number, or {"low": .., "likely": .., "high": ..}; None (with a problem noted) otherwise."""
    if _number(value) and math.isfinite(value):
        return Estimate.exact(float(value))
    if isinstance(value, dict):
        parts: list[Any] = [value.get(k) for k in ("low", "likely", "high")]
        if not all(_number(v) and math.isfinite(v) for v in parts):
            problems.append(f"{where}: low, likely and high must all be numbers")
            return None
        try:
            return Estimate(*(float(v) for v in parts))
        except GameError:
            problems.append(
                f"{where}: needs low ≤ likely ≤ high, got {parts[0]:g}, {parts[1]:g}, {parts[2]:g}"
            )
            return None
    problems.append(f"{where}: must be a number or {{low, likely, high}}")
    return None


def _optional_estimate(
    obj: dict[str, Any], key: str, where: str, default: float, problems: list[str]
) -> Estimate:
    value = obj.get(key)
    if value is None:
        return Estimate.exact(default)
    return _estimate(value, f"{where}{key}", problems) or Estimate.exact(default)


def _optional(obj: dict[str, Any], key: str, where: str, default: float, problems: list[str]) -> float:
    """The number (or an estimate's likely value) at obj[key]."""
    return _optional_estimate(obj, key, where, default, problems).likely


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


def _parse_tiers(variable: dict[str, Any], problems: list[str]) -> tuple[list[Tier] | None, str]:
    tiers = variable.get("tiers")
    mode = variable.get("mode", "all_units")
    if tiers is None:
        return None, "all_units"
    if not isinstance(mode, str) or mode not in TIER_MODES:
        problems.append(f"variable.mode: must be one of {', '.join(TIER_MODES)}")
        mode = "all_units"
    if not isinstance(tiers, list) or not tiers:
        problems.append("variable.tiers: must be a non-empty list of {up_to, unit_price}")
        return None, mode
    parsed: list[Tier] = []
    for k, tier in enumerate(tiers):
        where = f"variable.tiers[{k}]."
        if not isinstance(tier, dict):
            problems.append(f"variable.tiers[{k}]: must be an object with up_to and unit_price")
            continue
        up_to = tier.get("up_to")
        if up_to is not None:
            up_to = _optional(tier, "up_to", where, 0.0, problems)
        if tier.get("unit_price") is None:
            problems.append(f"{where}unit_price: missing")
        parsed.append(Tier(up_to=up_to, unit_price=_optional(tier, "unit_price", where, 0.0, problems)))
    return parsed, mode


def _structured_parts(
    data: dict[str, Any], players: list[dict[str, Any]], problems: list[str], *, whole_units: bool
) -> tuple[list[UncertainPlayer], dict[str, Estimate], list[Tier] | None, str]:
    """Players and model inputs as estimates (plain numbers become exact estimates).

    With whole_units (the exact algorithms), each player's likely units must be a whole number.
    """
    parsed: list[UncertainPlayer] = []
    for k, p in enumerate(players):
        where = f"players[{k}]."
        name = p.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}name: must be a non-empty name")
            name = f"#{k}"
        fields = {
            key: _optional_estimate(p, key, where, 0.0, problems)
            for key in ("units", "member_cost", "service_level", "standalone")
        }
        if whole_units and not _whole(fields["units"].likely):
            problems.append(f"{where}units: must be a whole number ≥ 0")
            fields["units"] = Estimate.exact(0)
        weights: dict[str, float] = {}
        for key in ("population", "grand_list"):
            weights[key] = _optional(p, key, where, 0.0, problems)
        for key, value in p.items():
            if key in _PLAYER_FIELDS:
                continue
            if _number(value) and math.isfinite(value):
                weights[key] = float(value)
            elif _is_estimate(value):
                est = _estimate(value, f"{where}{key}", problems)
                if est is not None:
                    weights[key] = est.likely
        parsed.append(UncertainPlayer(name=name, weights=weights, **fields))
    variable = data.get("variable") or {}
    coordination = data.get("coordination") or {}
    for key, obj in (("variable", variable), ("coordination", coordination)):
        if not isinstance(obj, dict):
            problems.append(f"{key}: must be an object")
    if not isinstance(variable, dict):
        variable = {}
    if not isinstance(coordination, dict):
        coordination = {}
    tiers, mode = _parse_tiers(variable, problems)
    inputs = {
        "platform_cost": _optional_estimate(data, "platform_cost", "", 0.0, problems),
        "price": _optional_estimate(variable, "price", "variable.", 0.0, problems),
        "exponent": _optional_estimate(variable, "exponent", "variable.", 1.0, problems),
        "coordination_base": _optional_estimate(coordination, "base", "coordination.", 0.0, problems),
        "coordination_exponent": _optional_estimate(coordination, "exponent", "coordination.", 1.0, problems),
    }
    return parsed, inputs, tiers, mode


def _merge(problems: list[str], exc: GameError) -> None:
    # report the model's range checks alongside the type errors found above, once each
    problems += [
        p for p in exc.problems if p not in problems and p.split(":")[0] + ":" not in _prefixes(problems)
    ]


def _parse_structured(data: dict[str, Any], players: list[dict[str, Any]]) -> StructuredModel:
    problems: list[str] = []
    uncertain, inputs, tiers, mode = _structured_parts(data, players, problems, whole_units=True)
    parsed: list[Player] = []
    for p in uncertain:
        units = p.units.likely
        weights = dict(p.weights)
        parsed.append(
            Player(
                name=p.name,
                units=int(units),
                member_cost=p.member_cost.likely,
                service_level=p.service_level.likely,
                population=weights.pop("population", 0.0),
                grand_list=weights.pop("grand_list", 0.0),
                extra=weights,
            )
        )
    try:
        model = StructuredModel(
            parsed,
            platform_cost=inputs["platform_cost"].likely,
            price=inputs["price"].likely,
            exponent=inputs["exponent"].likely,
            coordination_base=inputs["coordination_base"].likely,
            coordination_exponent=inputs["coordination_exponent"].likely,
            tiers=tiers,
            tier_mode=mode,
        )
    except GameError as exc:
        _merge(problems, exc)
    if problems:
        raise GameError(problems)
    return model


def parse_uncertain_model(data: Any) -> UncertainModel:
    """A structured model whose numbers may be {"low", "likely", "high"} (for simulate_savings, tornado).

    Players may record their current stand-alone spend as `standalone`.
    """
    if not isinstance(data, dict):
        raise GameError("model: must be a JSON object with 'players'")
    players = data.get("players")
    if not isinstance(players, list) or not players or not all(isinstance(p, dict) for p in players):
        raise GameError("players: must be a non-empty list of objects")
    problems: list[str] = []
    uncertain, inputs, tiers, mode = _structured_parts(data, players, problems, whole_units=False)
    try:
        model = UncertainModel(uncertain, tiers=tiers, tier_mode=mode, **inputs)
    except GameError as exc:
        _merge(problems, exc)
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
