"""Charts: Vega-Lite specs for the browser and the same charts as static SVG for the PDF
(WeasyPrint runs no JavaScript). Pure Python; the figures come in as plain lists."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

__all__ = [
    "QUADRANT_COLOURS",
    "benchmark_spec",
    "benchmark_svg",
    "matrix_spec",
    "matrix_svg",
    "place_labels",
]

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
QUADRANT_COLOURS = {"pursue": "#00a91c", "improve": "#e5a000", "explore": "#005ea2", "monitor": "#71767a"}


def matrix_spec(
    points: Sequence[dict[str, Any]],
    *,
    priority_threshold: float,
    readiness_threshold: float,
    labels: dict[str, str],
    title: str = "",
) -> dict[str, Any]:
    """A priority × readiness scatter with threshold rules and labelled quadrants.

    `points`: dicts with area, priority, readiness, quadrant (key), quadrant_label, score.
    `labels`: quadrant key -> label; axis titles under "priority" and "readiness".
    """
    scale = {"domain": [1, 5], "nice": False}
    right = [
        {"x": 4.9, "y": 4.9, "label": labels["pursue"]},
        {"x": 4.9, "y": 1.1, "label": labels["improve"]},
    ]
    left = [
        {"x": 1.1, "y": 4.9, "label": labels["explore"]},
        {"x": 1.1, "y": 1.1, "label": labels["monitor"]},
    ]
    x_title, y_title = labels.get("priority", "Priority"), labels.get("readiness", "Readiness")
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 420,
        "layer": [
            {
                "data": {"values": [{"t": priority_threshold}]},
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#565c65"},
                "encoding": {"x": {"field": "t", "type": "quantitative", "scale": scale, "title": x_title}},
            },
            {
                "data": {"values": [{"t": readiness_threshold}]},
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#565c65"},
                "encoding": {"y": {"field": "t", "type": "quantitative", "scale": scale, "title": y_title}},
            },
            *[
                {
                    "data": {"values": corners},
                    "mark": {
                        "type": "text",
                        "fontWeight": "bold",
                        "fontSize": 13,
                        "color": "#3d4551",
                        "align": align,
                    },
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative", "scale": scale},
                        "y": {"field": "y", "type": "quantitative", "scale": scale},
                        "text": {"field": "label"},
                    },
                }
                for corners, align in ((right, "right"), (left, "left"))
            ],
            {
                "data": {"values": list(points)},
                "params": [
                    {"name": "hover", "select": {"type": "point", "on": "pointerover", "fields": ["area"]}}
                ],
                "mark": {"type": "circle", "size": 140, "opacity": 0.85},
                "encoding": {
                    "x": {"field": "priority", "type": "quantitative", "scale": scale, "title": x_title},
                    "y": {"field": "readiness", "type": "quantitative", "scale": scale, "title": y_title},
                    "color": {
                        "field": "quadrant_label",
                        "type": "nominal",
                        "title": "",
                        "scale": {
                            "domain": [labels[q] for q in QUADRANT_COLOURS],
                            "range": list(QUADRANT_COLOURS.values()),
                        },
                    },
                    "size": {"condition": {"param": "hover", "empty": False, "value": 320}, "value": 140},
                    "tooltip": [
                        {"field": "area", "title": labels.get("area", "Area")},
                        {"field": "priority", "format": ".2f", "title": x_title},
                        {"field": "readiness", "format": ".2f", "title": y_title},
                        {"field": "quadrant_label", "title": labels.get("quadrant", "Quadrant")},
                        {"field": "score", "title": labels.get("score", "Score")},
                    ],
                },
            },
            {
                # Numbers, not names: ten names in one corner cannot be read. Each number is the
                # point's rank in the list beside the chart; labels are placed so that none overlap.
                "data": {"values": place_labels(points)},
                "mark": {"type": "text", "fontSize": 11, "fontWeight": "bold", "color": "#1b1b1b"},
                "encoding": {
                    "x": {"field": "label_x", "type": "quantitative", "scale": scale},
                    "y": {"field": "label_y", "type": "quantitative", "scale": scale},
                    "text": {"field": "label"},
                    "tooltip": {"field": "label_areas"},
                },
            },
        ],
    }


# The smallest plot the labels are laid out for (pixels); wider plots only move them further apart.
LABEL_WIDTH_PX, LABEL_HEIGHT_PX = 420, 420
_CHAR_PX, _LINE_PX, _DOT_PX = 7.0, 12.0, 7.0
# Around the point, nearest first: above, right, below, left, the diagonals, then further out.
_OFFSETS = [
    (0, -13), (13, 0), (0, 14), (-13, 0), (11, -11), (-11, -11), (11, 12), (-11, 12),
    (0, -25), (24, 0), (0, 26), (-24, 0), (22, -20), (-22, -20), (22, 22), (-22, 22),
]  # fmt: skip


def place_labels(
    points: Sequence[dict[str, Any]], *, width: float = LABEL_WIDTH_PX, height: float = LABEL_HEIGHT_PX
) -> list[dict[str, Any]]:
    """One number label per position, placed beside its point where it overlaps no other label or point.

    A point's number is its `rank` (else its place in `points`, which come ranked). Points at the
    same position share one label ("3, 7"). Greedy: each label takes the first offset around its
    point whose box is clear of the labels placed so far and of every point; a label with no clear
    offset takes the one that overlaps least. Positions are returned in data units (1 to 5).
    """
    groups: dict[tuple[float, float], list[tuple[int, dict[str, Any]]]] = {}
    for i, p in enumerate(points):
        key = (round(float(p["priority"]), 2), round(float(p["readiness"]), 2))
        groups.setdefault(key, []).append((int(p.get("rank", i + 1)), p))

    def px(x: float, y: float) -> tuple[float, float]:
        return (x - 1) / 4 * width, (5 - y) / 4 * height

    dots = [px(x, y) for x, y in groups]
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for (x, y), members in groups.items():
        text = ", ".join(str(rank) for rank, _p in sorted(members, key=lambda m: m[0]))
        cx, cy = px(x, y)
        w = _CHAR_PX * len(text) + 2

        def cost(offset: tuple[int, int], cx: float = cx, cy: float = cy, w: float = w) -> float:
            box = (
                cx + offset[0] - w / 2,
                cy + offset[1] - _LINE_PX / 2,
                cx + offset[0] + w / 2,
                cy + offset[1] + _LINE_PX / 2,
            )
            return _overlap(box, placed, dots, width, height)

        dx, dy = min(_OFFSETS, key=lambda o: (cost(o) > 0, cost(o), _OFFSETS.index(o)))
        placed.append((cx + dx - w / 2, cy + dy - _LINE_PX / 2, cx + dx + w / 2, cy + dy + _LINE_PX / 2))
        out.append(
            {
                "label": text,
                "label_x": x + dx / width * 4,
                "label_y": y - dy / height * 4,
                "label_areas": "; ".join(
                    f"{rank}. {p['area']}" for rank, p in sorted(members, key=lambda m: m[0])
                ),
            }
        )
    return out


def _overlap(
    box: tuple[float, float, float, float],
    placed: list[tuple[float, float, float, float]],
    dots: list[tuple[float, float]],
    width: float,
    height: float,
) -> float:
    """How much of `box` covers placed labels and points (pixels²), plus its area if it leaves the plot."""
    r = _DOT_PX
    others = [*placed, *((ox - r, oy - r, ox + r, oy + r) for ox, oy in dots)]
    area = sum(
        max(0.0, min(box[2], o[2]) - max(box[0], o[0])) * max(0.0, min(box[3], o[3]) - max(box[1], o[1]))
        for o in others
    )
    if box[0] < 0 or box[2] > width or box[1] < 0 or box[3] > height:
        area += (box[2] - box[0]) * (box[3] - box[1])
    return area


def benchmark_spec(rows: Sequence[dict[str, Any]], *, labels: dict[str, str]) -> dict[str, Any]:
    """The member's value (dot) against a group's quartile range (bar) and mean (tick), per row.

    `rows`: dicts with label, q1, q3, mean, value (value may be None).
    """
    x = {"type": "quantitative", "title": labels.get("score", "Score")}
    y = {"field": "label", "type": "nominal", "sort": None, "title": None}
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "width": "container",
        "height": {"step": 22},
        "data": {"values": list(rows)},
        "layer": [
            {
                "mark": {"type": "bar", "color": "#bbd6f0", "height": 12},
                "encoding": {
                    "y": y,
                    "x": {**x, "field": "q1"},
                    "x2": {"field": "q3"},
                    "tooltip": [{"field": "label"}, {"field": "q1"}, {"field": "q3"}],
                },
            },
            {
                "mark": {"type": "tick", "color": "#1a4480", "thickness": 3},
                "encoding": {
                    "y": y,
                    "x": {**x, "field": "mean"},
                    "tooltip": [{"field": "mean", "format": ".2f"}],
                },
            },
        ],
    }
    if any(r.get("value") is not None for r in rows):
        # The member's dots; no such layer for a viewer without values of their own (council,
        # observers): an empty layer still draws a symbol group with nothing to name (axe's
        # svg-img-alt). Each dot says what it shows, its accessible name.
        spec["layer"].append(
            {
                "transform": [
                    {"filter": "isValid(datum.value)"},
                    {"calculate": "datum.label + ': ' + format(datum.value, '.2f')", "as": "dot_text"},
                ],
                "mark": {"type": "point", "filled": True, "color": "#d83933", "size": 90},
                "encoding": {
                    "y": y,
                    "x": {**x, "field": "value"},
                    "description": {"field": "dot_text"},
                    "tooltip": [{"field": "value", "format": ".2f", "title": labels.get("you", "You")}],
                },
            }
        )
    return spec


# --- Static SVG ---------------------------------------------------------------------------------


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        'font-family="Source Sans Pro, Helvetica, Arial, sans-serif">' + "".join(body) + "</svg>"
    )


def matrix_svg(
    points: Sequence[dict[str, Any]],
    *,
    priority_threshold: float,
    readiness_threshold: float,
    labels: dict[str, str],
    size: int = 460,
) -> str:
    """The matrix as a static SVG: same axes, thresholds, quadrant labels and points."""
    pad = 48
    inner = size - 2 * pad

    def px(v: float) -> float:
        return pad + (v - 1) / 4 * inner

    def py(v: float) -> float:
        return size - pad - (v - 1) / 4 * inner

    body = [f'<rect x="{pad}" y="{pad}" width="{inner}" height="{inner}" fill="#fff" stroke="#a9aeb1"/>']
    for tick in range(1, 6):
        body.append(
            f'<text x="{px(tick):.1f}" y="{size - pad + 16}" font-size="11" text-anchor="middle">{tick}</text>'
        )
        body.append(
            f'<text x="{pad - 8}" y="{py(tick) + 4:.1f}" font-size="11" text-anchor="end">{tick}</text>'
        )
    body.append(
        f'<line x1="{px(priority_threshold):.1f}" y1="{pad}" x2="{px(priority_threshold):.1f}" '
        f'y2="{size - pad}" stroke="#565c65" stroke-dasharray="4 4"/>'
    )
    body.append(
        f'<line x1="{pad}" y1="{py(readiness_threshold):.1f}" x2="{size - pad}" '
        f'y2="{py(readiness_threshold):.1f}" stroke="#565c65" stroke-dasharray="4 4"/>'
    )
    for key, x, y, anchor in (
        ("pursue", size - pad - 6, pad + 16, "end"),
        ("explore", pad + 6, pad + 16, "start"),
        ("improve", size - pad - 6, size - pad - 8, "end"),
        ("monitor", pad + 6, size - pad - 8, "start"),
    ):
        body.append(
            f'<text x="{x}" y="{y}" font-size="13" font-weight="bold" fill="#3d4551" '
            f'text-anchor="{anchor}">{escape(labels[key])}</text>'
        )
    for p in points:
        colour = QUADRANT_COLOURS.get(p["quadrant"], "#71767a")
        cx, cy = px(p["priority"]), py(p["readiness"])
        body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{colour}" fill-opacity="0.85"/>')
        body.append(
            f'<text x="{cx:.1f}" y="{cy - 9:.1f}" font-size="9" text-anchor="middle">{escape(str(p["area"]))}</text>'
        )
    body.append(
        f'<text x="{size / 2}" y="{size - 10}" font-size="12" text-anchor="middle">'
        f"{escape(labels.get('priority', 'Priority'))}</text>"
    )
    body.append(
        f'<text x="14" y="{size / 2}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 14 {size / 2})">{escape(labels.get("readiness", "Readiness"))}</text>'
    )
    return _svg(size, size, body, labels.get("title", "Priority by readiness"))


def benchmark_svg(rows: Sequence[dict[str, Any]], *, labels: dict[str, str], width: int = 640) -> str:
    """Horizontal bars (e.g. opportunity scores or means per area) as a static SVG.

    `rows`: dicts with label and value (0..max); optional colour.
    """
    left, right, row_h = 220, 50, 20
    top = 10
    height = top + row_h * len(rows) + 24
    top_value = max([float(r["value"]) for r in rows if r.get("value") is not None] + [1.0])
    span = width - left - right
    body: list[str] = []
    for i, r in enumerate(rows):
        y = top + i * row_h
        body.append(
            f'<text x="{left - 6}" y="{y + 14}" font-size="11" text-anchor="end">{escape(str(r["label"]))}</text>'
        )
        if r.get("value") is None:
            continue
        w = span * float(r["value"]) / top_value
        body.append(
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{r.get("colour", "#005ea2")}"/>'
        )
        body.append(
            f'<text x="{left + w + 4:.1f}" y="{y + 14}" font-size="10">{float(r["value"]):.1f}</text>'
        )
    return _svg(width, height, body, labels.get("title", "Bar chart"))
