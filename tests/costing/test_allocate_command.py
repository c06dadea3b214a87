"""`interlocal allocate`: JSON in, JSON out, one located line per problem."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from .conftest import TVA


def run(*args: str) -> tuple[dict, str]:
    out, err = StringIO(), StringIO()
    call_command("allocate", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def fails(*args: str) -> list[str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("allocate", *args, stdout=out, stderr=err)
    assert info.value.code == 2
    assert out.getvalue() == ""
    assert "Traceback" not in err.getvalue()
    return err.getvalue().splitlines()


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


@pytest.fixture
def tva_file(tmp_path):
    return write(
        tmp_path,
        "tva.json",
        {
            "players": ["navigation", "flood", "power"],
            "coalitions": [{"members": list(m), "cost": c} for m, c in TVA.items()],
        },
    )


@pytest.fixture
def model_file(tmp_path):
    return write(
        tmp_path,
        "model.json",
        {
            "players": [
                {"name": "Avon", "population": 45000, "member_cost": 10, "road_miles": 3},
                {"name": "Bolton", "population": 45000, "member_cost": 10, "road_miles": 1},
                {
                    "name": "Canton",
                    "population": 10000,
                    "member_cost": 10,
                    "service_level": 300,
                    "road_miles": 0,
                },
            ],
            "platform_cost": 100,
        },
    )


def test_shapley_of_an_explicit_game(tva_file):
    result, err = run(tva_file, "--method", "shapley")
    assert err == ""
    assert list(result) == ["method", "allocation", "total", "core"]
    assert result["method"] == "shapley"
    assert list(result["allocation"]) == ["navigation", "flood", "power"]
    assert result["total"] == 412584
    assert sum(result["allocation"].values()) == pytest.approx(412584)
    assert result["core"]["stable"] is True
    assert set(result["core"]["most_dissatisfied"]) == {"members", "excess"}


@pytest.mark.parametrize("method", ["equal", "scrb", "shapley", "nucleolus", "least-core"])
def test_every_method_runs_on_a_structured_model(model_file, method):
    result, _ = run(model_file, "--method", method)
    assert result["total"] == pytest.approx(430)
    assert sum(result["allocation"].values()) == pytest.approx(430)


def test_per_capita_is_unstable_and_check_core_agrees(model_file, tmp_path):
    result, _ = run(model_file, "--method", "proportional", "--weights", "population")
    assert result["core"] == {
        "stable": False,
        "most_dissatisfied": {"members": ["Avon", "Bolton"], "excess": pytest.approx(267)},
    }
    allocation_file = write(tmp_path, "alloc.json", result)
    checked, _ = run(model_file, "--check-core", allocation_file)
    assert checked["method"] == "proportional"
    assert checked["core"] == result["core"]
    bare = write(tmp_path, "bare.json", {"Avon": 60, "Bolton": 60, "Canton": 310})
    assert run(model_file, "--check-core", bare)[0]["core"]["stable"] is True


def test_weights_from_any_numeric_field(model_file):
    result, _ = run(model_file, "--method", "proportional", "--weights", "road_miles")
    assert result["allocation"] == {"Avon": pytest.approx(322.5), "Bolton": pytest.approx(107.5), "Canton": 0}
    assert fails(model_file, "--method", "proportional", "--weights", "acreage") == [
        "--weights acreage: not every player has a numeric 'acreage'"
    ]


def test_missing_coalition(tmp_path):
    game = write(
        tmp_path,
        "g.json",
        {
            "players": ["A", "B", "C"],
            "coalitions": [
                {"members": m, "cost": 5}
                for m in (["A"], ["B"], ["C"], ["A", "B"], ["B", "C"], ["A", "B", "C"])
            ],
        },
    )
    assert fails(game, "--method", "equal") == ["coalition {A, C} has no cost"]


def test_bad_structured_inputs_one_line_each(tmp_path):
    game = write(
        tmp_path,
        "g.json",
        {
            "players": [{"name": "A"}, {"name": "B"}, {"name": "C"}, {"name": "D", "units": 2.5}],
            "platform_cost": -1,
        },
    )
    assert fails(game, "--method", "shapley") == [
        "players[3].units: must be a whole number ≥ 0",
        "platform_cost: must be a finite number ≥ 0",
    ]


def test_unreadable_and_invalid_files(tmp_path):
    assert fails(str(tmp_path / "nope.json"), "--method", "equal") == [
        f"{tmp_path / 'nope.json'}: cannot read: No such file or directory"
    ]
    broken = write(tmp_path, "broken.json", '{"players": [')
    assert fails(broken, "--method", "equal") == [
        f"{broken}: not valid JSON (line 1, column 14: Expecting value)"
    ]


def test_check_core_allocation_problems(model_file, tmp_path):
    bad = write(tmp_path, "a.json", {"allocation": {"Avon": 1, "Bolton": "x", "Dover": 3}})
    assert fails(model_file, "--check-core", bad) == [
        "allocation.Dover: not a player of this game",
        "allocation.Bolton: must be a number",
        "allocation.Canton: missing",
    ]
    short = write(tmp_path, "b.json", {"Avon": 1, "Bolton": 1, "Canton": 1})
    assert fails(model_file, "--check-core", short) == [
        "allocation: amounts add up to 3, but the whole group costs 430"
    ]


def test_nucleolus_of_a_large_structured_model_is_refused(tmp_path):
    game = write(tmp_path, "big.json", {"players": [{"name": f"T{i}", "units": i} for i in range(26)]})
    (line,) = fails(game, "--method", "nucleolus")
    assert line.startswith("the nucleolus needs every coalition: 26 players is more than 25")
    assert run(game, "--method", "shapley")[0]["core"]["stable"] is True
    # the least core needs no table for a structured model: constraint generation
    assert run(game, "--method", "least-core")[0]["core"]["stable"] is True


def test_weights_only_with_proportional(tva_file):
    assert fails(tva_file, "--method", "equal", "--weights", "standalone") == [
        "--weights: only used with --method proportional"
    ]


def test_unit_totals_too_large_for_the_exact_algorithms_are_refused(tmp_path):
    game = write(
        tmp_path,
        "huge.json",
        {"players": [{"name": "A", "units": 10**9}, {"name": "B", "units": 1}], "variable": {"price": 1}},
    )
    assert fails(game, "--method", "shapley") == [
        "players[*].units: they add up to 1,000,000,001, too many for the exact algorithms with 2 players; "
        "count units more coarsely (e.g. hundreds of users)"
    ]


def test_check_core_of_a_model_too_large_for_the_exact_check(tmp_path):
    game = write(
        tmp_path,
        "huge.json",
        {"players": [{"name": "A", "units": 10**9}, {"name": "B", "units": 1}], "variable": {"price": 1}},
    )
    allocation = write(tmp_path, "x.json", {"A": 1e9 + 1, "B": 0})
    (line,) = fails(game, "--check-core", allocation)
    assert line.startswith("players[*].units: they add up to 1,000,000,001")


def test_blend_of_proportional_rules(model_file):
    result, err = run(
        model_file,
        "--method",
        "blend",
        "--blend",
        "proportional:population=0.5,proportional:road_miles=0.25,equal=0.25",
    )
    assert err == ""
    assert result["method"] == "blend"
    per_capita = {"Avon": 193.5, "Bolton": 193.5, "Canton": 43}
    by_miles = {"Avon": 322.5, "Bolton": 107.5, "Canton": 0}
    assert result["allocation"] == {
        p: pytest.approx(0.5 * per_capita[p] + 0.25 * by_miles[p] + 0.25 * 430 / 3) for p in per_capita
    }


def test_blend_needs_shares_that_add_up(model_file):
    assert fails(model_file, "--method", "blend") == [
        "--blend: blend needs rules and shares, e.g. proportional:population=0.5,equal=0.5"
    ]
    assert fails(model_file, "--method", "blend", "--blend", "equal=0.5,shapley=0.2") == [
        "blend: the shares add up to 0.7, not 1"
    ]
    assert fails(model_file, "--method", "equal", "--blend", "equal=1") == [
        "--blend: only used with --method blend"
    ]


def test_base_fee_usage(model_file, tva_file):
    result, _ = run(model_file, "--method", "base-fee-usage")
    # base fee: (platform 100 + service level 300) / 3; usage: own cost 10 each, no units
    assert result["allocation"] == {p: pytest.approx(400 / 3 + 10) for p in ("Avon", "Bolton", "Canton")}
    assert fails(tva_file, "--method", "base-fee-usage") == [
        "base-fee-usage: needs a structured model (an explicit table has no usage)"
    ]


def test_estimates_and_tiers_in_the_model_file(tmp_path):
    game = write(
        tmp_path,
        "tiers.json",
        {
            "players": [
                {"name": "A", "units": {"low": 300, "likely": 400, "high": 450}},
                {"name": "B", "units": 200},
            ],
            "platform_cost": {"low": 900, "likely": 1000, "high": 1500},
            "variable": {
                "tiers": [{"up_to": 500, "unit_price": 40}, {"up_to": None, "unit_price": 30}],
                "mode": "all_units",
            },
        },
    )
    result, _ = run(game, "--method", "shapley")
    assert result["total"] == pytest.approx(1000 + 600 * 30)
    assert result["allocation"]["A"] + result["allocation"]["B"] == pytest.approx(19000)
