"""Reading the JSON input shape into a `Billing`, collecting every problem as (path, reason)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from .arithmetic import base_cents
from .model import BASIS, PRORATED, RULES, Billing, InputError, Participant, Period, Rule

__all__ = ["parse_billing"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}").fullmatch
_NUMBER = 'must be a number (a JSON number or a decimal string such as "12.50")'
_MISSING = object()


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, path: str, reason: str) -> None:
        self.items.append((path, reason))


_BAD_DATE = "not a valid date {} (expected YYYY-MM-DD)"


def _date_or_reason(value: Any) -> tuple[date | None, str | None]:
    """(the date, None), or (None, the reason it is not a date). None stays None."""
    if value is None:
        return None, None
    if type(value) is str and _DATE(value):
        try:
            return date.fromisoformat(value), None
        except ValueError:
            pass
    return None, _BAD_DATE.format(_show(value))


def _date(value: Any, path: str, problems: _Problems) -> date | None:
    if value is None or value is _MISSING:
        problems.add(path, "missing")
        return None
    parsed, reason = _date_or_reason(value)
    if reason:
        problems.add(path, reason)
    return parsed


def _number_or_reason(value: Any) -> tuple[int | Decimal | None, str | None]:
    """An exact, finite, non-negative number from a JSON number or a decimal string.

    Integers stay int; strings and floats become Decimal (a float by its shortest repr, so 0.1 is
    exactly 1/10). Returns (number, None) or (None, reason).
    """
    kind = type(value)
    number: int | Decimal
    if kind is int:
        number = value
    elif kind is str or kind is float:
        try:
            number = Decimal(value if kind is str else repr(value))
        except InvalidOperation:
            return None, _NUMBER
        if not number.is_finite():
            return None, _NUMBER
    else:
        return None, _NUMBER
    if number < 0:
        return None, "must not be negative"
    return number, None


def _decimal(value: Any, path: str, problems: _Problems) -> int | Decimal | None:
    number, reason = _number_or_reason(value)
    if reason:
        problems.add(path, reason)
    return number


def _fraction(value: Any, path: str, problems: _Problems) -> Fraction | None:
    number = _decimal(value, path, problems)
    return None if number is None else Fraction(number)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _period(data: dict[str, Any], problems: _Problems) -> Period | None:
    raw = data.get("period", _MISSING)
    if raw is _MISSING:
        problems.add("period", "missing")
        return None
    if not isinstance(raw, dict):
        problems.add("period", 'must be an object {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}')
        return None
    start = _date(raw.get("start", _MISSING), "period.start", problems)
    end = _date(raw.get("end", _MISSING), "period.end", problems)
    if start is None or end is None:
        return None
    if end < start:
        problems.add("period.end", "must not be before period.start")
        return None
    return Period(start, end)


def _rule(data: dict[str, Any], problems: _Problems) -> Rule | None:
    raw = data.get("rule", _MISSING)
    if raw is _MISSING:
        problems.add("rule", "missing")
        return None
    if not isinstance(raw, dict):
        problems.add("rule", 'must be an object such as {"kind": "per_capita"}')
        return None
    kind = raw.get("kind", _MISSING)
    if kind is _MISSING:
        problems.add("rule.kind", "missing")
        return None
    if kind not in RULES:
        problems.add("rule.kind", f"unknown rule {_show(kind)} (expected one of {', '.join(RULES)})")
        return None
    base_fraction = unit_price = None
    if kind == "base_plus_usage":
        if "base_fraction" not in raw:
            problems.add("rule.base_fraction", "missing (the rule base_plus_usage needs it)")
            return None
        base_fraction = _fraction(raw["base_fraction"], "rule.base_fraction", problems)
        if base_fraction is None:
            return None
        if base_fraction > 1:
            problems.add("rule.base_fraction", "must be between 0 and 1")
            return None
    if kind == "unit_price":
        if "unit_price" not in raw:
            problems.add("rule.unit_price", "missing (the rule unit_price needs it)")
            return None
        unit_price = _fraction(raw["unit_price"], "rule.unit_price", problems)
        if unit_price is None:
            return None
    return Rule(kind, base_fraction=base_fraction, unit_price=unit_price)


def _amount(data: dict[str, Any], rule: Rule | None, problems: _Problems) -> int | None:
    raw = data.get("amount", _MISSING)
    raw_rule = data.get("rule")
    # The kind, even when the rule's parameters are bad: unit_price takes no amount either way.
    kind = rule.kind if rule is not None else raw_rule.get("kind") if isinstance(raw_rule, dict) else None
    if kind == "unit_price":
        if raw is not _MISSING and raw is not None:
            problems.add("amount", "not used by the rule unit_price (the total is the sum of the charges)")
        return None
    if raw is _MISSING or raw is None:
        problems.add("amount", "missing")
        return None
    number = _decimal(raw, "amount", problems)
    if number is None:
        return None
    exponent = number.as_tuple().exponent if isinstance(number, Decimal) else 0
    if isinstance(exponent, int) and exponent < -2:
        problems.add("amount", "more than two decimals")
        return None
    # Through Fraction: Decimal arithmetic would round to the context's 28 digits.
    return int(Fraction(number) * 100)


def _participants(data: dict[str, Any], rule: Rule | None, problems: _Problems) -> list[Participant] | None:
    raw = data.get("participants", _MISSING)
    if raw is _MISSING:
        problems.add("participants", "missing")
        return None
    if not isinstance(raw, list):
        problems.add("participants", "must be a list of participants")
        return None
    if not raw:
        problems.add("participants", "must not be empty")
        return None
    basis = rule.basis if rule is not None else None
    needs = f"missing (the rule {rule.kind} needs it)" if rule is not None else ""
    seen: dict[str, int] = {}
    out: list[Participant] = []
    ok = True
    new = tuple.__new__  # what NamedTuple._make does, without its checks
    row: list[Any] = [None] * len(Participant._fields)
    slot = Participant._fields.index(basis) if basis is not None else 0
    # The fast path builds no path strings: they are made only for a problem.
    for i, item in enumerate(raw):
        if type(item) is not dict:
            problems.add(f"participants[{i}]", "must be an object")
            ok = False
            continue
        found: list[tuple[str, str]] = []
        pid = item.get("id", _MISSING)
        if type(pid) is str and pid and pid not in seen:
            seen[pid] = i
        elif pid is _MISSING:
            found.append(("id", "missing"))
        elif type(pid) is not str or not pid:
            found.append(("id", "must be a non-empty string"))
        else:
            found.append(("id", f"duplicate of participants[{seen[pid]}].id {pid!r}"))
        joined = item.get("joined")
        if joined is not None:
            joined, reason = _date_or_reason(joined)
            if reason:
                found.append(("joined", reason))
        left = item.get("left")
        if left is not None:
            left, reason = _date_or_reason(left)
            if reason:
                found.append(("left", reason))
            elif joined is not None and left is not None and left < joined:
                found.append(("left", "must not be before joined"))
        value: int | Decimal | None = None
        if basis is not None:
            value = item.get(basis)
            if value is None:
                found.append((basis, needs))
            elif type(value) is not int or value < 0:
                value, reason = _number_or_reason(value)
                if reason:
                    found.append((basis, reason))
        if found:
            for field, reason in found:
                problems.add(f"participants[{i}].{field}", reason)
            ok = False
        elif ok:
            row[0], row[1], row[2] = pid, joined, left
            if slot:
                row[slot] = value
            out.append(new(Participant, row))
    return out if ok else None


def parse_billing(data: Any) -> Billing:
    """The JSON input shape (already decoded) as a `Billing`; raises InputError with every problem."""
    problems = _Problems()
    if not isinstance(data, dict):
        raise InputError([("input", 'must be a JSON object with "period", "rule", "participants"')])
    period = _period(data, problems)
    rule = _rule(data, problems)
    amount = _amount(data, rule, problems)
    participants = _participants(data, rule, problems)
    if problems.items or period is None or rule is None or participants is None:
        raise InputError(problems.items)
    billing = Billing(period, rule, tuple(participants), amount)
    _check_weights(billing, problems)
    if problems.items:
        raise InputError(problems.items)
    return billing


def _check_weights(billing: Billing, problems: _Problems) -> None:
    """All weights zero: nothing to apportion a non-zero amount (or part of it) by."""
    rule, period, people = billing.rule, billing.period, billing.participants
    if rule.kind == "unit_price" or billing.amount_cents is None:
        return
    no_days = "all weights are zero: no participant has a day in the period"
    if rule.kind == "base_plus_usage":
        base = base_cents(billing.amount_cents, Fraction(rule.base_fraction or 0))
        if base > 0 and not any(period.days_of(p.joined, p.left) for p in people):
            problems.add("participants", no_days)
        if billing.amount_cents - base > 0 and not any(
            p.usage and period.days_of(p.joined, p.left) for p in people
        ):
            problems.add("participants", "all weights are zero: every usage in the period is 0")
        return
    if billing.amount_cents == 0:
        return
    basis = BASIS[rule.kind]
    if rule.kind in PRORATED:
        if not any(period.days_of(p.joined, p.left) for p in people):
            problems.add("participants", no_days)
        elif basis is not None and not any(
            p.basis(basis) and period.days_of(p.joined, p.left) for p in people
        ):
            problems.add("participants", f"all weights are zero: every {basis} × days is 0")
    elif basis is not None and not any(p.basis(basis) and period.days_of(p.joined, p.left) for p in people):
        # Usage counts only for participants with a day in the period (d = 0 is charged 0.00).
        problems.add("participants", f"all weights are zero: every {basis} in the period is 0")
