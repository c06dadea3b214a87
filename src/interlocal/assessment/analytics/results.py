"""What an analysis of a campaign holds: peer groups, areas, questions, members and the computed figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from interlocal.assessment.engine import (
    DIMENSIONS,
    Analysis,
    Coalition,
    coalition_sentence,
    compare_member,
    find_coalitions,
    member_profile,
    opportunities,
)
from interlocal.assessment.engine.scores import Opportunity
from interlocal.assessment.models import Question

if TYPE_CHECKING:
    pass

__all__ = [
    "AreaInfo",
    "CONTRACT_END_SUFFIX",
    "CampaignAnalytics",
    "DIMENSION_LABELS",
    "GroupDef",
    "MemberInfo",
    "NUMERIC_KINDS",
    "POPULATION_BANDS_MIN_FOR_QUARTERS",
    "QUADRANT_HELP",
    "QUADRANT_LABELS",
    "QuestionInfo",
    "min_members",
    "population_bands",
]


# Population bands are the participants' own quantiles (thirds, or quarters from 40 members on),
# rounded to two significant digits: fixed national bands would leave a regional consortium with
# bands of one or two members, whose figures the disclosure rule then hides.
POPULATION_BANDS_MIN_FOR_QUARTERS = 40


QUADRANT_LABELS = {
    "pursue": _("Pursue"),
    "improve": _("Improve"),
    "explore": _("Explore"),
    "monitor": _("Monitor"),
}


QUADRANT_HELP = {
    "pursue": _("High priority and high readiness: start now."),
    "improve": _("High priority, low readiness: build readiness first."),
    "explore": _("Ready but not pressing: worth a low-cost pilot."),
    "monitor": _("Neither pressing nor ready: revisit next campaign."),
}


DIMENSION_LABELS = dict(Question.Dimension.choices)


NUMERIC_KINDS = (Question.Kind.SCALED, Question.Kind.YES_NO, Question.Kind.NUMBER)


CONTRACT_END_SUFFIX = "contract-end"


def min_members() -> int:
    """k of the disclosure rule."""
    return int(settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS)


def _round2(x: float) -> int:
    """Two significant digits: 12,345 -> 12,000."""
    if x <= 0:
        return 0
    digits = int(np.floor(np.log10(x))) - 1
    return int(round(x, -digits)) if digits > 0 else int(round(x))


def population_bands(populations: np.ndarray) -> list[tuple[int, int | None]]:
    """[lo, hi) bands splitting the populations into thirds (quarters from 40 members on)."""
    if populations.size == 0:
        return []
    parts = 4 if populations.size >= POPULATION_BANDS_MIN_FOR_QUARTERS else 3
    cuts = sorted({_round2(float(q)) for q in np.quantile(populations, np.arange(1, parts) / parts)})
    cuts = [c for c in cuts if c > 0]
    edges = [0, *cuts]
    return [(lo, hi) for lo, hi in zip(edges, [*cuts, None], strict=True)]


def _band_label(lo: int, hi: int | None) -> str:
    if hi is None:
        return _g("Population %(lo)s or more") % {"lo": f"{lo:,}"}
    if lo == 0:
        return _g("Population under %(hi)s") % {"hi": f"{hi:,}"}
    return _g("Population %(lo)s–%(hi)s") % {"lo": f"{lo:,}", "hi": f"{hi - 1:,}"}


@dataclass(frozen=True)
class GroupDef:
    """A peer group as the pages show it."""

    key: str  # "all", "band-0", "kind-town", "custom-12"
    label: str
    kind: str  # all | band | kind | custom


@dataclass(frozen=True)
class AreaInfo:
    id: int
    name: str
    code: str


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    code: str
    text: str
    kind: str
    dimension: str
    unit: str
    area: int  # area index, -1 for none


@dataclass(frozen=True)
class MemberInfo:
    id: int
    name: str
    kind: str
    population: int | None
    named: bool  # chose "by name"


@dataclass
class CampaignAnalytics:
    """One campaign's analysis for all peer groups, and the lookups the pages need."""

    campaign_id: int
    k: int
    members: list[MemberInfo]
    questions: list[QuestionInfo]
    areas: list[AreaInfo]
    groups: list[GroupDef]
    group_masks: np.ndarray
    analysis: Analysis
    contract_end: dict[tuple[int, int], dt.date]  # (member index, area index) -> date
    priority_threshold: float
    readiness_threshold: float
    member_index: dict[int, int] = field(default_factory=dict)
    _coalitions: dict[tuple[Any, ...], list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.member_index = {m.id: i for i, m in enumerate(self.members)}

    # --- who may be named ---------------------------------------------------------------------
    def nameable(self, *, council: bool, own_member_id: int | None) -> np.ndarray:
        """Members the viewer may see by name: all for the council; else named ones and its own."""
        if council:
            return np.ones(len(self.members), dtype=bool)
        mask = np.array([m.named for m in self.members], dtype=bool)
        if own_member_id in self.member_index:
            mask[self.member_index[own_member_id]] = True
        return mask

    # --- aggregates ---------------------------------------------------------------------------
    def area_rows(self, g: int) -> list[dict[str, Any]]:
        """Per area and dimension, the group's published figures."""
        summary = self.analysis.areas
        rows = []
        for a, area in enumerate(self.areas):
            for d, dim in enumerate(DIMENSIONS):
                f = a * len(DIMENSIONS) + d
                rows.append(
                    {
                        "area": area.name,
                        "area_id": area.id,
                        "dimension": dim,
                        "figure": f,
                        **summary.cell(g, f),
                    }
                )
        return rows

    def question_rows(self, g: int) -> list[dict[str, Any]]:
        """Per numeric question, the group's published figures."""
        summary = self.analysis.questions
        out = []
        for qi, q in enumerate(self.questions):
            if q.kind not in NUMERIC_KINDS:
                continue
            area = self.areas[q.area].name if q.area >= 0 else ""
            out.append(
                {
                    "question": q.code,
                    "question_id": q.id,
                    "text": q.text,
                    "area": area,
                    "unit": q.unit,
                    **summary.cell(g, qi),
                }
            )
        return out

    def export_rows(self) -> list[dict[str, Any]]:
        """Every published figure of every group: areas, questions and matrix scores (for CSV/XLSX/JSON)."""
        rows: list[dict[str, Any]] = []
        n_areas = len(self.areas)
        for g, group in enumerate(self.groups):
            for r in self.area_rows(g):
                rows.append(
                    {
                        "group": group.label,
                        "group_key": group.key,
                        "figure": "area",
                        "area": r["area"],
                        "dimension": r["dimension"],
                        "question": "",
                        **_stats(r),
                    }
                )
            for r in self.question_rows(g):
                rows.append(
                    {
                        "group": group.label,
                        "group_key": group.key,
                        "figure": "question",
                        "area": r["area"],
                        "dimension": "",
                        "question": r["question"],
                        **_stats(r),
                    }
                )
            for a, area in enumerate(self.areas):
                for offset, name in ((0, "priority"), (n_areas, "readiness")):
                    cell = self.analysis.matrix.cell(g, offset + a)
                    rows.append(
                        {
                            "group": group.label,
                            "group_key": group.key,
                            "figure": "matrix",
                            "area": area.name,
                            "dimension": name,
                            "question": "",
                            **_stats(cell),
                        }
                    )
        return rows

    # --- matrix -------------------------------------------------------------------------------
    def matrix_points(self, g: int = 0) -> dict[int, tuple[float, float]]:
        """Published (priority, readiness) per area index for group g."""
        out = {}
        for a in range(len(self.areas)):
            point = self.analysis.matrix_point(g, a)
            if point is not None:
                out[a] = point
        return out

    def member_points(self, member_id: int) -> dict[int, tuple[float, float]]:
        """The member's own (priority, readiness) per area index."""
        i = self.member_index.get(member_id)
        if i is None:
            return {}
        p, r = self.analysis.priority[i], self.analysis.readiness[i]
        return {
            a: (float(p[a]), float(r[a]))
            for a in range(len(self.areas))
            if np.isfinite(p[a]) and np.isfinite(r[a])
        }

    def opportunities(self, points: dict[int, tuple[float, float]]) -> list[Opportunity]:
        return opportunities(
            points, priority_threshold=self.priority_threshold, readiness_threshold=self.readiness_threshold
        )

    def opportunity_rows(self, points: dict[int, tuple[float, float]]) -> list[dict[str, Any]]:
        """Ranked opportunities as plain dicts for pages, charts and exports."""
        return [
            {
                "rank": i + 1,
                "area": self.areas[o.area].name,
                "area_id": self.areas[o.area].id,
                "priority": o.priority,
                "readiness": o.readiness,
                "quadrant": o.quadrant,
                "quadrant_label": str(QUADRANT_LABELS[o.quadrant]),
                "quadrant_help": str(QUADRANT_HELP[o.quadrant]),
                "score": o.score,
            }
            for i, o in enumerate(self.opportunities(points))
        ]

    # --- one member ---------------------------------------------------------------------------
    def member_benchmark(self, member_id: int, groups: list[int] | None = None) -> dict[str, Any]:
        """The member's area scores against each published group figure, and its profile."""
        i = self.member_index.get(member_id)
        if i is None:
            return {"answered": False, "rows": [], "profile": {}}
        scores = self.analysis.area_scores[i]  # (areas, 5)
        summary = self.analysis.areas
        wanted = range(len(self.groups)) if groups is None else groups
        # Values of each group's members for each figure, for percentiles: member × figure matrix.
        flat = scores.reshape(-1)
        all_scores = self.analysis.area_scores.reshape(len(self.members), -1)
        rows = []
        for a, area in enumerate(self.areas):
            for d, dim in enumerate(DIMENSIONS):
                f = a * len(DIMENSIONS) + d
                value = float(flat[f])
                cells = []
                for g in wanted:
                    cell = summary.cell(g, f)
                    comparison = None
                    if cell["published"] and np.isfinite(value):
                        column = all_scores[self.group_masks[g], f]
                        comparison = compare_member(
                            value,
                            column[np.isfinite(column)],
                            float(summary.mean[g, f]),
                            float(summary.sd[g, f]),
                        )
                    cells.append({"group": self.groups[g], "cell": cell, "comparison": comparison})
                rows.append(
                    {
                        "area": area.name,
                        "area_id": area.id,
                        "dimension": dim,
                        "dimension_label": DIMENSION_LABELS.get(dim, dim),
                        "value": round(value, 2) if np.isfinite(value) else None,
                        "groups": cells,
                    }
                )
        profile = {
            key: [{"area": self.areas[a].name, "score": s} for a, s in hits]
            for key, hits in member_profile(scores).items()
        }
        return {"answered": True, "rows": rows, "profile": profile}

    # --- coalitions ---------------------------------------------------------------------------
    def coalitions(
        self,
        *,
        council: bool,
        own_member_id: int | None,
        window_months: int = 18,
        area_ids: list[int] | None = None,
    ) -> list[dict[str, Any]]:
        """Suggested coalitions per area, naming only members the viewer may see by name.

        Kept per (viewer's visibility, window, areas) with the analysis: clustering every area
        costs more than the rest of a report page.
        """
        key = (council, None if council else own_member_id, window_months, tuple(area_ids or ()))
        if key not in self._coalitions:
            self._coalitions[key] = self._find_coalitions(
                council=council, own_member_id=own_member_id, window_months=window_months, area_ids=area_ids
            )
        return [dict(c) for c in self._coalitions[key]]

    def _find_coalitions(
        self, *, council: bool, own_member_id: int | None, window_months: int, area_ids: list[int] | None
    ) -> list[dict[str, Any]]:
        eligible = self.nameable(council=council, own_member_id=own_member_id)
        by_area: dict[int, dict[int, dt.date]] = {}
        for (m, aa), d in self.contract_end.items():
            by_area.setdefault(aa, {})[m] = d
        out = []
        for a, area in enumerate(self.areas):
            if area_ids is not None and area.id not in area_ids:
                continue
            ends = by_area.get(a, {})
            found: list[Coalition] = find_coalitions(
                a,
                self.analysis.priority,
                self.analysis.readiness,
                eligible=eligible,
                contract_end=ends,
                priority_threshold=self.priority_threshold,
                readiness_threshold=self.readiness_threshold,
                window_months=window_months,
            )
            for c in found:
                names = [self.members[m].name for m in c.members]
                out.append(
                    {
                        "area": area.name,
                        "area_id": area.id,
                        "members": [
                            {
                                "id": self.members[m].id,
                                "name": self.members[m].name,
                                "contract_end": ends.get(m),
                                "named": self.members[m].named,
                            }
                            for m in c.members
                        ],
                        "undated": [self.members[m].name for m in c.undated],
                        "priority": c.priority,
                        "readiness": c.readiness,
                        "first_end": c.first_end,
                        "last_end": c.last_end,
                        "months_apart": c.months_apart,
                        "sentence": coalition_sentence(c, names, area.name),
                    }
                )
        return out

    def suppressed_count(self) -> tuple[int, int]:
        """(suppressed, with answers) figures over all groups, areas and questions."""
        total = shown = 0
        for summary in (self.analysis.areas, self.analysis.questions):
            has = summary.n > 0
            total += int(has.sum())
            shown += int((summary.published & has).sum())
        return total - shown, total


def _stats(cell: dict[str, Any]) -> dict[str, Any]:
    return {key: cell.get(key) for key in ("published", "n", "mean", "sd", "q1", "median", "q3")}
