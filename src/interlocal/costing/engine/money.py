"""Money helpers: annualizing capital, and rounding an allocation to cents without losing a cent."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .game import GameError

__all__ = ["CENT", "annualized_capital", "capital_recovery_factor", "to_cents"]

CENT = Decimal("0.01")


def capital_recovery_factor(rate: float, years: float) -> float:
    """A = P · i(1+i)^L / ((1+i)^L − 1): the level annual payment that repays 1 over L years at rate i.

    At rate 0 it is 1/L (straight-line). `rate` is a fraction (0.04 for 4 %).
    """
    if not math.isfinite(rate) or rate <= -1:
        raise GameError("rate: must be a finite number above −1 (0.04 for 4 %)")
    if not math.isfinite(years) or years <= 0:
        raise GameError("years: must be a number > 0")
    if abs(rate) < 1e-12:
        return 1.0 / years
    growth = (1.0 + rate) ** years
    return rate * growth / (growth - 1.0)


def annualized_capital(capex: float, rate: float, years: float) -> float:
    """The annual cost of a capital outlay `capex` over `years` at `rate` (capital recovery factor)."""
    if not math.isfinite(capex):
        raise GameError("capex: must be a finite number")
    return capex * capital_recovery_factor(rate, years)


def to_cents(allocation: Mapping[str, float], total: float) -> dict[str, Decimal]:
    """Amounts rounded to cents that add up exactly to `total` rounded to cents.

    Largest-remainder method: every amount is first rounded down to the cent; the cents still
    missing (or in excess, when the amounts do not quite add up to the total) go one each to the
    amounts with the largest (or smallest) remainders, ties to the earlier name in `allocation`.
    So no amount moves by a cent or more beyond what the total's own rounding needs.
    """
    names = list(allocation)
    if not math.isfinite(total) or not all(math.isfinite(float(allocation[p])) for p in names):
        raise GameError("allocation: amounts and total must be finite numbers")
    target = int((Decimal(total) / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    if not names:
        if target != 0:
            raise GameError("allocation: no one to charge a non-zero total to")
        return {}
    exact = [Decimal(float(allocation[p])) / CENT for p in names]
    floors = [int(v.to_integral_value(rounding=ROUND_FLOOR)) for v in exact]
    remainders = [v - f for v, f in zip(exact, floors, strict=True)]
    missing = target - sum(floors)
    cents = list(floors)
    n = len(names)
    if missing >= 0:
        order = sorted(range(n), key=lambda i: (-remainders[i], i))
        step = 1
    else:
        order = sorted(range(n), key=lambda i: (remainders[i], i))
        step = -1
    # |missing| ≤ n when the amounts add up to the total; more only for inconsistent input
    whole, extra = divmod(abs(missing), n)
    for rank, i in enumerate(order):
        cents[i] += step * (whole + (1 if rank < extra else 0))
    return {p: (Decimal(c) * CENT).quantize(CENT) for p, c in zip(names, cents, strict=True)}
