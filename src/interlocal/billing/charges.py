"""A billing run's charges: services.queries.billing_basis → the charge engine → explained lines.

Read-only (previews call it on every view; issuing calls it once more inside its action). The
query count does not depend on the number of members: the run's services, the basis (three
queries) and the members' names and populations.

Each subscription segment (a stretch of days with one units figure) is one engine participant,
with id "<member id, 10 digits>.<segment index>": ties of the largest-remainder rule then go to
the lower member id. A member's segments of one service make one invoice line.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from interlocal.billing.engine import InputError, compute
from interlocal.billing.models import BillingRun
from interlocal.services.queries import billing_basis
from interlocal.tenancy.models import Member

__all__ = ["LineCharge", "MemberCharges", "Problem", "RunCharges", "compute_run", "period_amount"]

CENT = Decimal("0.01")


@dataclass
class LineCharge:
    """One service's charge to one member, with its explanation."""

    service_id: int
    service_name: str
    rule: str
    days: int
    period_days: int
    quantity: Decimal
    amount: Decimal
    exact: Fraction
    basis: dict[str, str]

    @property
    def rounding(self) -> Decimal:
        """The charge less the exact quota (largest-remainder cents, half-even rounding)."""
        return (self.amount - Decimal(self.exact.numerator) / Decimal(self.exact.denominator)).quantize(
            Decimal("0.000001")
        )

    @property
    def description(self) -> str:
        return f"{self.service_name} ({self.rule})"


@dataclass
class MemberCharges:
    """A member's lines of a run."""

    member: Member
    lines: list[LineCharge] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class Problem:
    """Why a service could not be charged (the engine's `path: reason`)."""

    service: str
    path: str
    reason: str


@dataclass
class RunCharges:
    """Everything a run would invoice, per member in name order, and the problems found."""

    members: list[MemberCharges]
    problems: list[Problem]

    @property
    def total(self) -> Decimal:
        return sum((m.total for m in self.members), Decimal(0))


def period_amount(annual: Decimal, start: dt.date, end: dt.date) -> Decimal:
    """An annual amount prorated by calendar days: each day is 1/365 (1/366 in a leap year)."""
    exact = Fraction(0)
    day = start
    while day <= end:
        year_end = min(end, dt.date(day.year, 12, 31))
        in_year = (dt.date(day.year, 12, 31) - dt.date(day.year, 1, 1)).days + 1
        exact += Fraction(annual) * ((year_end - day).days + 1) / in_year
        day = year_end + dt.timedelta(days=1)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def _days(start: dt.date, end: dt.date, seg_start: dt.date, seg_end: dt.date | None) -> int:
    lo, hi = max(start, seg_start), min(end, seg_end or end)
    return max(0, (hi - lo).days + 1)


def _text(value: Decimal | Fraction | int) -> str:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return format(Decimal(value).normalize(), "f")


def _weights(
    rule: str, rows: list[dict[str, Any]], period_days: int, params: dict[str, Any]
) -> list[Fraction]:
    """The exact quota basis of each participant, for the explanation (the engine decides)."""
    out = []
    for row in rows:
        d = Fraction(row["days"], period_days)
        if rule == "per_capita":
            out.append(Fraction(row["population"] or 0) * d)
        elif rule == "fixed_shares":
            out.append(Fraction(Decimal(row["share"])) * d)
        elif rule == "by_usage":
            out.append(Fraction(Decimal(row["usage"])) if row["days"] else Fraction(0))
        elif rule == "unit_price":
            out.append(
                Fraction(Decimal(row["units"])) * Fraction(Decimal(str(params.get("unit_price", 0)))) * d
            )
        else:
            out.append(d)
    return out


def _exact_quotas(
    rule: str, amount: Decimal, rows: list[dict[str, Any]], period_days: int, params: dict[str, Any]
) -> list[Fraction]:
    if rule == "unit_price":
        return _weights(rule, rows, period_days, params)
    if rule == "base_plus_usage":
        base = Fraction(
            (amount * Decimal(str(params.get("base_fraction", 0)))).quantize(CENT, rounding=ROUND_HALF_EVEN)
        )
        eq = _weights("equal", rows, period_days, params)
        use = _weights("by_usage", rows, period_days, params)
        se, su = sum(eq), sum(use)
        rest = Fraction(amount) - base
        return [
            (base * e / se if se else Fraction(0)) + (rest * u / su if su else Fraction(0))
            for e, u in zip(eq, use, strict=True)
        ]
    weights = _weights(rule, rows, period_days, params)
    total = sum(weights)
    return [Fraction(amount) * w / total if total else Fraction(0) for w in weights]


def compute_run(run: BillingRun, *, on_service: Callable[[int], None] | None = None) -> RunCharges:
    """Every participant's charge for the run's services and period, with explanations."""
    start, end = run.period_start, run.period_end
    period_days = (end - start).days + 1
    services = list(run.services.all())
    basis = billing_basis(run.consortium_id, start, end, service_ids=[s.pk for s in services])
    by_service: dict[int, list[Any]] = defaultdict(list)
    for seg in basis.segments:
        by_service[seg.service_id].append(seg)
    member_ids = {seg.member_id for seg in basis.segments}
    members = {
        m.pk: m for m in Member.objects.filter(pk__in=member_ids).only("pk", "name", "slug", "population")
    }
    charges: dict[int, MemberCharges] = {}
    problems: list[Problem] = []
    for done, service in enumerate(services, start=1):
        lines, found = _service_lines(
            service, by_service[service.pk], basis.usage, members, start, end, period_days
        )
        problems.extend(found)
        for member_id, line in lines:
            charges.setdefault(member_id, MemberCharges(members[member_id])).lines.append(line)
        if on_service is not None:
            on_service(done)
    ordered = sorted(charges.values(), key=lambda m: (m.member.name, m.member.pk))
    return RunCharges(members=ordered, problems=problems)


def _service_lines(
    service: Any,
    segments: Iterable[Any],
    usage: dict[tuple[int, int], Decimal],
    members: dict[int, Member],
    start: dt.date,
    end: dt.date,
    period_days: int,
) -> tuple[list[tuple[int, LineCharge]], list[Problem]]:
    rule, params = service.pricing_rule, dict(service.pricing_params or {})
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for index, seg in enumerate(sorted(segments, key=lambda s: (s.member_id, s.start))):
        days = _days(start, end, seg.start, seg.end)
        if not days:
            # A segment outside the period (before or after a dated change) charges nothing, and
            # its usage must go on a segment inside it: the engine charges d = 0 nothing.
            continue
        first = seg.member_id not in seen
        seen.add(seg.member_id)
        population = members[seg.member_id].population
        rows.append(
            {
                "id": f"{seg.member_id:010d}.{index:06d}",
                "member_id": seg.member_id,
                "joined": max(seg.start, start).isoformat(),
                "left": min(seg.end, end).isoformat() if seg.end else None,
                "days": days,
                "population": population,
                "share": _text(seg.units),
                "units": _text(seg.units),
                "usage": _text(usage.get((service.pk, seg.member_id), Decimal(0)) if first else Decimal(0)),
            }
        )
    if not rows:
        return [], []
    data: dict[str, Any] = {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "rule": {"kind": rule, **{k: str(v) for k, v in params.items()}},
        "participants": [
            {k: r[k] for k in ("id", "joined", "left", "population", "share", "usage", "units")} for r in rows
        ],
    }
    amount = Decimal(0)
    if rule != "unit_price":
        if service.annual_amount is None:
            return [], [Problem(service.name, "amount", _("the service has no annual amount to recover"))]
        amount = period_amount(service.annual_amount, start, end)
        data["amount"] = format(amount, "f")
    try:
        result = compute(data)
    except InputError as exc:
        return [], [Problem(service.name, str(p), str(r)) for p, r in exc.problems]
    exact = _exact_quotas(rule, amount, rows, period_days, params)
    lines: dict[int, LineCharge] = {}
    for row, out, quota in zip(rows, result["charges"], exact, strict=True):
        line = lines.get(row["member_id"])
        if line is None:
            line = lines[row["member_id"]] = LineCharge(
                service_id=service.pk,
                service_name=service.name,
                rule=rule,
                days=0,
                period_days=period_days,
                quantity=Decimal(row["usage"]) if "usage" in rule else Decimal(row["units"]),
                amount=Decimal(0),
                exact=Fraction(0),
                basis=_basis(rule, row, params, amount),
            )
        line.days += int(out["days"])
        line.amount += Decimal(out["amount"])
        line.exact += quota
    total_exact = sum(exact) or Fraction(1)
    for line in lines.values():
        if rule != "unit_price":
            line.basis["share"] = _text((line.exact / total_exact * 100).limit_denominator(10**8)) + " %"
        line.basis["exact"] = _text(Decimal(line.exact.numerator) / Decimal(line.exact.denominator))
    return sorted(lines.items()), []


def _basis(rule: str, row: dict[str, Any], params: dict[str, Any], amount: Decimal) -> dict[str, str]:
    basis: dict[str, str] = {"rule": rule}
    if rule != "unit_price":
        basis["period_amount"] = format(amount, "f")
    if rule == "per_capita":
        basis["population"] = str(row["population"] or 0)
    elif rule == "fixed_shares":
        basis["weight"] = row["share"]
    elif rule in ("by_usage", "base_plus_usage"):
        basis["usage"] = row["usage"]
    if rule == "base_plus_usage":
        basis["base_fraction"] = str(params.get("base_fraction", ""))
    if rule == "unit_price":
        basis["units"] = row["units"]
        basis["unit_price"] = str(params.get("unit_price", ""))
    return basis
