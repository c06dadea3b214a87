"""Properties of `billing.engine.compute()` for every rule, against a reference in `Fraction`.

The reference below is written from docs/billing.md alone (it shares no code with the engine):
exact rational quotas, floor to the cent, left-over cents to the largest remainders with ties to
the lower id in code-point order, half-even rounding for `base_plus_usage`'s base and for each
`unit_price` charge (Python's `round()` of a Fraction rounds halves to even).
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from interlocal.billing.engine import RULES, InputError, compute

ORIGIN = dt.date(2027, 1, 1)
APPORTIONED = [r for r in RULES if r != "unit_price"]

# Small value ranges on purpose: they make equal remainders (the id tie-break) and zero weights common.
ids = st.text(alphabet="abAB0é_", min_size=1, max_size=3)
exact_numbers = st.one_of(
    st.integers(0, 50),
    st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["0", "0.5", "1", "1.25", "3"]),
)


def day(offset: int) -> str:
    return (ORIGIN + dt.timedelta(days=offset)).isoformat()


@st.composite
def billings(draw: Any, rule: str | None = None, min_size: int = 1) -> dict[str, Any]:
    """A well-formed engine input (it may still be refused: all weights zero)."""
    kind = rule or draw(st.sampled_from(RULES))
    length = draw(st.integers(1, 400))
    period = {"start": day(0), "end": day(length - 1)}
    people = []
    for pid in draw(st.lists(ids, min_size=min_size, max_size=8, unique=True)):
        person: dict[str, Any] = {"id": pid}
        # Joined/left anywhere from well before to well after the period, or open-ended.
        joined = draw(st.one_of(st.none(), st.integers(-60, length + 60)))
        left = draw(st.one_of(st.none(), st.integers(-60, length + 60)))
        if joined is not None and left is not None and left < joined:
            joined, left = left, joined
        if joined is not None:
            person["joined"] = day(joined)
        if left is not None:
            person["left"] = day(left)
        person["population"] = draw(st.integers(0, 5))
        for field in ("share", "usage", "units"):
            person[field] = draw(exact_numbers)
        people.append(person)
    data: dict[str, Any] = {"period": period, "rule": {"kind": kind}, "participants": people}
    if kind == "base_plus_usage":
        data["rule"]["base_fraction"] = draw(st.sampled_from(["0", "0.3", "0.5", "0.125", "1", "0.333"]))
    if kind == "unit_price":
        data["rule"]["unit_price"] = draw(exact_numbers)
    else:
        cents = draw(st.one_of(st.integers(0, 10), st.integers(0, 10**9)))
        data["amount"] = f"{cents // 100}.{cents % 100:02d}"
    return data


# --- the reference --------------------------------------------------------------------------


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def ref_days(data: dict[str, Any], person: dict[str, Any]) -> int:
    start, end = _date(data["period"]["start"]), _date(data["period"]["end"])
    assert start is not None and end is not None
    joined, left = _date(person.get("joined")), _date(person.get("left"))
    first = max(start, joined) if joined else start
    last = min(end, left) if left else end
    return max(0, (last - first).days + 1)


class NoWeight(Exception):
    """The reference's "all weights zero with something to split"."""


def ref_apportion(amount: int, weights: list[Fraction], pids: list[str]) -> list[int]:
    total = sum(weights, Fraction(0))
    if total == 0:
        if amount:
            raise NoWeight
        return [0] * len(weights)
    quotas = [amount * w / total for w in weights]
    cents = [math.floor(q) for q in quotas]
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - cents[i]), pids[i]))
    for i in order[: amount - sum(cents)]:
        cents[i] += 1
    return cents


def reference(data: dict[str, Any]) -> list[int]:
    """Each participant's charge in cents, in input order (raises NoWeight)."""
    kind = data["rule"]["kind"]
    people = data["participants"]
    big_d = ref_days(data, {})
    d = [Fraction(ref_days(data, p), big_d) for p in people]
    pids = [p["id"] for p in people]

    def f(value: Any) -> Fraction:
        return Fraction(str(value))

    if kind == "unit_price":
        price = f(data["rule"]["unit_price"])
        return [round(f(p["units"]) * price * 100 * di) for p, di in zip(people, d, strict=True)]
    amount = int(f(data["amount"]) * 100)
    # A participant with no day in the period weighs nothing, whatever the rule (docs/billing.md).
    present = [Fraction(1 if di else 0) for di in d]
    if kind == "equal":
        return ref_apportion(amount, d, pids)
    if kind == "per_capita":
        return ref_apportion(amount, [f(p["population"]) * di for p, di in zip(people, d, strict=True)], pids)
    if kind == "fixed_shares":
        return ref_apportion(amount, [f(p["share"]) * di for p, di in zip(people, d, strict=True)], pids)
    usage = [f(p["usage"]) * on for p, on in zip(people, present, strict=True)]
    if kind == "by_usage":
        return ref_apportion(amount, usage, pids)
    assert kind == "base_plus_usage"
    base = round(amount * f(data["rule"]["base_fraction"]))
    base_part = ref_apportion(base, d, pids)
    usage_part = ref_apportion(amount - base, usage, pids)
    return [a + b for a, b in zip(base_part, usage_part, strict=True)]


def cents(text: str) -> int:
    whole, _, part = text.partition(".")
    assert len(part) == 2, text
    return int(whole) * 100 + int(part)


def outcome(data: dict[str, Any]) -> tuple[list[int] | None, dict[str, Any] | None]:
    """(reference cents or None if it finds no weight, engine output or None if refused)."""
    try:
        expected: list[int] | None = reference(data)
    except NoWeight:
        expected = None
    try:
        result: dict[str, Any] | None = compute(data)
    except InputError as exc:
        assert all(line.startswith("participants: all weights are zero") for line in exc.lines()), exc
        result = None
    return expected, result


# --- the properties -------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_charges_match_the_fraction_reference_to_the_cent(rule, data):
    billing = data.draw(billings(rule))
    expected, result = outcome(billing)
    # The engine refuses exactly when there is something to split and no weight to split it by.
    assert (result is None) == (expected is None)
    if result is None:
        return
    assert [c["id"] for c in result["charges"]] == [p["id"] for p in billing["participants"]]
    assert [c["days"] for c in result["charges"]] == [ref_days(billing, p) for p in billing["participants"]]
    assert [cents(c["amount"]) for c in result["charges"]] == expected


@pytest.mark.parametrize("rule", RULES)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_charges_sum_to_the_total_and_are_never_negative(rule, data):
    billing = data.draw(billings(rule))
    _, result = outcome(billing)
    assume(result is not None)
    amounts = [cents(c["amount"]) for c in result["charges"]]
    assert all(a >= 0 for a in amounts)
    assert sum(amounts) == cents(result["total"])
    if rule != "unit_price":
        assert result["total"] == billing["amount"]


@pytest.mark.parametrize("rule", RULES)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_result_does_not_depend_on_participant_order(rule, data):
    billing = data.draw(billings(rule, min_size=2))
    _, result = outcome(billing)
    assume(result is not None)
    shuffled = dict(billing, participants=data.draw(st.permutations(billing["participants"])))
    again = compute(shuffled)
    # Output follows input order; each participant's charge is the same.
    assert [c["id"] for c in again["charges"]] == [p["id"] for p in shuffled["participants"]]
    assert {c["id"]: c for c in again["charges"]} == {c["id"]: c for c in result["charges"]}
    assert again["total"] == result["total"]


@pytest.mark.parametrize("rule", RULES)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_no_day_in_the_period_is_charged_nothing(rule, data):
    billing = data.draw(billings(rule))
    length = ref_days(billing, {})
    outside = data.draw(
        st.sampled_from(
            [
                {"left": day(-1)},  # left the day before the period
                {"joined": day(-40), "left": day(-30)},
                {"joined": day(length)},  # joins the day after it
            ]
        )
    )
    ghost = {"id": "ghost~", "population": 5, "share": "3", "usage": "40", "units": "7", **outside}
    billing["participants"].append(ghost)
    expected, result = outcome(billing)
    assert (result is None) == (expected is None)
    if result is None:
        return
    assert result["charges"][-1] == {"id": "ghost~", "days": 0, "amount": "0.00"}


@pytest.mark.parametrize("rule", RULES)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_nothing_to_split_or_zero_quantity_gives_zero(rule, data):
    billing = data.draw(billings(rule))
    if rule == "unit_price":
        # Zero units, or a zero price: every charge is zero.
        if data.draw(st.booleans()):
            billing["rule"]["unit_price"] = "0"
        else:
            for person in billing["participants"]:
                person["units"] = "0"
    else:
        billing["amount"] = "0.00"
    result = compute(billing)
    assert {c["amount"] for c in result["charges"]} == {"0.00"}
    assert result["total"] == "0.00"


@given(st.integers(1, 400), st.integers(0, 10**7), st.sampled_from(APPORTIONED))
def test_one_participant_for_the_whole_period_pays_everything(length, amount_cents, rule):
    data = {
        "period": {"start": day(0), "end": day(length - 1)},
        "amount": f"{amount_cents // 100}.{amount_cents % 100:02d}",
        "rule": {"kind": rule, "base_fraction": "0.4"},
        "participants": [{"id": "avon", "population": 1, "share": "1", "usage": "1"}],
    }
    assert compute(data)["charges"] == [{"id": "avon", "days": length, "amount": data["amount"]}]


def test_amounts_beyond_decimal_precision_stay_exact():
    # 31 significant digits: more than the default decimal context's 28.
    amount = "1234567890123456789012345678.79"
    data = {"period": {"start": day(0), "end": day(89)}, "amount": amount, "rule": {"kind": "equal"}}
    data["participants"] = [{"id": "a"}]
    assert compute(data)["total"] == amount
