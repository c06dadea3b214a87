"""Constraint generation: the LPs over a working set agree with the LPs over every coalition."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from interlocal.costing.engine import ExplicitGame, check_core, closest_stable, least_core, nucleolus, shapley
from interlocal.costing.engine.lp import nucleolus_enumerated
from interlocal.costing.engine.table import SpanFilter, top_excesses

from .conftest import random_explicit, random_model


def least_core_enumerated(game) -> float:
    """ε of the least core with every proper coalition in one LP."""
    n, costs = game.n, game.cost_table()
    masks = np.arange(1, (1 << n) - 1)
    a = ((masks[:, None] >> np.arange(n)) & 1).astype(float)
    res = linprog(
        np.r_[np.zeros(n), 1.0],
        A_ub=np.hstack([a, -np.ones((len(a), 1))]),
        b_ub=costs[masks],
        A_eq=np.r_[np.ones(n), 0.0][None, :],
        b_eq=[costs[-1]],
        bounds=[(None, None)] * (n + 1),
        method="highs",
    )
    return float(res.x[-1])


def sorted_excesses(game, x) -> np.ndarray:
    n, costs = game.n, game.cost_table()
    masks = np.arange(1, (1 << n) - 1)
    a = ((masks[:, None] >> np.arange(n)) & 1).astype(float)
    return np.sort(a @ x - costs[masks])[::-1]


@pytest.mark.parametrize("seed", range(6))
def test_nucleolus_by_constraint_generation_equals_enumeration(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 10))
    game = random_explicit(rng, n) if seed % 2 else random_model(rng, n).to_explicit()
    x = nucleolus(game)
    expected = nucleolus_enumerated(game)
    # the nucleolus is unique: same allocation, same sorted excesses
    assert x == pytest.approx(expected, abs=1e-5 * max(1.0, game.grand_cost()))
    assert sorted_excesses(game, x) == pytest.approx(sorted_excesses(game, expected), abs=1e-5)


@pytest.mark.parametrize("seed", range(6))
def test_structured_least_core_equals_the_full_lp(seed):
    rng = np.random.default_rng(100 + seed)
    model = random_model(rng, int(rng.integers(2, 10)), gamma=float(rng.uniform(0.5, 1.5)))
    x, eps = least_core(model)
    assert eps == pytest.approx(least_core_enumerated(model), abs=1e-6 * max(1.0, model.grand_cost()))
    assert x.sum() == pytest.approx(model.grand_cost())
    assert check_core(model, x).excess == pytest.approx(eps, abs=1e-5 * max(1.0, model.grand_cost()))


def test_structured_least_core_at_scale_is_stable_for_submodular_costs():
    model = random_model(np.random.default_rng(5), 60, gamma=0.9)
    x, eps = least_core(model)
    assert eps <= 0
    assert check_core(model, x).stable
    # and the closest stable allocation to Shapley (already stable) is Shapley itself
    target = shapley(model)
    closest, used = closest_stable(model, target)
    assert used == 0
    assert closest == pytest.approx(target, abs=1e-4)


@pytest.mark.parametrize("seed", range(4))
def test_closest_stable_by_constraint_generation_is_stable_and_no_farther(seed):
    rng = np.random.default_rng(200 + seed)
    model = random_model(rng, 8, gamma=0.8)
    target = rng.dirichlet(np.ones(8)) * model.grand_cost()
    x, eps = closest_stable(model, target)
    table = model.to_explicit()
    x_table, eps_table = closest_stable(table, target)
    assert eps == pytest.approx(eps_table, abs=1e-6)
    assert np.abs(x - target).sum() == pytest.approx(np.abs(x_table - target).sum(), rel=1e-6, abs=1e-5)
    assert check_core(model, x).excess <= eps + 1e-6 * model.grand_cost()


def test_top_excesses_against_brute_force():
    rng = np.random.default_rng(9)
    n = 18  # more than the 16 low bits, so several row blocks
    game = random_explicit(rng, n)
    x = rng.uniform(0, 60, n)
    excess = np.array([sum(x[i] for i in range(n) if m >> i & 1) for m in range(1 << n)]) - game.costs
    inner = np.arange(1, (1 << n) - 1)
    expected = inner[np.argsort(-excess[inner], kind="stable")][:25]
    found = top_excesses(game.costs, x, 25)
    assert [m for m, _ in found] == expected.tolist()
    assert [v for _, v in found] == pytest.approx(excess[expected])
    above = top_excesses(game.costs, x, 10**6, above=float(excess[expected[9]]))
    assert len(above) == 9


def test_span_filter_skips_determined_coalitions():
    n = 5
    rows = np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]], dtype=float)
    span = SpanFilter(rows)
    masks = np.arange(1, 1 << n)
    inside = span.contains_masks(masks)
    # in the span of N and {0, 1}: {0, 1}, {2, 3, 4} and N itself
    assert set(masks[inside].tolist()) == {0b00011, 0b11100, 0b11111}
    exact = span.contains_rows(((masks[:, None] >> np.arange(n)) & 1).astype(float))
    assert (inside == exact).all()
    game = ExplicitGame([f"P{i}" for i in range(n)], np.random.default_rng(1).uniform(1, 9, 1 << n))
    found = top_excesses(game.costs, np.ones(n), 100, span)
    assert {m for m, _ in found}.isdisjoint({0b00011, 0b11100})
    assert len(found) == 30 - 2  # proper, non-empty, outside the span


def test_glove_game_nucleolus():
    # left gloves A, B and a right glove C; a pair is worth 1. As a cost game c(S) = |S| − v(S).
    names = ["A", "B", "C"]
    costs = {}
    for k in range(1, 4):
        for combo in itertools.combinations(names, k):
            left = sum(p in combo for p in "AB")
            right = "C" in combo
            costs[combo] = k - min(left, right)
    game = ExplicitGame.from_coalitions(names, list(costs.items()))
    # the right glove's owner gets the whole value: pays 0 of its 1, the left owners pay 1 each
    assert nucleolus(game) == pytest.approx([1, 1, 0], abs=1e-9)
