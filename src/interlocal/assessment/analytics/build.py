"""Building the analysis of a campaign, kept per campaign until its data changes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np
from django.utils.translation import gettext as _g

from interlocal.assessment.engine import (
    DIMENSIONS,
    Dataset,
    analyse,
)
from interlocal.assessment.models import Campaign, Question, Response
from interlocal.tenancy.models import Member

if TYPE_CHECKING:
    pass
from interlocal.assessment.analytics.loading import (
    _answer_arrays,
    _contract_ends,
    _custom_groups,
    _date_arrays,
    _index_of,
    _member_rows,
    _question_rows,
    _stamp,
)
from interlocal.assessment.analytics.results import (
    AreaInfo,
    CampaignAnalytics,
    GroupDef,
    MemberInfo,
    QuestionInfo,
    _band_label,
    min_members,
    population_bands,
)

__all__ = ["build_analytics", "campaign_analytics", "campaign_inputs"]


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
