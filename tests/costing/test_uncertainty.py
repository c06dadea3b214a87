"""Savings under uncertainty: estimates, Monte Carlo, tornado and break-even (against brute force)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from interlocal.costing.engine import (
    Estimate,
    GameError,
    UncertainModel,
    UncertainPlayer,
    break_even,
    shapley,
    simulate_savings,
    tornado,
)
from interlocal.costing.engine.uncertainty import triangular

from .conftest import random_model


def test_estimate_is_validated():
    assert Estimate.exact(5) == Estimate(5, 5, 5)
    with pytest.raises(GameError, match="low ≤ likely ≤ high"):
        Estimate(3, 2, 4)
    with pytest.raises(GameError, match="finite"):
        Estimate(0, float("inf"), float("inf"))


def test_model_rejects_negative_money_and_bad_exponents():
    with pytest.raises(GameError) as info:
        UncertainModel(
            [UncertainPlayer("A", units=Estimate(-1, 2, 3), member_cost=Estimate(-5, 0, 1))],
            exponent=Estimate(0.5, 0.9, 1.2),
        )
    assert info.value.problems == [
        "players[0].units: must be ≥ 0 (low is -1)",
        "players[0].member_cost: must be ≥ 0 (low is -5)",
        "variable.exponent: must be in (0, 1] (low to high)",
    ]


def uncertain(n: int = 6, *, spread: float = 0.2) -> UncertainModel:
    def est(x: float) -> Estimate:
        return Estimate(x * (1 - spread), x, x * (1 + spread))

    players = [
        UncertainPlayer(
            name=f"T{i}",
            units=est(10 + 3 * i),
            member_cost=est(1_000 + 100 * i),
            service_level=est(500 * (i % 3)),
            standalone=est(30_000 + 2_000 * i),
            weights={"population": 1_000.0 * (i + 1)},
        )
        for i in range(n)
    ]
    return UncertainModel(
        players,
        platform_cost=est(60_000),
        price=est(900),
        exponent=Estimate(0.8 - spread / 2, 0.8, 0.8 + spread / 2),
        coordination_base=est(1_500),
        coordination_exponent=Estimate(1.1 - spread / 2, 1.1, 1.1 + spread),
    )


def test_exact_inputs_give_one_value():
    model = uncertain(spread=0.0)
    likely = model.likely()
    expected = model.standalone_likely().sum() - likely.grand_cost()
    sim = simulate_savings(model, draws=500, seed=3)
    assert sim.p10 == pytest.approx(expected) and sim.p90 == pytest.approx(expected)
    assert sim.probability_cheaper == (1.0 if expected > 0 else 0.0)
    phi = shapley(likely)
    for i, member in enumerate(sim.members):
        assert member.p50 == pytest.approx(model.standalone_likely()[i] - phi[i])
    assert tornado(model) == []


def test_simulation_is_seeded_and_summarised():
    model = uncertain()
    a = simulate_savings(model, draws=2_000, seed=7)
    assert a == simulate_savings(model, draws=2_000, seed=7)
    assert a != simulate_savings(model, draws=2_000, seed=8)
    assert a.p10 <= a.p50 <= a.p90
    assert sum(a.histogram_counts) == 2_000
    assert len(a.histogram_edges) == len(a.histogram_counts) + 1
    assert a.histogram_edges[0] <= a.p10 and a.p90 <= a.histogram_edges[-1]
    assert 0.0 <= a.probability_cheaper <= 1.0
    assert [m.name for m in a.members] == model.names
    # the members' likely-Shapley shares of c(N) add up to the total saving in every draw
    assert sum(m.mean for m in a.members) == pytest.approx(a.mean)
    assert a.as_dict()["total"]["p50"] == a.p50


def test_triangular_draws_have_the_right_mean_and_range():
    rng = np.random.default_rng(0)
    low, mode, high = np.array([0.0, 10.0, 5.0]), np.array([2.0, 10.0, 5.0]), np.array([10.0, 10.0, 9.0])
    x = triangular(rng, low, mode, high, (200_000, 3))
    assert x.mean(axis=0) == pytest.approx((low + mode + high) / 3, abs=0.03)
    assert (x >= low).all() and (x <= high).all()
    # the median of triangular(0, 2, 10) is 10 − sqrt(10·8/2)
    assert np.median(x[:, 0]) == pytest.approx(10 - np.sqrt(40), abs=0.03)


def test_tornado_one_input():
    base = uncertain(spread=0.0)
    model = UncertainModel(
        base.players,
        platform_cost=Estimate(50_000, 60_000, 90_000),
        price=base.price,
        exponent=base.exponent,
        coordination_base=base.coordination_base,
        coordination_exponent=base.coordination_exponent,
    )
    likely = model.standalone_likely().sum() - model.likely().grand_cost()
    (bar,) = tornado(model)
    assert bar.label == "Platform cost"
    assert bar.low == pytest.approx(likely + 10_000)
    assert bar.high == pytest.approx(likely - 30_000)
    assert bar.swing == pytest.approx(40_000)


def test_tornado_is_sorted_by_swing():
    bars = tornado(uncertain())
    assert len(bars) == 8
    assert [b.swing for b in bars] == sorted((b.swing for b in bars), reverse=True)
    assert all(b.swing == pytest.approx(abs(b.high - b.low)) for b in bars)


def brute_force_by_size(model, standalone):
    best = [-np.inf] * model.n
    for k in range(1, model.n + 1):
        for combo in itertools.combinations(range(model.n), k):
            names = [model.players[i] for i in combo]
            best[k - 1] = max(best[k - 1], standalone[list(combo)].sum() - model.cost(names))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_break_even_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 13))
    model = random_model(rng, n)
    standalone = rng.uniform(0, 1.4, n) * model.standalone()
    result = break_even(model, standalone)
    expected = brute_force_by_size(model, standalone)
    assert result.best_saving_by_size == pytest.approx(expected, abs=1e-7)
    for k, group in enumerate(result.best_group_by_size, start=1):
        idx = [model.players.index(p) for p in group]
        assert len(group) == k
        assert standalone[idx].sum() - model.cost(group) == pytest.approx(expected[k - 1], abs=1e-7)
    saving = [k + 1 for k, v in enumerate(expected) if v > 1e-9]
    assert result.size == (saving[0] if saving else None)
    if result.size:
        assert result.saving == pytest.approx(expected[result.size - 1])
        assert len(result.members) == result.size


def test_break_even_example():
    # three towns spending 100 each; a group costs 150 + 10 per member: pairs are the first to save
    from interlocal.costing.engine import Player, StructuredModel

    model = StructuredModel(
        [Player(name=n) for n in "ABC"], platform_cost=150, coordination_base=10, coordination_exponent=1
    )
    result = break_even(model, np.array([100.0, 100.0, 100.0]))
    assert result.best_saving_by_size == pytest.approx([-60, 30, 120])
    assert result.size == 2 and result.saving == pytest.approx(30)


def test_per_member_shares_fall_back_when_units_are_too_many_for_shapley():
    players = [
        UncertainPlayer("Big", units=Estimate(9e7, 1e8, 1.1e8), standalone=Estimate.exact(5e6)),
        UncertainPlayer("Small", units=Estimate.exact(10), standalone=Estimate.exact(1e3)),
    ]
    model = UncertainModel(players, price=Estimate.exact(0.01), exponent=Estimate.exact(1.0))
    sim = simulate_savings(model, draws=200)
    assert "stand-alone costs" in sim.share_rule
    assert sum(m.mean for m in sim.members) == pytest.approx(sim.mean)
    assert "Shapley" in simulate_savings(uncertain(), draws=10).share_rule


def test_too_many_draws_are_refused():
    with pytest.raises(GameError, match="too many"):
        simulate_savings(uncertain(), draws=10_000_000)
    with pytest.raises(GameError, match="at least 1"):
        simulate_savings(uncertain(), draws=0)
