"""Allocation rules: each returns one amount per player, summing to c(N)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .game import Game, GameError, StructuredModel
from .lp import closest_stable, least_core, nucleolus
from .shapley import shapley

__all__ = [
    "METHODS",
    "allocate",
    "as_dict",
    "base_fee_usage",
    "blend",
    "parse_blend",
    "closest_stable_allocation",
    "equal",
    "least_core_allocation",
    "nucleolus_allocation",
    "proportional",
    "scrb",
    "shapley_allocation",
    "weights_for",
]

STANDALONE = ("standalone", "stand_alone", "stand-alone")


def as_dict(game: Game, x: np.ndarray) -> dict[str, float]:
    return {p: float(v) for p, v in zip(game.players, x, strict=True)}


def equal(game: Game) -> np.ndarray:
    return np.full(game.n, game.grand_cost() / game.n)


def weights_for(game: Game, field: str) -> np.ndarray:
    """Per-player weights: stand-alone cost c({i}) or a numeric field of the structured model."""
    if field in STANDALONE:
        return game.standalone()
    if isinstance(game, StructuredModel):
        values = game.weights(field)
        if values is not None:
            return values
        raise GameError(f"--weights {field}: not every player has a numeric {field!r}")
    raise GameError(f"--weights {field}: an explicit game only has stand-alone costs (use 'standalone')")


def proportional(game: Game, weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    if (weights < 0).any():
        raise GameError("weights: must all be ≥ 0")
    total = weights.sum()
    if total <= 0:
        raise GameError("weights: they add up to 0, so there is nothing to be proportional to")
    return game.grand_cost() * weights / total


def scrb(game: Game) -> np.ndarray:
    """Separable costs, remaining benefits.

    Separable cost s_i = c(N) − c(N∖i); remaining benefit r_i = c({i}) − s_i (negative treated
    as 0). Each pays s_i plus a share of the non-separable cost c(N) − Σ s in proportion to r_i;
    when no one has a remaining benefit the non-separable cost is split equally.
    """
    grand = game.grand_cost()
    if game.n == 1:
        return np.array([grand])
    separable = grand - game.without_each()
    remaining = np.maximum(game.standalone() - separable, 0.0)
    left = grand - separable.sum()
    if remaining.sum() <= 0:
        return separable + left / game.n
    return separable + left * remaining / remaining.sum()


def shapley_allocation(game: Game) -> np.ndarray:
    return shapley(game)


def nucleolus_allocation(game: Game) -> np.ndarray:
    return nucleolus(game)


def least_core_allocation(game: Game) -> np.ndarray:
    return least_core(game)[0]


def closest_stable_allocation(game: Game, target: np.ndarray) -> np.ndarray:
    return closest_stable(game, target)[0]


def base_fee_usage(game: Game) -> np.ndarray:
    """Base fee + usage, for the structured model.

    The base fee, the same for everyone, covers the costs that do not grow with use: the
    platform F, the coordination overhead h0·n^γ and the service level max r_i. Usage covers
    the rest: each member pays its own cost a_i and a share of the variable cost f(U(N)) in
    proportion to its units. With β = 1 (f linear) and no service-level term this is the
    Shapley value.
    """
    if not isinstance(game, StructuredModel):
        raise GameError("base-fee-usage: needs a structured model (an explicit table has no usage)")
    n = game.n
    base = (float(game.symmetric(n)) + float(game.service_level.max())) / n
    total_units = int(game.units.sum())
    variable = float(game.variable(total_units)) if total_units > 0 else 0.0
    usage = game.member_cost.copy()
    if total_units > 0:
        usage += variable * game.units / total_units
    return np.full(n, base) + usage


METHODS: dict[str, Callable[[Game], np.ndarray]] = {
    "equal": equal,
    "scrb": scrb,
    "shapley": shapley_allocation,
    "nucleolus": nucleolus_allocation,
    "least-core": least_core_allocation,
    "base-fee-usage": base_fee_usage,
}


def _part(game: Game, key: str) -> np.ndarray:
    if key.startswith("proportional:"):
        field = key.split(":", 1)[1].strip()
        if not field:
            raise GameError(f"blend.{key}: name a field after 'proportional:'")
        return proportional(game, weights_for(game, field))
    if key in METHODS:
        return METHODS[key](game)
    raise GameError(f"blend.{key}: not a rule; use one of {', '.join(METHODS)} or proportional:<field>")


def blend(game: Game, parts: Mapping[str, float]) -> np.ndarray:
    """A weighted mix of rules, e.g. {"proportional:grand_list": .5, "proportional:population": .25, ...}.

    Keys are rule names (equal, shapley, scrb, ...) or proportional:<field>; values are shares
    ≥ 0 adding up to 1. Each member pays Σ share × its charge under that rule, so the blend
    still sums to c(N).
    """
    if not parts:
        raise GameError("blend: give at least one rule with its share")
    problems = []
    for key, share in parts.items():
        if (
            isinstance(share, bool)
            or not isinstance(share, int | float)
            or not np.isfinite(share)
            or share < 0
        ):
            problems.append(f"blend.{key}: the share must be a number ≥ 0")
    if problems:
        raise GameError(problems)
    total = float(sum(parts.values()))
    if abs(total - 1.0) > 1e-6:
        raise GameError(f"blend: the shares add up to {total:g}, not 1")
    x = np.zeros(game.n)
    for key, share in parts.items():
        if share > 0:
            x += share * _part(game, key)
    # shares that add up to 1 within 1e-6 still leave c(N) exact
    return x * (game.grand_cost() / x.sum()) if x.sum() > 0 else x


def parse_blend(text: str) -> dict[str, float]:
    """'proportional:grand_list=0.5,proportional:population=0.25,...' (the CLI's --blend) as a mapping."""
    parts: dict[str, float] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.rpartition("=")
        if not sep or not key.strip():
            raise GameError(f"--blend {item}: expected RULE=SHARE, e.g. proportional:population=0.25")
        try:
            share = float(value)
        except ValueError:
            raise GameError(f"--blend {item}: {value!r} is not a number") from None
        if key.strip() in parts:
            raise GameError(f"--blend {item}: {key.strip()} is given twice")
        parts[key.strip()] = share
    return parts


def allocate(
    game: Game, method: str, *, weights: str | None = None, parts: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Run one rule by name (equal, proportional, scrb, shapley, nucleolus, least-core, base-fee-usage, blend)."""
    if method == "proportional":
        if not weights:
            raise GameError("--weights: proportional needs a field, e.g. population or standalone")
        x = proportional(game, weights_for(game, weights))
    elif method == "blend":
        if not parts:
            raise GameError(
                "--blend: blend needs rules and shares, e.g. proportional:population=0.5,equal=0.5"
            )
        x = blend(game, parts)
    elif method in METHODS:
        x = METHODS[method](game)
    else:
        raise GameError(f"--method {method}: unknown method")
    return as_dict(game, x)
