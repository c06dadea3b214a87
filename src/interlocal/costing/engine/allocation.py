"""Allocation rules: each returns one amount per player, summing to c(N)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .game import Game, GameError, StructuredModel
from .lp import closest_stable, least_core, nucleolus
from .shapley import shapley

__all__ = [
    "METHODS",
    "allocate",
    "as_dict",
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


METHODS: dict[str, Callable[[Game], np.ndarray]] = {
    "equal": equal,
    "scrb": scrb,
    "shapley": shapley_allocation,
    "nucleolus": nucleolus_allocation,
    "least-core": least_core_allocation,
}


def allocate(game: Game, method: str, *, weights: str | None = None) -> dict[str, float]:
    """Run one rule by name (equal, proportional, scrb, shapley, nucleolus, least-core)."""
    if method == "proportional":
        if not weights:
            raise GameError("--weights: proportional needs a field, e.g. population or standalone")
        x = proportional(game, weights_for(game, weights))
    elif method in METHODS:
        x = METHODS[method](game)
    else:
        raise GameError(f"--method {method}: unknown method")
    return as_dict(game, x)
