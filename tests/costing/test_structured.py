"""The structured model's fast exact algorithms against enumeration of every coalition."""

from __future__ import annotations

import numpy as np
import pytest

from interlocal.costing.engine import Player, StructuredModel, allocate, check_core, nucleolus, shapley
from interlocal.costing.engine.core import most_dissatisfied_explicit, most_dissatisfied_structured
from interlocal.costing.engine.shapley import shapley_explicit

from .conftest import brute_force_max_excess, random_model, shapley_by_permutations


@pytest.mark.parametrize("seed", range(12))
def test_structured_shapley_equals_enumeration(seed):
    rng = np.random.default_rng(seed)
    model = random_model(rng, int(rng.integers(1, 10)))
    assert shapley(model) == pytest.approx(shapley_explicit(model.cost_table(), model.n), rel=1e-9, abs=1e-9)


def test_structured_shapley_equals_the_definition():
    model = random_model(np.random.default_rng(99), 5)
    assert shapley(model) == pytest.approx(shapley_by_permutations(model.to_explicit()))


def test_structured_shapley_with_repeated_and_zero_units():
    players = [Player(name=n, units=u) for n, u in zip("ABCDEF", [0, 3, 3, 0, 7, 1], strict=True)]
    model = StructuredModel(players, price=2.0, exponent=0.5)
    phi = shapley(model)
    assert phi[0] == phi[3] == 0
    assert phi[1] == pytest.approx(phi[2])
    assert phi == pytest.approx(shapley_explicit(model.cost_table(), 6))


def test_structured_shapley_is_efficient_at_scale():
    rng = np.random.default_rng(5)
    players = [Player(name=f"T{i}", units=int(u)) for i, u in enumerate(rng.integers(1, 60, 120))]
    model = StructuredModel(players, platform_cost=1e5, price=40.0, exponent=0.7, coordination_base=10)
    phi = shapley(model)
    assert phi.sum() == pytest.approx(model.grand_cost(), rel=1e-12)
    # larger users pay more of the variable cost, but less per unit (economies of scale)
    by_units = np.argsort(model.units, kind="stable")
    assert np.all(np.diff(phi[by_units]) >= -1e-9)


def test_linear_price_without_airport_term_is_base_fee_plus_usage():
    players = [Player(name=f"M{i}", units=u, member_cost=5.0) for i, u in enumerate([4, 9, 1, 30])]
    model = StructuredModel(players, platform_cost=400.0, price=12.0, exponent=1.0)
    assert shapley(model) == pytest.approx(100.0 + 5.0 + 12.0 * model.units)


@pytest.mark.parametrize("seed", range(15))
def test_structured_core_check_equals_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    model = random_model(rng, int(rng.integers(2, 11)))
    for x in (
        rng.dirichlet(np.ones(model.n)) * model.grand_cost(),
        shapley(model),
        np.array(list(allocate(model, "proportional", weights="population").values())),
    ):
        mask, excess = most_dissatisfied_structured(model, x)
        assert excess == pytest.approx(brute_force_max_excess(model, x), abs=1e-7)
        assert excess == pytest.approx(most_dissatisfied_explicit(model.cost_table(), x)[1], abs=1e-7)
        # the named coalition really has that excess
        members = [i for i in range(model.n) if mask >> i & 1]
        assert 0 < len(members) < model.n
        assert x[members].sum() - model.cost_mask(mask) == pytest.approx(excess, abs=1e-7)


@pytest.mark.parametrize("seed", range(6))
def test_shapley_is_stable_when_costs_are_submodular(seed):
    # γ ≤ 1 and β ≤ 1 make every part of the model submodular, so the Shapley value is in the core
    rng = np.random.default_rng(200 + seed)
    model = random_model(rng, 9, gamma=float(rng.uniform(0.3, 1.0)))
    assert check_core(model, shapley(model)).stable


def test_per_capita_fails_the_core_and_names_the_group():
    # Avon and Bolton are populous but need little; Canton needs the expensive service level
    players = [
        Player(name="Avon", population=45_000, member_cost=10),
        Player(name="Bolton", population=45_000, member_cost=10),
        Player(name="Canton", population=10_000, member_cost=10, service_level=300),
    ]
    model = StructuredModel(players, platform_cost=100)
    x = np.array(list(allocate(model, "proportional", weights="population").values()))
    assert x == pytest.approx([193.5, 193.5, 43])
    check = check_core(model, x)
    assert not check.stable
    assert check.members == ["Avon", "Bolton"]
    assert check.excess == pytest.approx(387 - 120)
    assert check_core(model, shapley(model)).stable


def test_nucleolus_of_a_structured_model_is_stable():
    model = random_model(np.random.default_rng(8), 7, gamma=0.8)
    x = nucleolus(model)
    assert x.sum() == pytest.approx(model.grand_cost())
    assert check_core(model, x).stable


def test_core_check_without_a_variable_cost_ignores_units():
    players = [
        Player(name=f"M{i}", units=7 * i, member_cost=float(i), service_level=float(i % 3)) for i in range(6)
    ]
    model = StructuredModel(players, platform_cost=3, coordination_base=2, coordination_exponent=1.5)
    x = np.random.default_rng(0).dirichlet(np.ones(6)) * model.grand_cost()
    assert check_core(model, x).excess == pytest.approx(brute_force_max_excess(model, x))
