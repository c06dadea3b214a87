"""Charts of a scenario: Vega-Lite specs for the pages, and the same charts as inline SVG for PDFs.

WeasyPrint runs no JavaScript, so the PDF gets small server-drawn SVG bar charts instead.
"""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["bar_spec", "histogram_spec", "svg_bars", "tornado_spec"]

BLUE = "#005ea2"
RED = "#b50909"
GREEN = "#00a91c"


def histogram_spec(rows: list[dict[str, float]], title: str) -> dict[str, Any]:
    """Simulated total savings: how many draws fell in each band."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        # The figures are in a table next to each chart: no export menu (an unlabelled <summary>).
        "usermeta": {"embedOptions": {"actions": False}},
        "title": title,
        "width": "container",
        "height": 220,
        "data": {"values": rows},
        "mark": {"type": "bar", "color": BLUE},
        "encoding": {
            "x": {
                "field": "low",
                "type": "quantitative",
                "bin": {"binned": True},
                "title": "Savings a year ($)",
            },
            "x2": {"field": "high"},
            "y": {"field": "count", "type": "quantitative", "title": "Draws"},
            "tooltip": [
                {"field": "low", "type": "quantitative", "format": "$,.0f"},
                {"field": "high", "type": "quantitative", "format": "$,.0f"},
                {"field": "count", "type": "quantitative"},
            ],
        },
    }


def tornado_spec(rows: list[dict[str, Any]], base: float, title: str) -> dict[str, Any]:
    """Savings when each input alone goes to its low and its high value."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        # The figures are in a table next to each chart: no export menu (an unlabelled <summary>).
        "usermeta": {"embedOptions": {"actions": False}},
        "title": title,
        "width": "container",
        "height": max(120, 28 * len(rows)),
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "bar", "color": BLUE},
                "encoding": {
                    "y": {"field": "label", "type": "nominal", "sort": None, "title": None},
                    "x": {
                        "field": "low",
                        "type": "quantitative",
                        "title": "Total savings a year",
                        # Bars are about the spread around the likely savings, not their distance from 0.
                        "scale": {"zero": False},
                        "axis": {"format": "$,.0f"},
                    },
                    "x2": {"field": "high"},
                    "tooltip": [
                        {"field": "label"},
                        {"field": "low", "type": "quantitative", "format": "$,.0f"},
                        {"field": "high", "type": "quantitative", "format": "$,.0f"},
                    ],
                },
            },
            {"mark": {"type": "rule", "color": "#1b1b1b", "aria": False}, "encoding": {"x": {"datum": base}}},
        ],
    }


def bar_spec(
    rows: list[dict[str, Any]],
    *,
    x: str,
    y: str,
    title: str,
    x_title: str,
    y_title: str,
    color: str | None = None,
) -> dict[str, Any]:
    """A bar chart (grouped by `color` when given)."""
    encoding: dict[str, Any] = {
        "x": {"field": x, "type": "nominal", "title": x_title, "sort": None},
        "y": {"field": y, "type": "quantitative", "title": y_title, "axis": {"format": "$,.0f"}},
        "tooltip": [{"field": x}, {"field": y, "type": "quantitative", "format": "$,.0f"}],
    }
    if color:
        encoding["color"] = {"field": color, "type": "nominal", "title": None}
        encoding["xOffset"] = {"field": color}
        encoding["tooltip"].append({"field": color})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        # The figures are in a table next to each chart: no export menu (an unlabelled <summary>).
        "usermeta": {"embedOptions": {"actions": False}},
        "title": title,
        "width": "container",
        "height": 260,
        "data": {"values": rows},
        "mark": {"type": "bar"} if color else {"type": "bar", "color": BLUE},
        "encoding": encoding,
    }


def svg_bars(items: list[tuple[str, float]], *, title: str, width: int = 640, money: bool = True) -> str:
    """Horizontal bars as an inline SVG string (labels left, values right; negatives in red)."""
    row = 16
    left, right = 240, 90
    height = 24 + row * len(items) + 8
    top = max((abs(v) for _label, v in items), default=1.0) or 1.0
    has_negative = any(v < 0 for _label, v in items)
    span = width - left - right
    zero = left + (span / 2 if has_negative else 0)
    scale = (span / 2 if has_negative else span) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" font-family="sans-serif" font-size="10">',
        f'<text x="0" y="12" font-size="11" font-weight="bold">{escape(title)}</text>',
    ]
    for k, (label, value) in enumerate(items):
        y = 22 + k * row
        length = abs(value) * scale
        x = zero - length if value < 0 else zero
        color = RED if value < 0 else BLUE
        sign = "−" if value < 0 else ""
        shown = f"{sign}${abs(value):,.0f}" if money else f"{value:,.0f}"
        parts.append(f'<text x="{left - 4}" y="{y + 10}" text-anchor="end">{escape(label[:44])}</text>')
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{max(length, 0.5):.1f}" height="{row - 4}" fill="{color}"/>'
        )
        parts.append(f'<text x="{width - right + 4}" y="{y + 10}">{escape(shown)}</text>')
    parts.append(f'<line x1="{zero:.1f}" y1="18" x2="{zero:.1f}" y2="{height - 4}" stroke="#1b1b1b"/>')
    parts.append("</svg>")
    return "".join(parts)
