"""Shared games for the costing engine tests, and the costing factories (tests/costing/factories.py)
as fixtures for the pages' and API's tests."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest

from interlocal.costing.engine import ExplicitGame, Player, StructuredModel
from tests.costing.factories import CostModelFactory, ScenarioFactory, ScenarioParticipantFactory

# Tennessee Valley Authority, three-purpose reservoir (Straffin & Heaney 1981; Young 1994), $.
TVA = {
    ("navigation",): 163520,
    ("flood",): 140826,
    ("power",): 250096,
    ("navigation", "flood"): 301607,
    ("navigation", "power"): 378821,
    ("flood", "power"): 367370,
    ("navigation", "flood", "power"): 412584,
}


@pytest.fixture
def cost_model_factory(db: Any) -> type[CostModelFactory]:
    return CostModelFactory


@pytest.fixture
def scenario_factory(db: Any) -> type[ScenarioFactory]:
    return ScenarioFactory


@pytest.fixture
def scenario_participant_factory(db: Any) -> type[ScenarioParticipantFactory]:
    return ScenarioParticipantFactory


def explicit(players: list[str], costs: dict[tuple[str, ...], float]) -> ExplicitGame:
    return ExplicitGame.from_coalitions(players, list(costs.items()))


@pytest.fixture
def tva() -> ExplicitGame:
    return explicit(["navigation", "flood", "power"], TVA)


def airport(levels: list[float]) -> ExplicitGame:
    names = [f"P{i}" for i in range(len(levels))]
    entries = []
    for k in range(1, len(levels) + 1):
        for combo in itertools.combinations(range(len(levels)), k):
            entries.append(([names[i] for i in combo], max(levels[i] for i in combo)))
    return ExplicitGame.from_coalitions(names, entries)


def random_model(rng: np.random.Generator, n: int, *, gamma: float | None = None) -> StructuredModel:
    players = [
        Player(
            name=f"M{i}",
            units=int(rng.integers(0, 25)),
            member_cost=float(rng.integers(0, 50)),
            service_level=float(rng.integers(0, 4) * 10),
            population=float(rng.integers(1, 1000)),
        )
        for i in range(n)
    ]
    return StructuredModel(
        players,
        platform_cost=float(rng.integers(0, 200)),
        price=float(rng.uniform(0.5, 5)),
        exponent=float(rng.uniform(0.3, 1.0)),
        coordination_base=float(rng.uniform(0, 5)),
        coordination_exponent=float(gamma if gamma is not None else rng.uniform(0.5, 2.0)),
    )


def random_explicit(rng: np.random.Generator, n: int) -> ExplicitGame:
    costs = rng.uniform(1, 100, 1 << n)
    return ExplicitGame([f"X{i}" for i in range(n)], costs)


def shapley_by_permutations(game: ExplicitGame) -> np.ndarray:
    """The definition: average marginal cost over every order of arrival."""
    n = game.n
    phi = np.zeros(n)
    for order in itertools.permutations(range(n)):
        mask = 0
        for i in order:
            phi[i] += game.cost_mask(mask | 1 << i) - game.cost_mask(mask)
            mask |= 1 << i
    return phi / math.factorial(n)


def brute_force_max_excess(game, x: np.ndarray) -> float:
    n = game.n
    full = (1 << n) - 1
    return max(sum(x[i] for i in range(n) if mask >> i & 1) - game.cost_mask(mask) for mask in range(1, full))
