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
from fractions import Fraction

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


def integer_numerators(values: Sequence[Fraction]) -> tuple[list[int], int]:
    """Numerators of `values` over their least common denominator, and that denominator."""
    common = math.lcm(*{v.denominator for v in values}) if values else 1
    return [v.numerator * (common // v.denominator) for v in values], common


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
    cents: list[int] = []
    remainders: list[int] = []
    for w in weights:
        if w < 0:
            raise ValueError("weights must not be negative")
        q, r = divmod(amount * w, total)
        cents.append(q)
        remainders.append(r)
    left_over = amount - sum(cents)
    extra = [False] * len(cents)
    if left_over:
        # left_over < number of positive remainders, so only those are candidates
        candidates = [i for i, r in enumerate(remainders) if r]
        candidates.sort(key=lambda i: (-remainders[i], ids[i]))
        for i in candidates[:left_over]:
            cents[i] += 1
            extra[i] = True
    return Apportionment(amount, tuple(weights), total, tuple(cents), tuple(extra))


def apportion(amount_cents: int, weights: Sequence[Fraction | int], ids: Sequence[str]) -> list[int]:
    """Split `amount_cents` by rational weights: exact quotas, floor, largest remainders, ties by id."""
    numerators, _ = integer_numerators([Fraction(w) for w in weights])
    return list(apportion_integers(amount_cents, numerators, ids).cents)


def cents_text(cents: int) -> str:
    """12345 -> '123.45' (two decimals, no thousands separator)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"
