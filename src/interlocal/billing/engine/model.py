"""The engine's typed input: a period, a rule, participants; and the error carrying every problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .arithmetic import days_inside

__all__ = [
    "BASIS",
    "RULES",
    "Billing",
    "InputError",
    "Participant",
    "Period",
    "Rule",
]

# The participant field each rule weighs by (None: no basis field).
BASIS: dict[str, str | None] = {
    "equal": None,
    "per_capita": "population",
    "fixed_shares": "share",
    "by_usage": "usage",
    "base_plus_usage": "usage",
    "unit_price": "units",
}
RULES = tuple(BASIS)
# Rules whose weight is prorated by d/D (by_usage is not: usage already reflects time).
PRORATED = frozenset({"equal", "per_capita", "fixed_shares", "unit_price"})


class InputError(ValueError):
    """Bad engine input; `problems` holds every (path, reason) found, in input order."""

    def __init__(self, problems: Iterable[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.lines()))

    def lines(self) -> list[str]:
        """One `path: reason` line per problem."""
        return [f"{path}: {reason}" for path, reason in self.problems]


@dataclass(frozen=True, slots=True)
class Period:
    """A billing period, both dates inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period end before start")

    @property
    def days(self) -> int:
        """D: the number of days in the period."""
        return (self.end - self.start).days + 1

    def days_of(self, joined: date | None, left: date | None) -> int:
        """d: the days of [joined, left] inside the period."""
        return days_inside(self.start, self.end, joined, left)


@dataclass(frozen=True, slots=True)
class Participant:
    """One participant; only the basis field of the rule in use needs a value."""

    id: str
    joined: date | None = None
    left: date | None = None
    population: Fraction | None = None
    share: Fraction | None = None
    usage: Fraction | None = None
    units: Fraction | None = None

    def basis(self, field: str) -> Fraction:
        value = getattr(self, field)
        if value is None:
            raise ValueError(f"participant {self.id!r} has no {field}")
        return value  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Rule:
    """A charge rule: `kind` in RULES, with base_fraction (base_plus_usage) or unit_price (unit_price)."""

    kind: str
    base_fraction: Fraction | None = None
    unit_price: Fraction | None = None

    def __post_init__(self) -> None:
        if self.kind not in BASIS:
            raise ValueError(f"unknown rule {self.kind!r}")
        if self.kind == "base_plus_usage" and self.base_fraction is None:
            raise ValueError("base_plus_usage needs base_fraction")
        if self.kind == "unit_price" and self.unit_price is None:
            raise ValueError("unit_price needs unit_price")

    @property
    def basis(self) -> str | None:
        return BASIS[self.kind]


@dataclass(frozen=True, slots=True)
class Billing:
    """What to charge: `amount_cents` over the period by the rule (None for unit_price)."""

    period: Period
    rule: Rule
    participants: tuple[Participant, ...]
    amount_cents: int | None = None
