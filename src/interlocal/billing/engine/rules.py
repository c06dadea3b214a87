"""The charge rules: from a `Billing` to exact charges in cents, and the JSON output shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from .arithmetic import (
    Apportionment,
    apportion_integers,
    base_cents,
    cents_text,
    days_inside,
    integer_numerators,
    round_half_even,
)
from .model import BASIS, PRORATED, Billing, Number, Participant
from .parse import parse_billing

__all__ = ["Charge", "Charges", "charge", "compute"]

T = TypeVar("T")
_joined = itemgetter(1)
_left = itemgetter(2)


class Charge(NamedTuple):
    """One participant's charge: its days d inside the period and the amount in cents."""

    id: str
    days: int
    cents: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "days": self.days, "amount": cents_text(self.cents)}


@dataclass(frozen=True, slots=True)
class Charges:
    """The charges in input order (ids, days, cents), the total, and how each was reached.

    `parts` holds one (name, Apportionment) per apportioned part: ("amount", …) for the simple
    rules, ("base", …) and ("usage", …) for base_plus_usage, none for unit_price, whose exact
    charges are unit_numerators[i] / unit_denominator cents.
    """

    ids: tuple[str, ...]
    days: tuple[int, ...]
    cents: tuple[int, ...]
    total_cents: int
    period_days: int
    parts: tuple[tuple[str, Apportionment], ...] = ()
    unit_numerators: tuple[int, ...] = ()
    unit_denominator: int = 1

    @property
    def charges(self) -> list[Charge]:
        return [Charge(*row) for row in zip(self.ids, self.days, self.cents, strict=True)]

    def exact(self, i: int) -> Fraction:
        """Participant i's unrounded charge in cents (the sum of its quotas, or units × price × d/D)."""
        if self.unit_numerators:
            return Fraction(self.unit_numerators[i], self.unit_denominator)
        return sum((part.quota(i) for _, part in self.parts), Fraction(0))

    def as_dict(self) -> dict[str, Any]:
        """The output shape: {"charges": [{"id", "days", "amount"}, …], "total"}."""
        return {
            "charges": [
                {"id": i, "days": d, "amount": "%d.%02d" % divmod(c, 100)}  # noqa: UP031
                for i, d, c in zip(self.ids, self.days, self.cents, strict=True)
            ],
            "total": cents_text(self.total_cents),
        }


def _exact(value: Number | None, what: str) -> Fraction:
    if value is None:
        raise ValueError(f"{what} is required by this rule")
    return Fraction(value)


def _need(value: T | None, what: str) -> T:
    if value is None:
        raise ValueError(f"{what} is required by this rule")
    return value


def _basis_numerators(participants: Sequence[Participant], field: str) -> tuple[list[int], int]:
    return integer_numerators([p.basis(field) for p in participants])


def _present(values: list[int], days: Sequence[int]) -> list[int]:
    """Unprorated weights (usage) count only for a participant with a day in the period (d > 0)."""
    if all(days):
        return values
    return [v if d else 0 for v, d in zip(values, days, strict=True)]


def charge(billing: Billing) -> Charges:
    """Every participant's charge by the billing's rule, exact to the cent."""
    rule, period = billing.rule, billing.period
    people = billing.participants
    big_d = period.days
    ids = tuple(p.id for p in people)
    start, end = period.start, period.end
    days = tuple(
        big_d if joined is None and left is None else days_inside(start, end, joined, left)
        for joined, left in zip(map(_joined, people), map(_left, people), strict=True)
    )

    if rule.kind == "unit_price":
        price = _exact(rule.unit_price, "unit_price")
        units, scale = _basis_numerators(people, "units")
        # units_i / scale × price × d / D, in cents
        num_factor = price.numerator * 100
        den = scale * price.denominator * big_d
        terms = tuple(u * num_factor * d for u, d in zip(units, days, strict=True))
        cents = tuple(round_half_even(t, den) for t in terms)
        return Charges(
            ids,
            days,
            cents,
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
        base = base_cents(amount, _exact(rule.base_fraction, "base_fraction"))
        usage = _present(_basis_numerators(people, "usage")[0], days)
        parts.append(("base", apportion_integers(base, days, ids)))
        parts.append(("usage", apportion_integers(amount - base, usage, ids)))
    else:
        field = _need(BASIS[rule.kind], "basis")
        values, _ = _basis_numerators(people, field)
        if rule.kind in PRORATED:
            values = [v * d for v, d in zip(values, days, strict=True)]
        else:
            values = _present(values, days)
        parts.append(("amount", apportion_integers(amount, values, ids)))

    if len(parts) == 1:
        cents = parts[0][1].cents
    else:
        cents = tuple(sum(c) for c in zip(*(part.cents for _, part in parts), strict=True))
    return Charges(
        ids,
        days,
        cents,
        sum(cents),
        big_d,
        parts=tuple(parts),
    )


def compute(data: Any) -> dict[str, Any]:
    """The JSON input shape (decoded) to the JSON output shape; raises InputError with every problem."""
    return charge(parse_billing(data)).as_dict()
