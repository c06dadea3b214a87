"""Cost games: validation messages name the coalition, player and field."""

from __future__ import annotations

import numpy as np
import pytest

from interlocal.costing.engine import ExplicitGame, GameError, Player, StructuredModel, parse_game


def problems(data: object) -> list[str]:
    with pytest.raises(GameError) as info:
        parse_game(data)
    return info.value.problems


def test_explicit_game_costs_by_members(tva):
    assert tva.n == 3
    assert tva.cost(["power", "navigation"]) == 378821
    assert tva.grand_cost() == 412584
    assert tva.cost([]) == 0


def test_missing_coalition_is_named():
    data = {
        "players": ["A", "B", "C"],
        "coalitions": [
            {"members": m, "cost": 1} for m in (["A"], ["B"], ["C"], ["A", "B"], ["B", "C"], ["A", "B", "C"])
        ],
    }
    assert problems(data) == ["coalition {A, C} has no cost"]


def test_bad_coalitions_are_named():
    data = {
        "players": ["A", "B"],
        "coalitions": [
            {"members": ["A"], "cost": -1},
            {"members": ["B", "Z"], "cost": 1},
            {"members": ["A", "A"], "cost": 1},
            {"members": ["B"], "cost": float("nan")},
            {"members": ["A", "B"], "cost": 3},
            {"members": ["B", "A"], "cost": 3},
        ],
    }
    assert problems(data) == [
        "coalitions[0] {A}: cost must be ≥ 0, got -1",
        "coalitions[1] {B, Z}: unknown player 'Z'",
        "coalitions[2] {A, A}: player 'A' is listed twice",
        "coalitions[3] {B}: cost must be a finite number",
        "coalitions[5] {B, A}: this coalition's cost is given twice",
    ]


def test_duplicate_players():
    assert problems({"players": ["A", "A"], "coalitions": []}) == ["players[1]: 'A' is listed twice"]


def test_structured_model_matches_the_formula():
    model = parse_game(
        {
            "players": [
                {"name": "Avon", "units": 9, "member_cost": 5, "service_level": 20},
                {"name": "Bolton", "units": 16, "member_cost": 7, "service_level": 50},
                {"name": "Canton", "units": 0, "member_cost": 1, "service_level": 10},
            ],
            "platform_cost": 100,
            "variable": {"price": 3, "exponent": 0.5},
            "coordination": {"base": 2, "exponent": 2},
        }
    )
    assert isinstance(model, StructuredModel)
    assert model.cost(["Avon"]) == pytest.approx(100 + 5 + 3 * 3 + 2 + 20)
    assert model.cost(["Avon", "Bolton"]) == pytest.approx(100 + 12 + 3 * 5 + 2 * 4 + 50)
    assert model.cost(["Avon", "Bolton", "Canton"]) == pytest.approx(100 + 13 + 15 + 18 + 50)
    table = model.cost_table()
    assert [table[m] for m in range(8)] == pytest.approx([model.cost_mask(m) for m in range(8)])


def test_structured_model_messages_say_where():
    data = {
        "players": [
            {"name": "A", "units": 1.5},
            {"name": "B", "units": -1, "member_cost": -3},
            {"name": "A", "population": "many"},
        ],
        "variable": {"price": 1, "exponent": 1.5},
        "coordination": {"exponent": 0},
    }
    assert problems(data) == [
        "players[0].units: must be a whole number ≥ 0",
        "players[1].units: must be a whole number ≥ 0",
        "players[2].population: must be a number or {low, likely, high}",
        "players[2]: 'A' is listed twice",
        "players[1].member_cost: must be a finite number ≥ 0",
        "variable.exponent: must be in (0, 1]",
        "coordination.exponent: must be a finite number > 0",
    ]


def test_players_must_be_names_or_objects():
    assert problems({"players": ["A", {"name": "B"}]}) == [
        "players: must be all names (an explicit game) or all objects (a structured model)"
    ]
    assert problems([]) == ["game: must be a JSON object with 'players'"]


def test_unknown_member_in_cost_lookup():
    game = ExplicitGame(["A"], np.array([0.0, 5.0]))
    with pytest.raises(GameError, match="unknown player 'Q'"):
        game.cost(["Q"])


def test_model_rejects_bad_units_in_code():
    with pytest.raises(GameError, match=r"players\[0\]\.units"):
        StructuredModel([Player(name="A", units=-2)])
