"""Properties of the engine over generated structured models (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlocal.costing.engine import METHODS, Player, StructuredModel, allocate, check_core, shapley
from interlocal.costing.engine.shapley import shapley_explicit

from .conftest import brute_force_max_excess

money = st.floats(min_value=0, max_value=1e4, allow_nan=False)


@st.composite
def models(draw, *, max_players: int = 7, submodular: bool = False) -> StructuredModel:
    n = draw(st.integers(1, max_players))
    players = [
        Player(
            name=f"M{i}",
            units=draw(st.integers(0, 30)),
            member_cost=draw(money),
            service_level=draw(st.sampled_from([0.0, 100.0, 250.0, 1000.0])),
            population=draw(st.floats(min_value=1, max_value=1e5)),
        )
        for i in range(n)
    ]
    return StructuredModel(
        players,
        platform_cost=draw(money),
        price=draw(st.floats(min_value=0, max_value=50)),
        exponent=draw(st.floats(min_value=0.05, max_value=1.0)),
        coordination_base=draw(st.floats(min_value=0, max_value=100)),
        coordination_exponent=draw(st.floats(min_value=0.2, max_value=1.0 if submodular else 3.0)),
    )


@settings(max_examples=40, deadline=None)
@given(models())
def test_structured_shapley_equals_enumeration(model):
    expected = shapley_explicit(model.cost_table(), model.n)
    assert shapley(model) == pytest.approx(expected, rel=1e-9, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(models(), st.integers(0, 2**32 - 1))
def test_structured_core_check_equals_brute_force(model, seed):
    x = np.random.default_rng(seed).dirichlet(np.ones(model.n)) * model.grand_cost()
    check = check_core(model, x)
    if model.n > 1:
        assert check.excess == pytest.approx(brute_force_max_excess(model, x), abs=1e-6)
        assert x[[model.players.index(p) for p in check.members]].sum() - model.cost(
            check.members
        ) == pytest.approx(check.excess, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(models(max_players=6), st.sampled_from([*METHODS, "proportional"]))
def test_allocations_sum_to_the_grand_cost(model, method):
    x = allocate(model, method, weights="population" if method == "proportional" else None)
    assert sum(x.values()) == pytest.approx(model.grand_cost(), rel=1e-9, abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(models(submodular=True))
def test_shapley_is_in_the_core_for_submodular_costs(model):
    assert check_core(model, shapley(model)).stable
