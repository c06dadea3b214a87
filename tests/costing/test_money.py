"""Capital recovery and rounding allocations to cents that add up exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlocal.costing.engine import GameError, annualized_capital, capital_recovery_factor, to_cents


def test_capital_recovery_factor_textbook_value():
    # 5 % over 10 years: 0.12950 (standard interest tables)
    assert capital_recovery_factor(0.05, 10) == pytest.approx(0.1295045750, rel=1e-9)
    assert annualized_capital(1_000_000, 0.05, 10) == pytest.approx(129_504.575, rel=1e-9)


def test_zero_rate_is_straight_line():
    assert capital_recovery_factor(0.0, 8) == pytest.approx(1 / 8)
    assert annualized_capital(800, 0, 8) == pytest.approx(100)
    # continuous in the rate near 0
    assert capital_recovery_factor(1e-9, 8) == pytest.approx(1 / 8, rel=1e-6)


@pytest.mark.parametrize(("rate", "years"), [(0.05, 0), (0.05, -3), (float("nan"), 5), (-1.5, 5)])
def test_bad_rate_or_life(rate, years):
    with pytest.raises(GameError):
        capital_recovery_factor(rate, years)


def test_thirds_of_a_dollar():
    cents = to_cents({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}, 1.0)
    assert cents == {"a": Decimal("0.34"), "b": Decimal("0.33"), "c": Decimal("0.33")}
    assert sum(cents.values()) == Decimal("1.00")


def test_largest_remainders_get_the_missing_cents():
    cents = to_cents({"a": 10.004, "b": 20.008, "c": 30.008}, 60.02)
    # floors 10.00 + 20.00 + 30.00 = 60.00; the two largest remainders (b, c) get a cent each
    assert cents == {"a": Decimal("10.00"), "b": Decimal("20.01"), "c": Decimal("30.01")}


amounts = st.dictionaries(
    st.text(min_size=1, max_size=5),
    st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(amounts)
def test_cents_sum_exactly_to_the_rounded_total(allocation):
    total = sum(allocation.values())
    cents = to_cents(allocation, total)
    assert list(cents) == list(allocation)
    assert sum(cents.values()) == Decimal(total).quantize(Decimal("0.01"))
    for name, amount in allocation.items():
        assert cents[name] == cents[name].quantize(Decimal("0.01"))
        assert abs(float(cents[name]) - amount) < 0.0101 + 1e-9 * amount
