"""One plain sentence about a stability check, for councils rather than game theorists."""

from __future__ import annotations

from .core import CoreCheck

__all__ = ["explain_core", "money"]


def money(amount: float) -> str:
    """$179,000 for large amounts (rounded to the thousand: estimates are not exact), else $1,234."""
    amount = abs(amount)
    if amount >= 10_000:
        return f"${round(amount, -3):,.0f}"
    return f"${amount:,.0f}"


def _names(members: list[str], limit: int = 8) -> str:
    if len(members) <= limit:
        shown = members
        rest = 0
    else:
        shown, rest = members[:limit], len(members) - limit
    if rest:
        return ", ".join(shown) + f" and {rest} others"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def explain_core(check: CoreCheck, rule: str, *, period: str = "a year") -> str:
    """E.g. 'Under per capita, these 21 members would save $179,000 a year by splitting off: ...'."""
    if not check.members:
        return f"Under {rule}, there is no smaller group that could split off."
    if check.stable:
        return (
            f"Under {rule}, no group of members would save by splitting off; the closest, "
            f"{_names(check.members)}, would pay {money(check.excess)} {period} more on its own."
        )
    if len(check.members) == 1:
        return f"Under {rule}, {check.members[0]} would save {money(check.excess)} {period} by going alone."
    return (
        f"Under {rule}, these {len(check.members)} members would save {money(check.excess)} {period} "
        f"by splitting off: {_names(check.members)}."
    )
