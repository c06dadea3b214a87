"""Reading the JSON input shape into a `Billing`, collecting every problem as (path, reason)."""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from .arithmetic import base_cents
from .model import BASIS, PRORATED, RULES, Billing, InputError, Participant, Period, Rule

__all__ = ["parse_billing"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = 'must be a number (a JSON number or a decimal string such as "12.50")'
_MISSING = object()


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, path: str, reason: str) -> None:
        self.items.append((path, reason))


def _date(value: Any, path: str, problems: _Problems, *, nullable: bool) -> date | None:
    if value is None or value is _MISSING:
        if not nullable:
            problems.add(path, "missing")
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        problems.add(path, f"not a valid date {_show(value)} (expected YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.add(path, f"not a valid date {_show(value)} (expected YYYY-MM-DD)")
        return None


def _decimal(value: Any, path: str, problems: _Problems) -> Decimal | None:
    """A finite, non-negative decimal from a JSON number or a string; None (and a problem) if not."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        problems.add(path, _NUMBER)
        return None
    try:
        number = Decimal(repr(value) if isinstance(value, float) else value)
    except InvalidOperation:
        problems.add(path, _NUMBER)
        return None
    if not number.is_finite() or (isinstance(value, float) and not math.isfinite(value)):
        problems.add(path, _NUMBER)
        return None
    if number < 0:
        problems.add(path, "must not be negative")
        return None
    return number


def _fraction(value: Any, path: str, problems: _Problems) -> Fraction | None:
    number = _decimal(value, path, problems)
    return None if number is None else Fraction(*number.as_integer_ratio())


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
    start = _date(raw.get("start", _MISSING), "period.start", problems, nullable=False)
    end = _date(raw.get("end", _MISSING), "period.end", problems, nullable=False)
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
    if rule is not None and rule.kind == "unit_price":
        if raw is not _MISSING and raw is not None:
            problems.add("amount", "not used by the rule unit_price (the total is the sum of the charges)")
        return None
    if raw is _MISSING or raw is None:
        problems.add("amount", "missing")
        return None
    number = _decimal(raw, "amount", problems)
    if number is None:
        return None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        problems.add("amount", "more than two decimals")
        return None
    return int(number * 100)


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
    seen: dict[str, int] = {}
    out: list[Participant] = []
    ok = True
    for i, item in enumerate(raw):
        where = f"participants[{i}]"
        before = len(problems.items)
        if not isinstance(item, dict):
            problems.add(where, "must be an object")
            ok = False
            continue
        pid = item.get("id", _MISSING)
        if pid is _MISSING:
            problems.add(f"{where}.id", "missing")
        elif not isinstance(pid, str) or not pid:
            problems.add(f"{where}.id", "must be a non-empty string")
        elif pid in seen:
            problems.add(f"{where}.id", f"duplicate of participants[{seen[pid]}].id {pid!r}")
        else:
            seen[pid] = i
        joined = _date(item.get("joined"), f"{where}.joined", problems, nullable=True)
        left = _date(item.get("left"), f"{where}.left", problems, nullable=True)
        if joined is not None and left is not None and left < joined:
            problems.add(f"{where}.left", "must not be before joined")
        values: dict[str, Fraction | None] = {}
        if basis is not None:
            value = item.get(basis, _MISSING)
            if value is _MISSING or value is None:
                problems.add(f"{where}.{basis}", f"missing (the rule {rule.kind if rule else ''} needs it)")
            else:
                values[basis] = _fraction(value, f"{where}.{basis}", problems)
        if len(problems.items) != before:
            ok = False
            continue
        out.append(Participant(id=pid, joined=joined, left=left, **values))
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
    """All weights zero: nothing to apportion a non-zero amount by."""
    rule, period = billing.rule, billing.period
    if rule.kind == "unit_price" or billing.amount_cents is None:
        return
    days = [period.days_of(p.joined, p.left) for p in billing.participants]
    if rule.kind == "base_plus_usage":
        base = base_cents(billing.amount_cents, rule.base_fraction or Fraction(0))
        if base > 0 and not any(days):
            problems.add("participants", "all weights are zero: no participant has a day in the period")
        if billing.amount_cents - base > 0 and not any(p.usage for p in billing.participants):
            problems.add("participants", "all weights are zero: every usage is 0")
        return
    if billing.amount_cents == 0:
        return
    basis = BASIS[rule.kind]
    if rule.kind in PRORATED and not any(days):
        problems.add("participants", "all weights are zero: no participant has a day in the period")
    elif basis is not None and not any(
        p.basis(basis) and (d or rule.kind not in PRORATED)
        for p, d in zip(billing.participants, days, strict=True)
    ):
        problems.add(
            "participants",
            f"all weights are zero: every {basis} × days is 0"
            if rule.kind in PRORATED
            else f"all weights are zero: every {basis} is 0",
        )
