"""The charge engine and `interlocal charges compute` (docs/billing.md)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from interlocal.billing.engine import InputError, apportion, compute

PERIOD = {"start": "2027-01-01", "end": "2027-03-31"}


def test_worked_example_of_docs_billing():
    data = {
        "period": PERIOD,
        "amount": "100.00",
        "rule": {"kind": "base_plus_usage", "base_fraction": "0.3"},
        "participants": [
            {"id": "avon", "usage": "40"},
            {"id": "bolton", "usage": "3", "joined": "2027-02-15"},
        ],
    }
    assert compute(data) == {
        "charges": [
            {"id": "avon", "days": 90, "amount": "85.12"},
            {"id": "bolton", "days": 45, "amount": "14.88"},
        ],
        "total": "100.00",
    }


def test_unit_price_rounds_half_even_per_charge():
    data = {
        "period": PERIOD,
        "rule": {"kind": "unit_price", "unit_price": "12.5"},
        "participants": [{"id": "avon", "units": "40"}, {"id": "b", "units": "3", "joined": "2027-02-15"}],
    }
    assert compute(data)["total"] == "518.75"


def test_ties_go_to_the_lower_id():
    assert apportion(1, [1, 1, 1], ["c", "a", "b"]) == [0, 1, 0]


def test_problems_are_all_reported():
    data = {
        "period": {"start": "2027-04-01", "end": "2027-03-31"},
        "amount": "1.001",
        "rule": {"kind": "per_capita"},
        "participants": [
            {"id": "a", "population": -1, "joined": "2027-13-01"},
            {"id": "a", "joined": "2027-02-01", "left": "2027-01-01"},
        ],
    }
    with pytest.raises(InputError) as info:
        compute(data)
    assert info.value.lines() == [
        "period.end: must not be before period.start",
        "amount: more than two decimals",
        "participants[0].joined: not a valid date '2027-13-01' (expected YYYY-MM-DD)",
        "participants[0].population: must not be negative",
        "participants[1].id: duplicate of participants[0].id 'a'",
        "participants[1].left: must not be before joined",
        "participants[1].population: missing (the rule per_capita needs it)",
    ]


def test_command_exit_codes(tmp_path):
    good = tmp_path / "in.json"
    good.write_text(
        json.dumps(
            {
                "period": PERIOD,
                "amount": "3.00",
                "rule": {"kind": "equal"},
                "participants": [{"id": "a"}, {"id": "b"}],
            }
        )
    )
    out = StringIO()
    call_command("charges", "compute", str(good), stdout=out)
    assert json.loads(out.getvalue())["total"] == "3.00"
    bad = tmp_path / "bad.json"
    bad.write_text("{x")
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("charges", "compute", str(bad), stdout=out, stderr=err)
    assert info.value.code == 2
    assert out.getvalue() == ""
    assert "not valid JSON" in err.getvalue()


@given(
    st.integers(0, 10**9),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=30).filter(any),
    st.randoms(),
)
def test_apportion_properties(amount, weights, rnd):
    ids = [f"m{i:03d}" for i in range(len(weights))]
    cents = apportion(amount, weights, ids)
    assert sum(cents) == amount
    assert all(c >= 0 for c in cents)
    total = sum(weights)
    assert all(abs(c * total - amount * w) < total for c, w in zip(cents, weights, strict=True))
    order = list(range(len(weights)))
    rnd.shuffle(order)
    shuffled = apportion(amount, [weights[i] for i in order], [ids[i] for i in order])
    assert dict(zip([ids[i] for i in order], shuffled, strict=True)) == dict(zip(ids, cents, strict=True))


def _run(rule, participants, amount="100.00"):
    data = {"period": PERIOD, "rule": rule, "participants": participants, "amount": amount}
    return [c["amount"] for c in compute(data)["charges"]]


def test_simple_rules():
    people = [
        {"id": "a", "population": 2, "share": "0.75", "usage": "1"},
        {"id": "b", "population": 1, "share": "0.25", "usage": "3", "joined": "2027-02-15"},
        {"id": "c", "population": 5, "share": "1", "usage": "0", "left": "2026-12-31"},
    ]
    assert _run({"kind": "equal"}, people) == ["66.67", "33.33", "0.00"]
    assert _run({"kind": "per_capita"}, people) == ["80.00", "20.00", "0.00"]
    assert _run({"kind": "fixed_shares"}, people) == ["85.71", "14.29", "0.00"]
    assert _run({"kind": "by_usage"}, people) == ["25.00", "75.00", "0.00"]


@pytest.mark.parametrize(
    ("rule", "participants", "line"),
    [
        ({"kind": "lottery"}, [{"id": "a"}], "rule.kind: unknown rule 'lottery'"),
        ({"kind": "base_plus_usage"}, [{"id": "a"}], "rule.base_fraction: missing"),
        ({"kind": "by_usage"}, [{"id": "a", "usage": 0}], "participants: all weights are zero"),
        ({"kind": "equal"}, [{"id": "a", "left": "2026-01-01"}], "participants: all weights are zero"),
    ],
)
def test_bad_rules_and_weights(rule, participants, line):
    with pytest.raises(InputError) as info:
        compute({"period": PERIOD, "rule": rule, "participants": participants, "amount": "1.00"})
    assert info.value.lines()[0].startswith(line)
