"""Money and percentage formatting for cost pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """$1,234 (whole dollars); an em dash for nothing."""
    if value is None or value == "":
        return "—"
    amount = float(value)
    sign = "−" if amount < 0 else ""
    return f"{sign}${abs(amount):,.0f}"


@register.filter
def cents(value: Any) -> str:
    """$1,234.56: exact amounts (charges that add up to the total)."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value)
    sign = "−" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


@register.filter
def percent(value: Any) -> str:
    """0.97 -> 97 %."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.0f} %"


@register.filter
def index(sequence: Any, i: int) -> Any:
    try:
        return sequence[i]
    except (IndexError, KeyError, TypeError):
        return None
