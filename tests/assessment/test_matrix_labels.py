"""Issue 12, point 10: the matrix scatter's labels are numbers placed without overlap."""

from __future__ import annotations

import itertools

from interlocal.assessment.engine.charts import LABEL_HEIGHT_PX, LABEL_WIDTH_PX, matrix_spec, place_labels

LABELS = {"pursue": "Pursue", "improve": "Improve", "explore": "Explore", "monitor": "Monitor"}


def _cluster(n: int) -> list[dict]:
    # Ten areas within 0.3 of each other: the names used to pile up into one unreadable blot.
    return [
        {
            "area": f"Area {i}",
            "priority": 4.0 + (i % 4) * 0.08,
            "readiness": 3.6 + (i // 4) * 0.09,
            "quadrant": "pursue",
            "quadrant_label": "Pursue",
            "score": 40 - i,
        }
        for i in range(n)
    ]


def _box(label: dict) -> tuple[float, float, float, float]:
    x = (label["label_x"] - 1) / 4 * LABEL_WIDTH_PX
    y = (5 - label["label_y"]) / 4 * LABEL_HEIGHT_PX
    w = 7 * len(label["label"]) + 2
    return x - w / 2, y - 6, x + w / 2, y + 6


def test_labels_of_a_cluster_do_not_overlap():
    labels = place_labels(_cluster(10))
    assert [entry["label"] for entry in labels] == [str(i) for i in range(1, 11)]
    for a, b in itertools.combinations(labels, 2):
        ba, bb = _box(a), _box(b)
        overlap_x = min(ba[2], bb[2]) - max(ba[0], bb[0])
        overlap_y = min(ba[3], bb[3]) - max(ba[1], bb[1])
        assert overlap_x <= 0 or overlap_y <= 0, (a, b)


def test_points_at_one_position_share_a_label_and_the_tooltip_names_them():
    points = _cluster(2)
    points[1].update(priority=points[0]["priority"], readiness=points[0]["readiness"])
    (label,) = place_labels(points)
    assert label["label"] == "1, 2"
    assert label["label_areas"] == "1. Area 0; 2. Area 1"


def test_the_chart_shows_numbers_not_names():
    spec = matrix_spec(_cluster(3), priority_threshold=3.0, readiness_threshold=3.0, labels=LABELS)
    text_layer = spec["layer"][-1]
    assert text_layer["encoding"]["text"] == {"field": "label"}
    assert {v["label"] for v in text_layer["data"]["values"]} == {"1", "2", "3"}
    assert "dy" not in text_layer["mark"]
