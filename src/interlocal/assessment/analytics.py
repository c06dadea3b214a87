"""Django glue for the assessment analytics: load a campaign's answers as compact arrays, build the
peer groups, run the engine once, and answer what each page, export, API operation and command
asks — with the disclosure rule applied and visibility respected.

Who sees what (docs/assessment.md, "Analytics"):

- Published aggregates: everybody in the consortium who may read the campaign (not vendors).
- A member's own values against the groups: that member's people, and the consortium's council.
- Members who chose "by name" appear by name to everybody in the consortium; members who chose
  "only in aggregates" appear by name to the consortium's council only (who must be able to form
  coalitions), never to other members.

Loading: one query each for the members (with their visibility), the questions, the peer groups
and the answers; on PostgreSQL the answers come back as one binary value read straight into numpy
arrays. The result is kept in memory per campaign and reused while nothing it depends on has
changed (`_stamp`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from interlocal import audit
from interlocal.assessment.engine import (
    DIMENSIONS,
    Analysis,
    Coalition,
    Dataset,
    analyse,
    coalition_sentence,
    compare_member,
    find_coalitions,
    member_profile,
    opportunities,
)
from interlocal.assessment.engine.scores import Opportunity
from interlocal.assessment.models import Answer, Campaign, PeerGroup, Question, Response
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = [
    "population_bands",
    "QUADRANT_LABELS",
    "CampaignAnalytics",
    "GroupDef",
    "build_analytics",
    "campaign_analytics",
    "campaign_inputs",
    "do_delete_peer_group",
    "do_save_peer_group",
    "min_members",
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


# --- Loading -------------------------------------------------------------------------------------


def _member_rows(campaign: Campaign) -> list[tuple[int, str, str, int | None, str]]:
    """Members with a submitted response: (id, name, kind, population, visibility)."""
    return list(
        Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED)
        .order_by("member__name", "member_id")
        .values_list("member_id", "member__name", "member__kind", "member__population", "visibility")
    )


def _question_rows(campaign: Campaign) -> list[tuple[Any, ...]]:
    return list(
        Question.objects.filter(version_id=campaign.template_version_id)
        .order_by("section__order", "order", "pk")
        .values_list(
            "pk",
            "code",
            "text",
            "kind",
            "dimension",
            "unit",
            "section__area_id",
            "section__area__name",
            "section__area__code",
        )
    )


def _custom_groups(consortium_id: int) -> list[tuple[int, str, list[int]]]:
    """The consortium's custom peer groups with their member ids (two queries)."""
    groups = list(
        PeerGroup.objects.filter(consortium_id=consortium_id).order_by("name", "pk").values_list("pk", "name")
    )
    through = PeerGroup.members.through
    links: dict[int, list[int]] = {pk: [] for pk, _n in groups}
    for gid, mid in through.objects.filter(peergroup__consortium_id=consortium_id).values_list(
        "peergroup_id", "member_id"
    ):
        links.setdefault(gid, []).append(mid)
    return [(pk, name, sorted(links.get(pk, []))) for pk, name in groups]


ANSWER_SQL = (
    "SELECT a.member_id, a.question_id, a.num FROM {answer} a "
    "JOIN {response} r ON r.id = a.response_id "
    "WHERE a.campaign_id = %s AND r.campaign_id = %s AND r.status = %s AND a.num IS NOT NULL"
)
# PostgreSQL packs the answers into one bytea of fixed-size binary records, (response id, question
# id, num) as big-endian int4, int4, float8: one value that numpy reads in place, instead of one
# message per row (COPY) or one Python tuple per row (a cursor). One record per answer keeps the
# three columns aligned by construction. A bytea holds at most 1 GB: 67 million answers. The
# answers of responses not submitted are dropped in numpy, by response id (see _answer_arrays):
# a join to the responses here cost PostgreSQL a third more than the whole pass over the answers.
ANSWER_RECORDS_SQL = (
    "SELECT string_agg(int4send(a.response_id::int4) || int4send(a.question_id::int4) || float8send(a.num), "
    "''::bytea) FROM {answer} a "
    "WHERE a.campaign_id = %s AND a.num IS NOT NULL"
)
_ANSWER_RECORD = np.dtype([("r", ">i4"), ("q", ">i4"), ("v", ">f8")])


def _binary_value(sql: str, params: list[int | str]) -> bytes:
    """The one bytea value a PostgreSQL query returns, as raw bytes (b"" for NULL or no row).

    A plain psycopg cursor (server-side binding) with binary results, so the value is not sent as
    hex text to decode; Django's own cursors bind client-side and read text only. Wrapped like
    Django's cursors, so the query is logged and counted like any other.
    """
    import psycopg

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    raw.format = psycopg.pq.Format.BINARY
    # django-stubs type these with Django's wrapper; at run time they wrap the driver's cursor.
    make = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    wrapped = make(raw)  # type: ignore[arg-type]
    with wrapped as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def _answer_arrays(campaign_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(member id, question id, num) of every numeric answer of a submitted response.

    On PostgreSQL the database packs the rows into one binary value that numpy reads without a
    Python object per row, and a second, small query names the submitted responses and their
    members; other databases go through the cursor in one query (slower; tests, demos).
    """
    tables = {"answer": Answer._meta.db_table, "response": Response._meta.db_table}
    params: list[int | str] = [campaign_id, campaign_id, str(Response.Status.SUBMITTED)]
    if connection.vendor == "postgresql":
        submitted = np.array(
            Response.objects.filter(campaign_id=campaign_id, status=Response.Status.SUBMITTED)
            .order_by("pk")
            .values_list("pk", "member_id"),
            dtype=np.int64,
        ).reshape(-1, 2)
        records = np.frombuffer(
            _binary_value(ANSWER_RECORDS_SQL.format(**tables), [campaign_id]), dtype=_ANSWER_RECORD
        )
        if not len(submitted) or not len(records):
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
        # Member of each answer's response, -1 for a response not submitted: a lookup table over
        # the campaign's response ids (a few per member: one table entry each).
        response = records["r"].astype(np.int64)
        low, high = int(response.min()), int(response.max())
        table = np.full(high - low + 1, -1, dtype=np.int64)
        inside = (submitted[:, 0] >= low) & (submitted[:, 0] <= high)
        table[submitted[inside, 0] - low] = submitted[inside, 1]
        member = table[response - low]
        keep = member >= 0
        return member[keep], records["q"][keep].astype(np.int64), records["v"][keep].astype(np.float64)
    with connection.cursor() as cursor:
        cursor.execute(ANSWER_SQL.format(**tables), params)
        fetched = cursor.fetchall()
    if not fetched:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    arr = np.array(fetched, dtype=np.float64)
    return arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2]


DATE_SQL = (
    "SELECT a.member_id, a.question_id, a.date FROM {answer} a "
    "JOIN {response} r ON r.id = a.response_id "
    "JOIN {question} q ON q.id = a.question_id "
    "WHERE a.campaign_id = %s AND r.campaign_id = %s AND r.status = %s AND q.kind = %s "
    "AND a.date IS NOT NULL"
)
# As ANSWER_RECORDS_SQL: (member id, question id, days since 2000-01-01) as big-endian int4s.
DATE_RECORDS_SQL = (
    "SELECT string_agg(int4send(a.member_id::int4) || int4send(a.question_id::int4) "
    "|| int4send(a.date - DATE '2000-01-01'), ''::bytea) FROM {answer} a "
    "JOIN {response} r ON r.id = a.response_id "
    "JOIN {question} q ON q.id = a.question_id "
    "WHERE a.campaign_id = %s AND r.campaign_id = %s AND r.status = %s AND q.kind = %s "
    "AND a.date IS NOT NULL"
)
_DATE_RECORD = np.dtype([("m", ">i4"), ("q", ">i4"), ("d", ">i4")])
_DATE_EPOCH = dt.date(2000, 1, 1).toordinal()


def _date_arrays(campaign_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(member id, question id, day ordinal) of the date answers of submitted responses."""
    tables = {
        "answer": Answer._meta.db_table,
        "response": Response._meta.db_table,
        "question": Question._meta.db_table,
    }
    params: list[int | str] = [
        campaign_id,
        campaign_id,
        str(Response.Status.SUBMITTED),
        str(Question.Kind.DATE),
    ]
    if connection.vendor == "postgresql":
        records = np.frombuffer(_binary_value(DATE_RECORDS_SQL.format(**tables), params), dtype=_DATE_RECORD)
        return (
            records["m"].astype(np.int64),
            records["q"].astype(np.int64),
            records["d"].astype(np.int64) + _DATE_EPOCH,
        )
    with connection.cursor() as cursor:
        cursor.execute(DATE_SQL.format(**tables), params)
        fetched = cursor.fetchall()
    # SQLite hands dates over as ISO text; other backends as dates.
    days = [
        (d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))).toordinal() for _m, _q, d in fetched
    ]
    return (
        np.array([m for m, _q, _d in fetched], dtype=np.int64),
        np.array([q for _m, q, _d in fetched], dtype=np.int64),
        np.array(days, dtype=np.int64),
    )


def _contract_ends(
    dates: tuple[np.ndarray, np.ndarray, np.ndarray],
    member_ids: np.ndarray,
    member_order: np.ndarray,
    question_ids: np.ndarray,
    question_order: np.ndarray,
    question_area: np.ndarray,
) -> dict[tuple[int, int], dt.date]:
    """The earliest date answer per (member index, area index), over the date questions of areas."""
    d_member, d_question, d_day = dates
    m_idx, m_ok = _index_of(member_ids, member_order, d_member)
    q_idx, q_ok = _index_of(question_ids, question_order, d_question)
    keep = m_ok & q_ok
    area = np.where(keep, question_area[q_idx] if len(question_area) else -1, -1)
    keep &= area >= 0
    m_idx, area, day = m_idx[keep], area[keep], d_day[keep]
    if not len(day):
        return {}
    key = m_idx * (int(area.max()) + 1) + area
    order = np.lexsort((day, key))  # by (member, area), earliest first
    first = order[np.r_[True, key[order][1:] != key[order][:-1]]]
    return {
        (m, a): dt.date.fromordinal(d)
        for m, a, d in zip(m_idx[first].tolist(), area[first].tolist(), day[first].tolist(), strict=True)
    }


def _stamp(campaign: Campaign, members: list[Any], custom: list[Any]) -> str:
    """What the analysis depends on: responses' last change, members, groups, thresholds and k."""
    last = Response.objects.filter(campaign=campaign).aggregate(last=Max("updated_at"), n=Count("pk"))
    text = repr(
        (
            campaign.pk,
            campaign.template_version_id,
            campaign.priority_threshold,
            campaign.readiness_threshold,
            min_members(),
            last,
            members,
            custom,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


_CACHE: OrderedDict[tuple[int, str], CampaignAnalytics] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4


def campaign_inputs(
    campaign: Campaign,
) -> tuple[list[tuple[int, str, str, int | None, str]], list[tuple[int, str, list[int]]]]:
    """The participants (with their visibility) and the consortium's custom peer groups."""
    return _member_rows(campaign), _custom_groups(campaign.consortium_id)


def campaign_analytics(campaign: Campaign) -> CampaignAnalytics:
    """The campaign's analysis for all peer groups (computed once, reused while unchanged)."""
    member_rows, custom = campaign_inputs(campaign)
    key = (campaign.pk, _stamp(campaign, member_rows, custom))
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    result = build_analytics(campaign, member_rows, custom)
    with _CACHE_LOCK:
        _CACHE[key] = result
        while _CACHE and len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def build_analytics(
    campaign: Campaign,
    member_rows: list[tuple[int, str, str, int | None, str]],
    custom: list[tuple[int, str, list[int]]],
    *,
    answers: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> CampaignAnalytics:
    """Run the engine for a campaign (no cache)."""
    members = [
        MemberInfo(mid, name, kind, pop, visibility == Response.Visibility.NAMED)
        for mid, name, kind, pop, visibility in member_rows
    ]
    member_ids = np.array([m.id for m in members], dtype=np.int64)
    order = np.argsort(member_ids)

    areas: list[AreaInfo] = []
    area_pos: dict[int, int] = {}
    questions: list[QuestionInfo] = []
    for pk, code, text, kind, dim, unit, area_id, area_name, area_code in _question_rows(campaign):
        a = -1
        if area_id is not None:
            if area_id not in area_pos:
                area_pos[area_id] = len(areas)
                areas.append(AreaInfo(area_id, area_name, area_code))
            a = area_pos[area_id]
        questions.append(QuestionInfo(pk, code, text, kind, dim, unit, a))
    question_ids = np.array([q.id for q in questions], dtype=np.int64)
    q_order = np.argsort(question_ids)

    a_member, a_question, a_value = answers if answers is not None else _answer_arrays(campaign.pk)
    m_idx, m_ok = _index_of(member_ids, order, a_member)
    q_idx, q_ok = _index_of(question_ids, q_order, a_question)
    keep = m_ok & q_ok
    dims = {d: i for i, d in enumerate(DIMENSIONS)}
    question_area = np.array([q.area for q in questions], dtype=np.int64)
    question_dim = np.array(
        [dims.get(q.dimension, -1) if q.kind == Question.Kind.SCALED else -1 for q in questions],
        dtype=np.int64,
    )
    dataset = Dataset(
        n_members=len(members),
        n_questions=len(questions),
        n_areas=len(areas),
        private=np.array([not m.named for m in members], dtype=bool),
        question_area=question_area,
        question_dimension=question_dim,
        member=m_idx[keep],
        question=q_idx[keep],
        value=a_value[keep],
    )
    groups, masks = _peer_groups(members, custom)
    analysis = analyse(dataset, masks, k=min_members())

    # Contract ends: the earliest date answer per member and area (date questions of the area).
    contract_end = (
        _contract_ends(_date_arrays(campaign.pk), member_ids, order, question_ids, q_order, question_area)
        if members
        else {}
    )
    return CampaignAnalytics(
        campaign_id=campaign.pk,
        k=min_members(),
        members=members,
        questions=questions,
        areas=areas,
        groups=groups,
        group_masks=masks,
        analysis=analysis,
        contract_end=contract_end,
        priority_threshold=float(campaign.priority_threshold),
        readiness_threshold=float(campaign.readiness_threshold),
    )


def _index_of(ids: np.ndarray, order: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of `wanted` ids in `ids` (through its argsort), and which were found.

    Database ids are dense enough for a lookup table (one gather per answer); far sparser ids
    fall back to a binary search.
    """
    if ids.size == 0:
        return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=bool)
    lowest, highest = int(ids[order[0]]), int(ids[order[-1]])
    if lowest >= 0 and highest < 8 * (len(ids) + len(wanted)) + 65536:
        table = np.full(highest + 2, -1, dtype=np.int64)  # the last slot: any id out of range
        table[ids] = np.arange(len(ids))
        inside = (wanted >= 0) & (wanted <= highest)
        pos = table[np.where(inside, wanted, highest + 1)]
        found = pos >= 0
        return np.where(found, pos, 0), found
    sorted_ids = ids[order]
    pos = np.searchsorted(sorted_ids, wanted)
    pos = np.clip(pos, 0, len(ids) - 1)
    found = sorted_ids[pos] == wanted
    return order[pos], found


def _peer_groups(
    members: list[MemberInfo], custom: list[tuple[int, str, list[int]]]
) -> tuple[list[GroupDef], np.ndarray]:
    """All members, population bands, kinds of member and custom groups (empty ones left out)."""
    n = len(members)
    defs: list[GroupDef] = [GroupDef("all", _g("All members"), "all")]
    masks: list[np.ndarray] = [np.ones(n, dtype=bool)]
    pops = np.array([m.population if m.population is not None else -1 for m in members], dtype=np.int64)
    for i, (lo, hi) in enumerate(population_bands(pops[pops >= 0])):
        mask = (pops >= lo) & ((pops < hi) if hi is not None else True)
        if mask.any():
            defs.append(GroupDef(f"band-{i}", _band_label(lo, hi), "band"))
            masks.append(mask)
    kinds = dict(Member.Kind.choices)
    member_kinds = np.array([m.kind for m in members], dtype=object)
    for kind, label in kinds.items():
        mask = member_kinds == kind
        if n and mask.any():
            defs.append(GroupDef(f"kind-{kind}", str(label), "kind"))
            masks.append(np.asarray(mask, dtype=bool))
    index = {m.id: i for i, m in enumerate(members)}
    for pk, name, member_ids in custom:
        mask = np.zeros(n, dtype=bool)
        for mid in member_ids:
            if mid in index:
                mask[index[mid]] = True
        if mask.any():
            defs.append(GroupDef(f"custom-{pk}", name, "custom"))
            masks.append(mask)
    return defs, np.vstack(masks) if n else np.zeros((len(defs), 0), dtype=bool)


# --- Writes: custom peer groups ------------------------------------------------------------------


def _check_council(actor: User | None, consortium: Consortium) -> None:
    from interlocal.assessment.actions import is_council_of

    if actor is not None and not is_council_of(actor, consortium.pk):
        raise PermissionDenied(_g("Only the consortium's admins and staff may manage peer groups."))


@transaction.atomic
def do_save_peer_group(
    consortium: Consortium,
    *,
    actor: User | None,
    name: str,
    members: list[Member],
    description: str = "",
    group: PeerGroup | None = None,
) -> PeerGroup:
    """Create or change a custom peer group of the consortium's members; all or nothing."""
    _check_council(actor, consortium)
    problems: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        problems["name"] = [_g("Give the group a name.")]
    elif (
        PeerGroup.objects.filter(consortium=consortium, name__iexact=name)
        .exclude(pk=group.pk if group else 0)
        .exists()
    ):
        problems["name"] = [_g("Another peer group of the consortium already has this name.")]
    ids = sorted({m.pk for m in members})
    participating = set(
        ConsortiumMember.objects.filter(consortium=consortium, member_id__in=ids).values_list(
            "member_id", flat=True
        )
    )
    if not ids:
        problems["members"] = [_g("Choose at least one member.")]
    elif outsiders := [m.name for m in members if m.pk not in participating]:
        problems["members"] = [
            _g("Not members of the consortium: %(names)s.") % {"names": ", ".join(outsiders)}
        ]
    if problems:
        raise ValidationError(problems)
    before: dict[str, Any] | None = None
    if group is None:
        group = PeerGroup(consortium=consortium, created_by=actor)
    else:
        before = {
            **audit.snapshot(group, ["name", "description"]),
            "members": sorted(group.members.values_list("pk", flat=True)),
        }
    group.name = name
    group.description = description
    group.save()
    group.members.set(ids)
    audit.record(
        actor,
        "assessment.peer_group.saved",
        group,
        before=before,
        after={**audit.snapshot(group, ["name", "description"]), "members": ids},
        consortium_id=consortium.pk,
    )
    return group


@transaction.atomic
def do_delete_peer_group(group: PeerGroup, *, actor: User | None) -> None:
    """Delete a custom peer group (benchmarks stop showing it)."""
    _check_council(actor, group.consortium)
    before = {
        **audit.snapshot(group, ["name", "description"]),
        "members": sorted(group.members.values_list("pk", flat=True)),
    }
    audit.record(
        actor, "assessment.peer_group.deleted", group, before=before, consortium_id=group.consortium_id
    )
    group.delete()
