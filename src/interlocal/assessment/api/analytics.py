"""API for assessment aggregates, a member's benchmark, the matrix and coalitions.

Everything here is computed by `assessment.analytics` with the disclosure rule applied: a
suppressed figure comes back with `published: false` and no numbers. The campaign is read through
`get_campaign_for_user` (404 outside the consortium; vendors see no campaign).
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from interlocal.assessment import analytics
from interlocal.assessment.actions import is_council_of
from interlocal.assessment.analytics import CampaignAnalytics
from interlocal.assessment.models import Campaign
from interlocal.assessment.queries import get_campaign_for_user
from interlocal.core.api import IdFilter, IdParam, error_responses, optional, request_user

__all__ = ["router"]

router = Router(tags=["assessment"])


class GroupOut(Schema):
    key: str = Field(..., description='Peer group key: "all", "band-N", "kind-<kind>" or "custom-<id>".')
    label: str
    kind: str = Field(..., description="all, band, kind or custom.")


class FigureOut(Schema):
    group: str = Field(..., description="Peer group key.")
    figure: str = Field(..., description="area, question or matrix.")
    area: str
    dimension: str = Field(
        ...,
        description="Dimension of an area figure (satisfaction, pressing, future, readiness, sharing); "
        "priority or readiness for a matrix figure.",
    )
    question: str = Field(..., description="Question code of a question figure.")
    published: bool = Field(..., description="False when the disclosure rule hides the figure.")
    n: int | None
    mean: float | None
    sd: float | None
    q1: float | None
    median: float | None
    q3: float | None


class AggregatesOut(Schema):
    campaign: int
    name: str = Field(..., description="The campaign's name.")
    k: int = Field(..., description="Minimum number of private members behind a published figure.")
    participants: int = Field(..., description="Members with a submitted response.")
    groups: list[GroupOut]
    figures: list[FigureOut]


class AggregatesFilter(Schema):
    group: str | None = optional(max_length=80, description="Only this peer group (its key).")
    figure: str | None = optional(pattern="^(area|question|matrix)$", description="area, question or matrix.")


class ComparisonOut(Schema):
    group: str
    published: bool
    n: int | None
    mean: float | None
    difference: float | None
    z: float | None
    percentile: float | None


class BenchmarkRowOut(Schema):
    area: str
    dimension: str
    value: float | None = Field(..., description="The member's own area score (1–5).")
    groups: list[ComparisonOut]


class ProfileItemOut(Schema):
    area: str
    score: float


class BenchmarkOut(Schema):
    campaign: int
    name: str = Field(..., description="The campaign's name.")
    member: int | None = Field(..., description="The member compared (none when you act for no member).")
    answered: bool
    excellence: list[ProfileItemOut]
    pressing: list[ProfileItemOut]
    future: list[ProfileItemOut]
    rows: list[BenchmarkRowOut]


class BenchmarkFilter(Schema):
    member: IdFilter | None = optional(
        description="Member to compare (consortium staff only; default your own)."
    )


class OpportunityOut(Schema):
    rank: int
    area: str
    area_id: int
    priority: float
    readiness: float
    quadrant: str = Field(..., description="pursue, improve, explore or monitor.")
    score: float = Field(..., description="0 at (1, 1), 100 at (5, 5).")


class MatrixOut(Schema):
    campaign: int
    name: str = Field(..., description="The campaign's name.")
    group: str
    priority_threshold: float
    readiness_threshold: float
    opportunities: list[OpportunityOut]
    member: int | None = Field(None, description="Your member, when you act for one.")
    member_opportunities: list[OpportunityOut]


class MatrixFilter(Schema):
    group: str | None = optional(max_length=80, description='Peer group key (default "all").')


class CoalitionMemberOut(Schema):
    id: int
    name: str
    contract_end: dt.date | None


class CoalitionOut(Schema):
    area: str
    area_id: int
    members: list[CoalitionMemberOut]
    priority: float
    readiness: float
    first_end: dt.date | None
    last_end: dt.date | None
    months_apart: int | None
    sentence: str


class CoalitionFilter(Schema):
    area: IdFilter | None = optional(description="Only this service area (its id).")
    window: int | None = optional(
        ge=1, le=120, description="Contracts end within this many months (default 18)."
    )


def _load(request: HttpRequest, campaign_id: int) -> tuple[Campaign, CampaignAnalytics, bool]:
    user = request_user(request)
    campaign = get_campaign_for_user(user, campaign_id)
    return campaign, analytics.campaign_analytics(campaign), is_council_of(user, campaign.consortium_id)


def _own_member(request: HttpRequest, campaign: Campaign) -> int | None:
    """The member the person holds a member role for in the campaign's consortium (lowest id)."""
    from interlocal.tenancy.models import Membership

    ids = sorted(
        Membership.objects.filter(
            user=request_user(request),
            consortium_id=campaign.consortium_id,
            member__isnull=False,
            role__in=["member_admin", "member_staff"],
        ).values_list("member_id", flat=True)
    )
    return ids[0] if ids else None


def _group(ca: CampaignAnalytics, key: str | None) -> int:
    if not key:
        return 0
    for g, group in enumerate(ca.groups):
        if group.key == key:
            return g
    raise HttpError(422, f"group: no peer group {key!r} in this campaign")


@router.get(
    "/assessment/campaigns/{campaign_id}/aggregates",
    response={200: AggregatesOut, **error_responses(401, 404, 422)},
    operation_id="assessment_aggregates",
    summary="Published aggregates of a campaign",
)
def aggregates(
    request: HttpRequest, campaign_id: IdParam, filters: Query[AggregatesFilter]
) -> dict[str, Any]:
    """n, mean, SD and quartiles per peer group for every area dimension, question and matrix score."""
    campaign, ca, _council = _load(request, campaign_id)
    if filters.group:
        _group(ca, filters.group)
    rows = [
        {**r, "group": r["group_key"]}
        for r in ca.export_rows()
        if (not filters.group or r["group_key"] == filters.group)
        and (not filters.figure or r["figure"] == filters.figure)
    ]
    return {
        "campaign": campaign.pk,
        "name": campaign.name,
        "k": ca.k,
        "participants": len(ca.members),
        "groups": [{"key": g.key, "label": g.label, "kind": g.kind} for g in ca.groups],
        "figures": rows,
    }


@router.get(
    "/assessment/campaigns/{campaign_id}/benchmark",
    response={200: BenchmarkOut, **error_responses(401, 404, 422)},
    operation_id="assessment_member_benchmark",
    summary="A member's area scores against every peer group",
)
def member_benchmark(
    request: HttpRequest, campaign_id: IdParam, filters: Query[BenchmarkFilter]
) -> dict[str, Any]:
    """Your member's (or, for consortium staff, any participant's) values against each group."""
    campaign, ca, council = _load(request, campaign_id)
    own = _own_member(request, campaign)
    member_id = filters.member or own
    if member_id is None:
        # Council people and observers act for no member: nothing of their own to compare.
        return {
            "campaign": campaign.pk,
            "name": campaign.name,
            "member": None,
            "answered": False,
            "excellence": [],
            "pressing": [],
            "future": [],
            "rows": [],
        }
    if member_id != own and not (council and member_id in ca.member_index):
        raise Http404("No such member in this campaign.")
    bench = ca.member_benchmark(member_id)
    rows = []
    for r in bench["rows"]:
        rows.append(
            {
                "area": r["area"],
                "dimension": r["dimension"],
                "value": r["value"],
                "groups": [
                    {
                        "group": c["group"].key,
                        "published": bool(c["cell"]["published"]),
                        "n": c["cell"]["n"],
                        "mean": c["cell"]["mean"],
                        "difference": c["comparison"].difference if c["comparison"] else None,
                        "z": c["comparison"].z if c["comparison"] else None,
                        "percentile": c["comparison"].percentile if c["comparison"] else None,
                    }
                    for c in r["groups"]
                ],
            }
        )
    profile = bench["profile"]
    return {
        "campaign": campaign.pk,
        "name": campaign.name,
        "member": member_id,
        "answered": bench["answered"],
        "excellence": profile.get("excellence", []),
        "pressing": profile.get("pressing", []),
        "future": profile.get("future", []),
        "rows": rows,
    }


@router.get(
    "/assessment/campaigns/{campaign_id}/matrix",
    response={200: MatrixOut, **error_responses(401, 404, 422)},
    operation_id="assessment_matrix",
    summary="Priority–readiness matrix and ranked opportunities",
)
def matrix(request: HttpRequest, campaign_id: IdParam, filters: Query[MatrixFilter]) -> dict[str, Any]:
    """Per service area: priority, readiness, quadrant and score, for a peer group and your member."""
    campaign, ca, _council = _load(request, campaign_id)
    g = _group(ca, filters.group)
    own = _own_member(request, campaign)
    return {
        "campaign": campaign.pk,
        "name": campaign.name,
        "group": ca.groups[g].key,
        "priority_threshold": ca.priority_threshold,
        "readiness_threshold": ca.readiness_threshold,
        "opportunities": ca.opportunity_rows(ca.matrix_points(g)),
        "member": own,
        "member_opportunities": ca.opportunity_rows(ca.member_points(own)) if own else [],
    }


@router.get(
    "/assessment/campaigns/{campaign_id}/coalitions",
    response={200: list[CoalitionOut], **error_responses(401, 404, 422)},
    operation_id="assessment_coalitions",
    summary="Suggested coalitions per service area",
)
def coalitions(
    request: HttpRequest, campaign_id: IdParam, filters: Query[CoalitionFilter]
) -> list[dict[str, Any]]:
    """Members sharing high priority and readiness, with close contract ends, explained in words.

    Members who chose aggregates only are named to the consortium's council only.
    """
    campaign, ca, council = _load(request, campaign_id)
    return ca.coalitions(
        council=council,
        own_member_id=_own_member(request, campaign),
        window_months=filters.window or 18,
        area_ids=[filters.area] if filters.area else None,
    )
