"""Area scores, the priority–readiness matrix, member-versus-group comparisons and a member's
areas of excellence and concern. Pure numpy; no Django.

Scales run from 1 to 5. A member's *area score* for a dimension is the mean of its answers to the
scaled questions of that area and dimension. Its *priority* for an area is the mean of its pressing
and future concern scores there; its *readiness* the mean of its readiness to collaborate and
willingness to share data. Consortium-wide (or peer-group) scores are means over the members who
have one, and go through the same disclosure rule as every other figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from interlocal.assessment.engine.stats import Sorted, Summary, member_means, percentile_of, summarise
from interlocal.lib.disclosure import atoms

__all__ = [
    "CONCERN",
    "DIMENSIONS",
    "EXCELLENCE",
    "QUADRANTS",
    "Analysis",
    "Dataset",
    "MemberComparison",
    "Opportunity",
    "analyse",
    "compare_member",
    "member_profile",
    "opportunities",
    "quadrant",
]

DIMENSIONS = ("satisfaction", "pressing", "future", "readiness", "sharing")
SAT, PRESSING, FUTURE, READINESS, SHARING = range(5)
EXCELLENCE = 4.0  # satisfaction at or above this: an area of excellence
CONCERN = 4.0  # pressing or future concern at or above this: an area of concern

# (high priority, high readiness) -> quadrant key
QUADRANTS = {
    (True, True): "pursue",
    (True, False): "improve",
    (False, True): "explore",
    (False, False): "monitor",
}


@dataclass
class Dataset:
    """One campaign's answers as compact arrays (indices, not database ids)."""

    n_members: int
    n_questions: int
    n_areas: int
    private: np.ndarray  # (members,) bool: chose aggregates only
    question_area: np.ndarray  # (questions,) area index, -1 for none
    question_dimension: np.ndarray  # (questions,) index into DIMENSIONS, -1 unless scaled
    member: np.ndarray  # (answers,) member index
    question: np.ndarray  # (answers,) question index
    value: np.ndarray  # (answers,) float
    date_member: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    date_area: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    date_value: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # day ordinals

    def area_answers(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scaled answers as (member, area × 5 + dimension, value)."""
        figure_of = np.where(
            (self.question_area >= 0) & (self.question_dimension >= 0),
            self.question_area * len(DIMENSIONS) + self.question_dimension,
            -1,
        )
        figure = figure_of[self.question]
        keep = figure >= 0
        return self.member[keep], figure[keep], self.value[keep]


@dataclass
class Analysis:
    """Everything the benchmark, matrix, coalition and report pages show, for all groups at once."""

    questions: Summary  # (groups, questions)
    areas: Summary  # (groups, areas × 5): area scores per dimension
    matrix: Summary  # (groups, areas × 2): priority then readiness per area
    area_scores: np.ndarray  # (members, areas, 5) member area scores
    priority: np.ndarray  # (members, areas)
    readiness: np.ndarray  # (members, areas)
    question_values: Sorted  # the questions' answers as given (member, question, value)

    def matrix_point(self, g: int, a: int) -> tuple[float, float] | None:
        """(priority, readiness) of area a for group g, or None if either is suppressed."""
        n_areas = self.priority.shape[1]
        if not (self.matrix.published[g, a] and self.matrix.published[g, n_areas + a]):
            return None
        return float(self.matrix.mean[g, a]), float(self.matrix.mean[g, n_areas + a])


def _pairs(mean_a: np.ndarray, mean_b: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        stacked = np.stack([mean_a, mean_b])
        have = np.isfinite(stacked).sum(axis=0)
        total = np.nansum(stacked, axis=0)
        return np.where(have > 0, total / np.maximum(have, 1), np.nan)


def analyse(data: Dataset, groups: np.ndarray, *, k: int) -> Analysis:
    """Aggregates per group for every question, area dimension and matrix score, with suppression."""
    groups = np.asarray(groups, dtype=bool)
    split = atoms(groups)  # the same groups for questions, areas and the matrix
    # Kept as given (not sorted): the pages read a member's own answers from it.
    question_answers = Sorted(data.member, data.question, data.value, data.n_questions)
    questions = summarise(
        data.member,
        data.question,
        data.value,
        groups,
        data.private,
        n_figures=data.n_questions,
        k=k,
        split=split,
    )
    n_ad = data.n_areas * len(DIMENSIONS)
    am, af, av = data.area_answers()
    scores = member_means(am, af, av, data.n_members, n_ad)  # (members, areas × 5)
    areas = _summarise_matrix(scores, groups, data.private, k, split)
    area_scores = scores.reshape(data.n_members, data.n_areas, len(DIMENSIONS))
    priority = _pairs(area_scores[:, :, PRESSING], area_scores[:, :, FUTURE])
    readiness = _pairs(area_scores[:, :, READINESS], area_scores[:, :, SHARING])
    matrix = _summarise_matrix(np.concatenate([priority, readiness], axis=1), groups, data.private, k, split)
    return Analysis(questions, areas, matrix, area_scores, priority, readiness, question_answers)


def _summarise_matrix(
    values: np.ndarray,
    groups: np.ndarray,
    private: np.ndarray,
    k: int,
    split: tuple[np.ndarray, np.ndarray] | None = None,
) -> Summary:
    """`summarise` over a (members × figures) matrix with NaN for missing."""
    m, f = np.nonzero(np.isfinite(values))
    return summarise(m, f, values[m, f], groups, private, n_figures=values.shape[1], k=k, split=split)


def quadrant(
    priority: float, readiness: float, *, priority_threshold: float, readiness_threshold: float
) -> str:
    """The quadrant key of a matrix point (thresholds count as high)."""
    return QUADRANTS[(priority >= priority_threshold, readiness >= readiness_threshold)]


@dataclass(frozen=True)
class Opportunity:
    """One area on the matrix, ranked."""

    area: int
    priority: float
    readiness: float
    quadrant: str
    score: float  # 0–100: how far into the top-right corner


def opportunity_score(priority: float, readiness: float) -> float:
    """0 at (1, 1), 100 at (5, 5): the product of both scores rescaled to 0–1."""
    return round(100.0 * ((priority - 1) / 4) * ((readiness - 1) / 4), 1)


def opportunities(
    points: dict[int, tuple[float, float]], *, priority_threshold: float, readiness_threshold: float
) -> list[Opportunity]:
    """Areas ranked: Pursue first, then Improve, Explore, Monitor; by score within a quadrant."""
    order = {"pursue": 0, "improve": 1, "explore": 2, "monitor": 3}
    out = [
        Opportunity(
            area=a,
            priority=round(p, 2),
            readiness=round(r, 2),
            quadrant=quadrant(
                p, r, priority_threshold=priority_threshold, readiness_threshold=readiness_threshold
            ),
            score=opportunity_score(p, r),
        )
        for a, (p, r) in points.items()
    ]
    return sorted(out, key=lambda o: (order[o.quadrant], -o.score, o.area))


@dataclass(frozen=True)
class MemberComparison:
    """A member's value against one group's published figure."""

    value: float
    mean: float
    difference: float
    z: float | None  # None when the group's spread is 0
    percentile: float


def compare_member(value: float, group_values: np.ndarray, mean: float, sd: float) -> MemberComparison | None:
    """Difference, z-score and percentile of `value` within a group's values (None without value)."""
    if not np.isfinite(value) or not np.isfinite(mean):
        return None
    z = (value - mean) / sd if np.isfinite(sd) and sd > 0 else None
    return MemberComparison(
        value=round(float(value), 4),
        mean=round(float(mean), 4),
        difference=round(float(value - mean), 4),
        z=None if z is None else round(float(z), 2),
        percentile=round(percentile_of(group_values, value), 1),
    )


def member_profile(area_scores: np.ndarray) -> dict[str, list[tuple[int, float]]]:
    """A member's areas of excellence, pressing concern and future concern, strongest first.

    `area_scores` is (areas × 5) for one member. An area is of excellence when its satisfaction is
    at least EXCELLENCE, of pressing (future) concern when its pressing (future) score is at least
    CONCERN.
    """
    out: dict[str, list[tuple[int, float]]] = {}
    for key, dim, threshold in (
        ("excellence", SAT, EXCELLENCE),
        ("pressing", PRESSING, CONCERN),
        ("future", FUTURE, CONCERN),
    ):
        col = area_scores[:, dim]
        hits = [
            (int(a), round(float(col[a]), 2)) for a in np.flatnonzero(np.nan_to_num(col, nan=0) >= threshold)
        ]
        out[key] = sorted(hits, key=lambda h: (-h[1], h[0]))
    return out
