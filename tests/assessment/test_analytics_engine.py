"""The analytics engine, with figures computed by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from interlocal.assessment.engine import (
    Dataset,
    analyse,
    coalition_sentence,
    compare_member,
    find_coalitions,
    join_names,
    member_means,
    member_profile,
    months_between,
    opportunities,
    opportunity_score,
    percentile_of,
    quadrant,
    scoring_explanation,
    summarise,
)
from interlocal.assessment.engine.charts import benchmark_spec, benchmark_svg, matrix_spec, matrix_svg

LABELS = {"pursue": "Pursue", "improve": "Improve", "explore": "Explore", "monitor": "Monitor"}


def test_summary_of_one_question_for_two_groups():
    # Members 0..4 answer 1..5; group "small" is members 0, 1, 2 (answers 1, 2, 3).
    groups = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=bool)
    s = summarise([0, 1, 2, 3, 4], [0] * 5, [1, 2, 3, 4, 5], groups, np.zeros(5, bool), n_figures=1, k=3)
    assert s.cell(0, 0) == {
        "published": True,
        "n": 5,
        "mean": 3.0,
        "sd": round(math.sqrt(2.5), 4),
        "q1": 2.0,
        "median": 3.0,
        "q3": 4.0,
    }
    assert s.cell(1, 0) == {
        "published": True,
        "n": 3,
        "mean": 2.0,
        "sd": 1.0,
        "q1": 1.5,
        "median": 2.0,
        "q3": 2.5,
    }


def test_summary_per_figure_keeps_figures_apart():
    # Two questions; answers arrive in any order.
    member = [0, 1, 0, 1, 2]
    figure = [1, 1, 0, 0, 0]
    value = [10.0, 30.0, 4.0, 2.0, 3.0]
    s = summarise(member, figure, value, np.ones((1, 3), bool), np.zeros(3, bool), n_figures=2, k=3)
    assert (s.n[0].tolist(), s.mean[0].tolist(), s.median[0].tolist()) == ([3, 2], [3.0, 20.0], [3.0, 20.0])
    assert s.q1[0, 1] == 15.0 and s.q3[0, 1] == 25.0


def test_figure_without_answers_is_not_published():
    s = summarise([0], [0], [3.0], np.ones((1, 2), bool), np.zeros(2, bool), n_figures=2, k=3)
    assert s.cell(0, 1)["published"] is False and s.cell(0, 1)["n"] is None


def test_member_means_average_each_members_values():
    out = member_means([0, 0, 1], [0, 0, 1], [2.0, 4.0, 5.0], n_members=2, n_figures=2)
    assert out[0, 0] == 3.0 and math.isnan(out[0, 1]) and out[1, 1] == 5.0


def test_percentile_counts_ties_as_half():
    assert percentile_of(np.array([1, 2, 3, 4, 5]), 3) == 50.0
    assert percentile_of(np.array([1, 2, 3, 4, 5]), 6) == 100.0
    assert math.isnan(percentile_of(np.array([]), 3))


def test_member_against_group():
    values = np.array([1, 2, 3, 4, 5], dtype=float)
    c = compare_member(4.0, values, 3.0, math.sqrt(2.5))
    assert c is not None
    assert (c.difference, c.z, c.percentile) == (1.0, 0.63, 70.0)
    assert compare_member(4.0, values, 3.0, 0.0).z is None  # type: ignore[union-attr]
    assert compare_member(float("nan"), values, 3.0, 1.0) is None


def _dataset() -> Dataset:
    # Two areas × five dimensions = 10 scaled questions (area = q // 5, dimension = q % 5), plus
    # question 10, a number without area. Three members, all named.
    qa = np.array([0] * 5 + [1] * 5 + [-1])
    qd = np.array(list(range(5)) * 2 + [-1])
    answers = {
        0: [4, 5, 3, 4, 2, 2, 2, 2, 2, 2, 100],  # area 0: priority (5+3)/2 = 4, readiness (4+2)/2 = 3
        1: [2, 4, 4, 5, 5, 3, 1, 1, 4, 4, 300],  # area 0: priority 4, readiness 5
        2: [5, 1, 1, 1, 1, 4, 4, 4, 4, 4, 200],  # area 0: priority 1, readiness 1
    }
    member, question, value = [], [], []
    for m, vals in answers.items():
        for q, v in enumerate(vals):
            member.append(m)
            question.append(q)
            value.append(float(v))
    return Dataset(3, 11, 2, np.zeros(3, bool), qa, qd, np.array(member), np.array(question), np.array(value))


def test_matrix_scores_per_member_and_consortium():
    a = analyse(_dataset(), np.ones((1, 3), bool), k=3)
    assert a.priority[:, 0].tolist() == [4.0, 4.0, 1.0]
    assert a.readiness[:, 0].tolist() == [3.0, 5.0, 1.0]
    assert a.priority[:, 1].tolist() == [2.0, 1.0, 4.0]
    assert a.matrix_point(0, 0) == (3.0, 3.0)
    assert a.matrix_point(0, 1) == pytest.approx((7 / 3, 10 / 3))
    # Area figure: satisfaction of area 0 is (4 + 2 + 5) / 3.
    assert a.areas.cell(0, 0)["mean"] == round(11 / 3, 4)
    # Question 10 (no area) is summarised as a question.
    assert a.questions.cell(0, 10)["median"] == 200.0


def test_quadrants_and_ranking():
    kw = {"priority_threshold": 3.0, "readiness_threshold": 3.0}
    assert quadrant(3.0, 3.0, **kw) == "pursue"
    assert quadrant(4.0, 2.0, **kw) == "improve"
    assert quadrant(2.0, 4.0, **kw) == "explore"
    assert quadrant(2.0, 2.0, **kw) == "monitor"
    ranked = opportunities({0: (2.0, 2.0), 1: (4.0, 2.0), 2: (4.0, 4.0), 3: (3.5, 3.5), 4: (2.0, 4.0)}, **kw)
    assert [o.area for o in ranked] == [2, 3, 1, 4, 0]
    assert ranked[0].score == opportunity_score(4.0, 4.0) == 56.2
    assert opportunity_score(5, 5) == 100.0 and opportunity_score(1, 1) == 0.0


def test_member_profile():
    scores = np.full((3, 5), np.nan)
    scores[0] = [4.5, 2, 2, 3, 3]
    scores[1] = [2, 4, 5, 3, 3]
    scores[2] = [4, 4.5, 3, 3, 3]
    profile = member_profile(scores)
    assert profile["excellence"] == [(0, 4.5), (2, 4.0)]
    assert profile["pressing"] == [(2, 4.5), (1, 4.0)]
    assert profile["future"] == [(1, 5.0)]


def test_months_between():
    assert months_between(dt.date(2027, 3, 1), dt.date(2028, 5, 1)) == 14
    assert months_between(dt.date(2027, 3, 1), dt.date(2027, 3, 20)) == 1
    assert months_between(dt.date(2027, 3, 10), dt.date(2027, 3, 10)) == 0


def test_coalitions_by_need_and_contract_end():
    # Members 0, 1, 2 rate area 0 high on both scores and have alike needs; member 3 is not ready;
    # member 4 is ready but its needs differ a lot (area 1 and 2).
    priority = np.array([[4.5, 2, 2], [4.0, 2, 2], [4.2, 2.2, 2], [4.8, 2, 2], [4.0, 5, 5]])
    readiness = np.array([[4.0] * 3, [3.5] * 3, [4.5] * 3, [2.0] * 3, [4.0] * 3])
    ends = {0: dt.date(2027, 3, 1), 1: dt.date(2028, 5, 1), 2: dt.date(2027, 9, 1), 4: dt.date(2027, 4, 1)}
    found = find_coalitions(
        0,
        priority,
        readiness,
        eligible=np.ones(5, bool),
        contract_end=ends,
        priority_threshold=3.0,
        readiness_threshold=3.0,
        window_months=18,
    )
    assert len(found) == 1
    c = found[0]
    assert c.members == (0, 2, 1) and c.months_apart == 14
    assert c.priority == round((4.5 + 4.0 + 4.2) / 3, 2)
    sentence = coalition_sentence(c, ["Avon", "Canton", "Granby"], "document management")
    assert sentence.startswith("Avon, Canton and Granby rate document management as pressing")
    assert "their contracts end within 14 months of each other (March 2027 to May 2028)" in sentence
    # A shorter window splits off the member whose contract ends last.
    short = find_coalitions(
        0,
        priority,
        readiness,
        eligible=np.ones(5, bool),
        contract_end=ends,
        priority_threshold=3.0,
        readiness_threshold=3.0,
        window_months=6,
    )
    assert short[0].members == (0, 2) and short[0].months_apart == 6


def test_coalitions_only_among_eligible_members():
    priority = np.array([[4.5], [4.0], [4.2]])
    readiness = np.array([[4.0], [4.0], [4.0]])
    eligible = np.array([True, False, True])
    found = find_coalitions(
        0,
        priority,
        readiness,
        eligible=eligible,
        contract_end={},
        priority_threshold=3.0,
        readiness_threshold=3.0,
    )
    assert [c.members for c in found] == [(0, 2)]
    assert found[0].months_apart is None
    none = find_coalitions(
        0,
        priority,
        readiness,
        eligible=np.array([True, False, False]),
        contract_end={},
        priority_threshold=3.0,
        readiness_threshold=3.0,
    )
    assert none == []


def test_words():
    assert join_names(["Avon"]) == "Avon"
    assert join_names(["Avon", "Canton"]) == "Avon and Canton"
    text = " ".join(scoring_explanation(3.5, 3.0, 3))
    assert "3.5 or more" in text and "at least 3" in text and "Pursue" in text


def test_charts_carry_the_figures():
    points = [
        {
            "area": "GIS",
            "priority": 4.0,
            "readiness": 3.5,
            "quadrant": "pursue",
            "quadrant_label": "Pursue",
            "score": 46.9,
        }
    ]
    spec = matrix_spec(points, priority_threshold=3.0, readiness_threshold=3.0, labels=LABELS)
    assert spec["$schema"].endswith("v6.json")
    assert spec["layer"][4]["data"]["values"] == points
    svg = matrix_svg(points, priority_threshold=3.0, readiness_threshold=3.0, labels=LABELS)
    assert svg.startswith("<svg") and "GIS" in svg and "Pursue" in svg
    bars = benchmark_svg([{"label": "GIS <&>", "value": 46.9}], labels={"title": "Scores"})
    assert "GIS &lt;&amp;&gt;" in bars and "46.9" in bars
    spec2 = benchmark_spec([{"label": "GIS", "q1": 2, "q3": 4, "mean": 3, "value": 5}], labels={})
    assert spec2["data"]["values"][0]["value"] == 5
