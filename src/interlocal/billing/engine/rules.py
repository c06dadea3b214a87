"""The charge rules: from a `Billing` to exact charges in cents, and the JSON output shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar

from .arithmetic import (
    Apportionment,
    apportion_integers,
    base_cents,
    cents_text,
    integer_numerators,
    round_half_even,
)
from .model import BASIS, PRORATED, Billing, Participant
from .parse import parse_billing

__all__ = ["Charge", "Charges", "charge", "compute"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Charge:
    """One participant's charge: its days d inside the period and the amount in cents."""

    id: str
    days: int
    cents: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "days": self.days, "amount": cents_text(self.cents)}


@dataclass(frozen=True, slots=True)
class Charges:
    """The charges in input order, the total, and how each was reached (for explanations).

    `parts` holds one (name, Apportionment) per apportioned part: ("amount", …) for the simple
    rules, ("base", …) and ("usage", …) for base_plus_usage, none for unit_price.
    """

    charges: tuple[Charge, ...]
    total_cents: int
    period_days: int
    parts: tuple[tuple[str, Apportionment], ...] = ()
    unit_numerators: tuple[int, ...] = ()
    unit_denominator: int = 1

    def exact(self, i: int) -> Fraction:
        """Participant i's unrounded charge in cents (the sum of its quotas, or units × price × d/D)."""
        if self.unit_numerators:
            return Fraction(self.unit_numerators[i], self.unit_denominator)
        return sum((part.quota(i) for _, part in self.parts), Fraction(0))

    def as_dict(self) -> dict[str, Any]:
        return {"charges": [c.as_dict() for c in self.charges], "total": cents_text(self.total_cents)}


def _need(value: T | None, what: str) -> T:
    if value is None:
        raise ValueError(f"{what} is required by this rule")
    return value


def _basis_numerators(participants: Sequence[Participant], field: str) -> tuple[list[int], int]:
    return integer_numerators([p.basis(field) for p in participants])


def charge(billing: Billing) -> Charges:
    """Every participant's charge by the billing's rule, exact to the cent."""
    rule, period = billing.rule, billing.period
    people = billing.participants
    ids = [p.id for p in people]
    days = [period.days_of(p.joined, p.left) for p in people]
    big_d = period.days

    if rule.kind == "unit_price":
        price = _need(rule.unit_price, "unit_price")
        units, scale = _basis_numerators(people, "units")
        # units_i / scale × price × d / D, in cents
        num_factor = price.numerator * 100
        den = scale * price.denominator * big_d
        terms = tuple(u * num_factor * d for u, d in zip(units, days, strict=True))
        cents = [round_half_even(t, den) for t in terms]
        return Charges(
            tuple(Charge(i, d, c) for i, d, c in zip(ids, days, cents, strict=True)),
            sum(cents),
            big_d,
            unit_numerators=terms,
            unit_denominator=den,
        )

    amount = _need(billing.amount_cents, "amount_cents")
    parts: list[tuple[str, Apportionment]] = []
    if rule.kind == "equal":
        parts.append(("amount", apportion_integers(amount, days, ids)))
    elif rule.kind == "base_plus_usage":
        base = base_cents(amount, _need(rule.base_fraction, "base_fraction"))
        usage, _ = _basis_numerators(people, "usage")
        parts.append(("base", apportion_integers(base, days, ids)))
        parts.append(("usage", apportion_integers(amount - base, usage, ids)))
    else:
        field = _need(BASIS[rule.kind], "basis")
        values, _ = _basis_numerators(people, field)
        if rule.kind in PRORATED:
            values = [v * d for v, d in zip(values, days, strict=True)]
        parts.append(("amount", apportion_integers(amount, values, ids)))

    cents = [sum(c) for c in zip(*(part.cents for _, part in parts), strict=True)]
    return Charges(
        tuple(Charge(i, d, c) for i, d, c in zip(ids, days, cents, strict=True)),
        sum(cents),
        big_d,
        parts=tuple(parts),
    )


def compute(data: Any) -> dict[str, Any]:
    """The JSON input shape (decoded) to the JSON output shape; raises InputError with every problem."""
    return charge(parse_billing(data)).as_dict()
