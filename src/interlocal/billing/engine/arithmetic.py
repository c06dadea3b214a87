"""Exact arithmetic of charges: days inside a period, apportionment to the cent, half-even rounding.

Everything is integer cents or `fractions.Fraction`; no floats. The apportionment works on integer
weight numerators over one common denominator (the denominator cancels in w / Σw), so 100,000
participants cost one pass of integer multiplications and a sort of the remainders.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import repeat

__all__ = [
    "Apportionment",
    "apportion",
    "apportion_integers",
    "base_cents",
    "cents_text",
    "days_inside",
    "integer_numerators",
    "round_half_even",
]


def days_inside(start: date, end: date, joined: date | None = None, left: date | None = None) -> int:
    """Days of [joined, left] inside [start, end], all inclusive; None is open-ended; 0 if apart."""
    first = start if joined is None or joined < start else joined
    last = end if left is None or left > end else left
    return max(0, (last - first).days + 1)


def round_half_even(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves to the even one (denominator > 0)."""
    q, r = divmod(numerator, denominator)
    twice = 2 * r
    if twice > denominator or (twice == denominator and q % 2 == 1):
        q += 1
    return q


def base_cents(amount_cents: int, base_fraction: Fraction) -> int:
    """The base part of base_plus_usage: amount × base_fraction rounded half-even to the cent."""
    return round_half_even(amount_cents * base_fraction.numerator, base_fraction.denominator)


def integer_numerators(values: Sequence[int | Decimal | Fraction]) -> tuple[list[int], int]:
    """Exact numbers (int, Decimal, Fraction) as numerators over their least common denominator.

    Returns (numerators, denominator): values[i] == numerators[i] / denominator.
    """
    ratios = [v.as_integer_ratio() for v in values]
    common = math.lcm(*{d for _, d in ratios}) if ratios else 1
    if common == 1:
        return [n for n, _ in ratios], 1
    return [n * (common // d) for n, d in ratios], common


@dataclass(frozen=True, slots=True)
class Apportionment:
    """Result of splitting `amount` cents by integer weights.

    `cents[i]` is participant i's share; participant i's exact quota is
    amount × weights[i] / total_weight cents, whose floor is `cents[i] - extra[i]`.
    """

    amount: int
    weights: tuple[int, ...]
    total_weight: int
    cents: tuple[int, ...]
    extra: tuple[bool, ...]

    def quota(self, i: int) -> Fraction:
        """The exact rational quota of participant i, in cents."""
        if self.total_weight == 0:
            return Fraction(0)
        return Fraction(self.amount * self.weights[i], self.total_weight)


def apportion_integers(amount: int, weights: Sequence[int], ids: Sequence[str]) -> Apportionment:
    """Split `amount` cents by non-negative integer `weights` (largest remainders, exact).

    Each gets floor(amount × w / Σw); the cents left over go one each to the largest remainders,
    ties to the lower id in string (code point) order. Σw = 0 is only allowed with amount 0.
    """
    if len(weights) != len(ids):
        raise ValueError("weights and ids must have the same length")
    if amount < 0:
        raise ValueError("amount must not be negative")
    total = sum(weights)
    if total == 0:
        if amount:
            raise ValueError("all weights are zero")
        zeros = tuple(0 for _ in weights)
        return Apportionment(amount, tuple(weights), 0, zeros, tuple(False for _ in weights))
    if min(weights) < 0:
        raise ValueError("weights must not be negative")
    quotients, remainders = zip(*map(divmod, map(amount.__mul__, weights), repeat(total)), strict=True)
    cents = list(quotients)
    left_over = amount - sum(cents)
    extra = [False] * len(cents)
    if left_over:
        # 0 < left_over < the number of positive remainders: the largest get a cent each; among
        # those equal to the smallest winning remainder (the cut), the lower ids do.
        cut = sorted(remainders, reverse=True)[left_over - 1]
        winners = [i for i, r in enumerate(remainders) if r > cut]
        tied = sorted((i for i, r in enumerate(remainders) if r == cut), key=ids.__getitem__)
        winners.extend(tied[: left_over - len(winners)])
        for i in winners:
            cents[i] += 1
            extra[i] = True
    return Apportionment(amount, tuple(weights), total, tuple(cents), tuple(extra))


def apportion(
    amount_cents: int, weights: Sequence[int | Decimal | Fraction], ids: Sequence[str]
) -> list[int]:
    """Split `amount_cents` by exact weights: rational quotas, floor, largest remainders, ties by id."""
    numerators, _ = integer_numerators(weights)
    return list(apportion_integers(amount_cents, numerators, ids).cents)


def cents_text(cents: int) -> str:
    """12345 -> '123.45' (two decimals, no thousands separator)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"
