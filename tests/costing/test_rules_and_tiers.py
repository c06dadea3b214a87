"""Blends, base fee + usage, vendor price tiers, estimates in JSON and the rules' plain explanations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlocal.costing.engine import (
    METHODS,
    GameError,
    Player,
    StructuredModel,
    Tier,
    allocate,
    base_fee_usage,
    blend,
    check_core,
    describe_method,
    parse_blend,
    parse_game,
    parse_uncertain_model,
    proportional,
    shapley,
    weights_for,
)
from interlocal.costing.engine.game import tiered_cost
from interlocal.costing.engine.shapley import shapley_explicit

from .conftest import brute_force_max_excess, random_model


def test_blend_is_the_weighted_mix():
    rng = np.random.default_rng(5)
    model = random_model(rng, 6)
    parts = {"proportional:population": 0.5, "equal": 0.25, "shapley": 0.25}
    expected = (
        0.5 * proportional(model, weights_for(model, "population"))
        + 0.25 * model.grand_cost() / 6
        + 0.25 * shapley(model)
    )
    assert blend(model, parts) == pytest.approx(expected)
    assert sum(allocate(model, "blend", parts=parts).values()) == pytest.approx(model.grand_cost())


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"equal": 0.5, "shapley": 0.4}, "add up to 0.9, not 1"),
        ({"equal": 1.5, "shapley": -0.5}, r"blend.shapley: the share must be a number ≥ 0"),
        ({"median": 1.0}, "blend.median: not a rule"),
        ({"proportional:": 1.0}, "name a field"),
        ({"proportional:road_miles": 1.0}, "not every player has a numeric 'road_miles'"),
        ({}, "at least one rule"),
    ],
)
def test_blend_problems(parts, message):
    model = random_model(np.random.default_rng(1), 3)
    with pytest.raises(GameError, match=message):
        blend(model, parts)


def test_parse_blend():
    assert parse_blend("proportional:grand_list=0.5, proportional:population=0.25,equal=.25") == {
        "proportional:grand_list": 0.5,
        "proportional:population": 0.25,
        "equal": 0.25,
    }
    with pytest.raises(GameError, match="expected RULE=SHARE"):
        parse_blend("equal")
    with pytest.raises(GameError, match="not a number"):
        parse_blend("equal=half")


def test_base_fee_usage_by_hand():
    model = StructuredModel(
        [
            Player(name="A", units=10, member_cost=5, service_level=30),
            Player(name="B", units=30, member_cost=7, service_level=10),
        ],
        platform_cost=100,
        price=2,
        exponent=0.5,
        coordination_base=4,
        coordination_exponent=2,
    )
    base = (100 + 4 * 2**2 + 30) / 2
    variable = 2 * 40**0.5
    assert base_fee_usage(model) == pytest.approx([base + 5 + variable / 4, base + 7 + 3 * variable / 4])
    assert base_fee_usage(model).sum() == pytest.approx(model.grand_cost())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.floats(0, 1e4)), min_size=1, max_size=8),
    st.floats(0, 1e5),
    st.floats(0, 100),
    st.floats(0, 1e3),
    st.floats(0.2, 3.0),
)
def test_base_fee_usage_is_shapley_when_linear_without_airport_term(members, platform, price, h0, gamma):
    model = StructuredModel(
        [Player(name=f"M{i}", units=u, member_cost=a) for i, (u, a) in enumerate(members)],
        platform_cost=platform,
        price=price,
        exponent=1.0,
        coordination_base=h0,
        coordination_exponent=gamma,
    )
    assert base_fee_usage(model) == pytest.approx(shapley(model), rel=1e-9, abs=1e-6)


def test_tiered_cost_all_units_and_incremental():
    tiers = [Tier(500, 40.0), Tier(1000, 35.0), Tier(None, 30.0)]
    u = np.array([0, 1, 500, 501, 1000, 1200])
    assert tiered_cost(tiers, "all_units", u) == pytest.approx([0, 40, 20_000, 501 * 35, 35_000, 36_000])
    assert tiered_cost(tiers, "incremental", u) == pytest.approx(
        [0, 40, 20_000, 20_035, 20_000 + 17_500, 37_500 + 6_000]
    )


def tiered_model(rng: np.random.Generator, n: int, mode: str) -> StructuredModel:
    base = random_model(rng, n)
    return StructuredModel(
        base.player_inputs,
        platform_cost=base.platform_cost,
        coordination_base=base.coordination_base,
        coordination_exponent=base.coordination_exponent,
        tiers=[Tier(20, 5.0), Tier(60, 4.0), Tier(None, 2.5)],
        tier_mode=mode,
    )


@pytest.mark.parametrize("mode", ["all_units", "incremental"])
@pytest.mark.parametrize("seed", range(4))
def test_exact_algorithms_work_with_tiers(mode, seed):
    rng = np.random.default_rng(seed)
    model = tiered_model(rng, 8, mode)
    table = model.cost_table()
    assert shapley(model) == pytest.approx(shapley_explicit(table, model.n), rel=1e-9)
    x = rng.dirichlet(np.ones(model.n)) * model.grand_cost()
    assert check_core(model, x).excess == pytest.approx(brute_force_max_excess(model, x), abs=1e-7)


def test_tier_problems_are_located():
    with pytest.raises(GameError) as info:
        parse_game(
            {
                "players": [{"name": "A", "units": 3}],
                "variable": {"tiers": [{"up_to": 500, "unit_price": 40}, {"up_to": 100, "unit_price": -1}]},
            }
        )
    assert info.value.problems == [
        "variable.tiers[1].unit_price: must be a finite number ≥ 0",
        "variable.tiers[1].up_to: must be a number above the previous tier's (500)",
        "variable.tiers: the last tier must be open-ended (up_to: null)",
    ]
    with pytest.raises(GameError, match="variable.mode: must be one of all_units, incremental"):
        parse_game(
            {
                "players": [{"name": "A"}],
                "variable": {"tiers": [{"up_to": None, "unit_price": 1}], "mode": "bulk"},
            }
        )


def test_json_estimates_use_likely_and_parse_as_uncertain():
    data = {
        "players": [
            {
                "name": "Avon",
                "units": {"low": 100, "likely": 120, "high": 150},
                "member_cost": 5000,
                "standalone": {"low": 40000, "likely": 50000, "high": 70000},
                "road_miles": {"low": 80, "likely": 90, "high": 95},
            },
            {"name": "Bolton", "units": 40, "service_level": {"low": 0, "likely": 8000, "high": 9000}},
        ],
        "platform_cost": {"low": 50000, "likely": 60000, "high": 90000},
        "variable": {
            "tiers": [
                {"up_to": 100, "unit_price": {"low": 30, "likely": 40, "high": 45}},
                {"up_to": None, "unit_price": 30},
            ],
            "mode": "incremental",
        },
    }
    model = parse_game(data)
    assert isinstance(model, StructuredModel)
    assert model.units.tolist() == [120, 40]
    assert model.weights("road_miles") is None  # Bolton gives none
    assert model.player_inputs[0].weight("road_miles") == 90
    assert model.grand_cost() == pytest.approx(60000 + 5000 + 100 * 40 + 60 * 30 + 8000)
    uncertain = parse_uncertain_model(data)
    assert uncertain.platform_cost.high == 90000
    assert uncertain.players[0].units.low == 100
    assert uncertain.standalone_likely().tolist() == [50000, 0]
    assert uncertain.likely().grand_cost() == pytest.approx(model.grand_cost())


def test_json_estimate_problems():
    with pytest.raises(GameError) as info:
        parse_game(
            {
                "players": [{"name": "A", "member_cost": {"low": 5, "likely": 3, "high": 9}}],
                "platform_cost": {"low": 1},
            }
        )
    assert info.value.problems == [
        "players[0].member_cost: needs low ≤ likely ≤ high, got 5, 3, 9",
        "platform_cost: low, likely and high must all be numbers",
    ]


@pytest.mark.parametrize(
    "method", [*METHODS, "proportional", "proportional:road_miles", "blend", "closest-stable"]
)
def test_every_rule_has_a_plain_paragraph(method):
    text = describe_method(method)
    assert len(text) > 150 and text.endswith(".")
    assert "road miles" in text if method == "proportional:road_miles" else True


def test_unknown_rule_has_no_description():
    with pytest.raises(KeyError):
        describe_method("median")


def test_the_json_examples_in_the_docs_parse():
    import json
    import re
    from pathlib import Path

    text = Path(__file__).resolve().parents[2].joinpath("docs", "costing.md").read_text(encoding="utf-8")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, flags=re.S)]
    games = [b for b in blocks if isinstance(b, dict) and "players" in b]
    assert len(games) >= 3
    for data in games:
        parse_game(data)
        if all(isinstance(p, dict) for p in data["players"]):
            model = parse_uncertain_model(data)
            assert model.n == len(data["players"])
