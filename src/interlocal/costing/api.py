"""API for costing: cost models, scenarios, members' inputs and results.

Reads go through costing.queries; members' confidential figures are disclosed per caller exactly
as on the pages (queries.disclosure_for). Writes go through costing.actions.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from interlocal.core.api import (
    IdFilter,
    IdParam,
    InputSchema,
    LimitOffset,
    error_responses,
    optional,
    request_user,
)
from interlocal.costing.actions import do_save_participant
from interlocal.costing.analysis import Analysis, RuleResult, analyse, uncertainty
from interlocal.costing.models import CostModel, Scenario, ScenarioParticipant
from interlocal.costing.queries import (
    ChargeDisclosure,
    charge_disclosure_for,
    charges_for,
    disclosure_for,
    get_cost_model_for_user,
    get_scenario_for_user,
    participants_of,
)
from interlocal.tenancy.models import Member

__all__ = ["router"]

router = Router(tags=["costing"])

Money = Decimal


class CostModelOut(Schema):
    """A cost model of one shared-service opportunity."""

    id: int = Field(..., description="The cost model's id.", examples=[1])
    consortium_id: int = Field(..., description="The consortium that owns it.", examples=[1])
    name: str = Field(..., description="Its name.", examples=["Shared data center and backup"])
    description: str = Field(..., description="What the opportunity is.")
    area_code: str | None = Field(
        ..., description="The taxonomy service area's code.", examples=["dr-backup"]
    )
    area_name: str | None = Field(
        ..., description="The service area's name.", examples=["Backup and disaster recovery"]
    )
    scenario_count: int = Field(..., description="How many scenarios it has.", examples=[2])
    updated_at: dt.datetime = Field(..., description="Last change (UTC).")

    @staticmethod
    def resolve_area_code(obj: CostModel) -> str | None:
        return obj.area.code if obj.area else None

    @staticmethod
    def resolve_area_name(obj: CostModel) -> str | None:
        return obj.area.name if obj.area else None


class ScenarioOut(Schema):
    """A scenario: shared cost parameters (likely values; low/high where given) and the chosen rule."""

    id: int = Field(..., description="The scenario's id.", examples=[1])
    cost_model_id: int = Field(..., description="Its cost model.", examples=[1])
    name: str = Field(..., description="Its name.", examples=["Baseline"])
    version: int = Field(..., description="Version number.", examples=[1])
    parent_id: int | None = Field(..., description="The scenario it was copied from.")
    status: str = Field(..., description="draft or final.", examples=["draft"])
    platform_low: Money | None = Field(..., description="Platform cost a year, low.")
    platform_likely: Money = Field(..., description="Platform cost a year, likely.")
    platform_high: Money | None = Field(..., description="Platform cost a year, high.")
    capex: Money | None = Field(..., description="One-off capital cost.")
    capex_life_years: int | None = Field(..., description="Life of the capital, years.")
    capex_rate: Decimal | None = Field(..., description="Interest rate (fraction).")
    price_likely: Money = Field(..., description="Variable price per unit, likely.")
    exponent_likely: Decimal = Field(..., description="Economies of scale β, likely.")
    coordination_likely: Money = Field(..., description="Coordination base h0, likely.")
    coordination_exponent: Decimal = Field(..., description="Coordination exponent γ.")
    term_years: int = Field(..., description="Agreement term in years.")
    rule: str = Field(..., description="The chosen rule ('' when none).", examples=["shapley"])
    rule_params: dict[str, Any] = Field(..., description="Rule parameters (blend weights).")
    updated_at: dt.datetime = Field(..., description="Last change to the scenario or its inputs (UTC).")


class ParticipantOut(Schema):
    """One member's inputs; confidential figures are null unless the caller may see them."""

    member_id: int = Field(..., description="The member's id.", examples=[3])
    member: str = Field(..., description="The member's name.", examples=["Avon"])
    disclosed: bool = Field(..., description="Whether the confidential figures are shown to you.")
    visibility: str = Field(..., description="named or aggregate (the member's choice).")
    charge_consent: bool = Field(
        False, description="Whether the member consented to other participants seeing its charges by name."
    )
    population: int | None = Field(None, description="Population.")
    units_low: int | None = Field(None, description="Units, low.")
    units_likely: int | None = Field(None, description="Units, likely.")
    units_high: int | None = Field(None, description="Units, high.")
    own_cost_low: Money | None = Field(None, description="Onboarding and migration, low.")
    own_cost_likely: Money | None = Field(None, description="Onboarding and migration, likely.")
    own_cost_high: Money | None = Field(None, description="Onboarding and migration, high.")
    service_level_low: Money | None = Field(None, description="Service level cost a year, low.")
    service_level_likely: Money | None = Field(None, description="Service level cost a year, likely.")
    service_level_high: Money | None = Field(None, description="Service level cost a year, high.")
    standalone_low: Money | None = Field(None, description="Current stand-alone spend a year, low.")
    standalone_likely: Money | None = Field(None, description="Current stand-alone spend a year, likely.")
    standalone_high: Money | None = Field(None, description="Current stand-alone spend a year, high.")
    grand_list: Money | None = Field(None, description="Equalized grand list.")
    road_miles: Decimal | None = Field(None, description="Road miles.")


class ParticipantIn(InputSchema):
    """A member's inputs (all fields are written; low/high may be null)."""

    units_low: int | None = Field(None, ge=0, le=2_000_000_000)
    units_likely: int = Field(0, ge=0, le=2_000_000_000, description="Units (users, TB, devices).")
    units_high: int | None = Field(None, ge=0, le=2_000_000_000)
    own_cost_low: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    own_cost_likely: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    own_cost_high: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    service_level_low: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    service_level_likely: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    service_level_high: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    standalone_low: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    standalone_likely: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    standalone_high: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    population: int | None = Field(None, ge=0, le=2_147_483_647)
    grand_list: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    road_miles: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    visibility: Literal["named", "aggregate"] = Field(
        "aggregate", description="Who may see the figures by name."
    )


class RuleOut(Schema):
    """One allocation rule's result."""

    rule: str = Field(..., examples=["shapley"])
    label: str = Field(..., examples=["Shapley value"])
    explanation: str = Field(..., description="One plain paragraph.")
    allocation: dict[str, Decimal] | None = Field(
        ...,
        description=(
            "Charge a year per member, cents. For the council every member, summing to c(N); for a member's "
            "people only the charges they may see (their own, and those of members whose figures the rule "
            "is computed from are disclosable or who consented), the rest in `others_total`."
        ),
    )
    others_total: Decimal | None = Field(
        None, description="The total charge of the members not listed in `allocation`, when it may be shown."
    )
    others_count: int = Field(0, description="How many members are not listed in `allocation`.")
    withheld: bool = Field(
        False,
        description=(
            "True when no charge is shown under this rule: too few other members remain to hide among, so "
            "any charge with c(N) would reveal theirs."
        ),
    )
    derived_from: list[str] = Field(
        [], description="The confidential member inputs this rule's charges are computed from."
    )
    error: str = Field(..., description="Why the rule could not be computed ('' if it was).")
    stable: bool | None = Field(..., description="Whether no group would be better off alone.")
    most_dissatisfied: list[str] = Field(
        ...,
        description="The group that would gain most by leaving (empty when naming it would reveal figures).",
    )
    excess: float | None = Field(
        ...,
        description="What that group would save by leaving (≤ 0 when stable; null when not shown to you).",
    )
    sentence: str = Field(..., description="The stability check in one sentence.")


class CostSavingsOut(Schema):
    """Savings: Σ stand-alone − c(N), likely and simulated (null when not publishable to you)."""

    grand_cost: Decimal = Field(..., description="c(N): the shared service's cost a year.")
    standalone_total: Decimal | None = Field(..., description="Σ members' stand-alone spend a year.")
    savings_total: Decimal | None = Field(..., description="Likely savings a year.")
    p10: float | None = Field(None)
    p50: float | None = Field(None)
    p90: float | None = Field(None)
    probability_cheaper: float | None = Field(None, description="Share of draws in which sharing is cheaper.")
    draws: int = Field(0, description="Monte Carlo draws (seed 0).")


class ResultsOut(Schema):
    """A scenario's results: savings, every rule's allocation and its core check."""

    scenario_id: int
    chosen_rule: str
    savings: CostSavingsOut
    rules: list[RuleOut]
    error: str = Field(..., description="Why nothing could be computed ('' when all is well).")


class ScenarioFilter(Schema):
    cost_model: IdFilter | None = optional(description="Only scenarios of this cost model (id).")


@router.get(
    "/costing/models",
    response={200: list[CostModelOut], **error_responses(401, 422)},
    operation_id="costing_models_list",
    summary="List cost models",
)
@paginate(LimitOffset)
def costing_models_list(request: HttpRequest) -> object:
    """Cost models of the consortia you belong to (not vendors)."""
    qs = (
        CostModel.objects.visible_to(request_user(request))
        .select_related("area")  # each row names its service area
        .annotate(scenario_count=Count("scenarios"))
    )
    return qs.order_by("name", "pk")


@router.get(
    "/costing/models/{model_id}",
    response={200: CostModelOut, **error_responses(401, 404, 422)},
    operation_id="costing_models_get",
    summary="Get a cost model",
)
def costing_models_get(request: HttpRequest, model_id: IdParam) -> CostModel:
    """One cost model; 404 if it is not your consortium's."""
    model = get_cost_model_for_user(request_user(request), model_id)
    model.scenario_count = model.scenarios.count()  # type: ignore[attr-defined]
    return model


@router.get(
    "/costing/scenarios",
    response={200: list[ScenarioOut], **error_responses(401, 422)},
    operation_id="costing_scenarios_list",
    summary="List scenarios",
)
@paginate(LimitOffset)
def costing_scenarios_list(request: HttpRequest, filters: Query[ScenarioFilter]) -> object:
    """Scenarios of the cost models you can see."""
    qs = Scenario.objects.visible_to(request_user(request))
    if filters.cost_model is not None:
        qs = qs.filter(cost_model_id=filters.cost_model)
    return qs.order_by("cost_model_id", "name", "-version", "pk")


@router.get(
    "/costing/scenarios/{scenario_id}",
    response={200: ScenarioOut, **error_responses(401, 404, 422)},
    operation_id="costing_scenarios_get",
    summary="Get a scenario",
)
def costing_scenarios_get(request: HttpRequest, scenario_id: IdParam) -> Scenario:
    """One scenario's shared parameters and chosen rule."""
    return get_scenario_for_user(request_user(request), scenario_id)


CONFIDENTIAL = (
    "units_low",
    "units_likely",
    "units_high",
    "own_cost_low",
    "own_cost_likely",
    "own_cost_high",
    "service_level_low",
    "service_level_likely",
    "service_level_high",
    "standalone_low",
    "standalone_likely",
    "standalone_high",
    "grand_list",
    "road_miles",
)


def _participant_out(p: ScenarioParticipant, shown: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "member_id": p.member_id,
        "member": p.member.name,
        "disclosed": shown,
        "visibility": p.visibility,
        "charge_consent": p.charge_consent,
        "population": p.population,
    }
    if shown:
        out.update({f: getattr(p, f) for f in CONFIDENTIAL})
    return out


@router.get(
    "/costing/scenarios/{scenario_id}/participants",
    response={200: list[ParticipantOut], **error_responses(401, 404, 422)},
    operation_id="costing_participants_list",
    summary="List a scenario's members and their inputs",
)
def costing_participants_list(request: HttpRequest, scenario_id: IdParam) -> list[dict[str, Any]]:
    """Every participant; confidential figures only for the council, your own member and named members."""
    user = request_user(request)
    scenario = get_scenario_for_user(user, scenario_id)
    rows = participants_of(user, scenario)
    disclosure = disclosure_for(user, scenario, rows)
    return [_participant_out(p, disclosure.shows(p.member_id)) for p in rows]


@router.put(
    "/costing/scenarios/{scenario_id}/participants/{member_id}",
    response={200: ParticipantOut, **error_responses(400, 401, 403, 404, 413, 422)},
    operation_id="costing_participants_put",
    summary="Set a member's inputs",
)
def costing_participants_put(
    request: HttpRequest, scenario_id: IdParam, member_id: IdParam, payload: ParticipantIn
) -> dict[str, Any]:
    """Create or replace a member's inputs: the council for any member, members for themselves (else 403)."""
    user = request_user(request)
    scenario = get_scenario_for_user(user, scenario_id)
    member = get_object_or_404(
        Member.objects.visible_to(user).filter(
            participations__consortium_id=scenario.cost_model.consortium_id
        ),
        pk=member_id,
    )
    row = do_save_participant(scenario, member, acting_user=user, **payload.model_dump())
    return _participant_out(row, True)


@router.get(
    "/costing/scenarios/{scenario_id}/results",
    response={200: ResultsOut, **error_responses(401, 404, 422)},
    operation_id="costing_scenarios_results",
    summary="A scenario's savings, allocations per rule and core checks",
)
def costing_scenarios_results(request: HttpRequest, scenario_id: IdParam) -> dict[str, Any]:
    """Savings (likely and simulated, when publishable to you), every rule's allocation and core check."""
    user = request_user(request)
    scenario = get_scenario_for_user(user, scenario_id)
    rows = participants_of(user, scenario)
    disclosure = disclosure_for(user, scenario, rows)
    charge_disclosure = charge_disclosure_for(user, scenario, rows)
    result = analyse(scenario, rows)
    savings: dict[str, Any] = {
        "grand_cost": result.grand_cost,
        "standalone_total": result.standalone_total if disclosure.totals else None,
        "savings_total": result.savings_total if disclosure.totals else None,
    }
    if disclosure.totals and not result.error:
        unc = uncertainty(scenario)
        if not unc.error:
            savings.update(
                p10=unc.p10,
                p50=unc.p50,
                p90=unc.p90,
                probability_cheaper=unc.probability_cheaper,
                draws=unc.draws,
            )
    return {
        "scenario_id": scenario.pk,
        "chosen_rule": scenario.rule,
        "savings": savings,
        "error": result.error,
        "rules": [_rule_out(r, result, charge_disclosure) for r in result.rules],
    }


def _rule_out(r: RuleResult, result: Analysis, disclosure: ChargeDisclosure) -> dict[str, Any]:
    """One rule's result, its charges disclosed for the caller (queries.charges_for)."""
    out: dict[str, Any] = {
        "rule": r.key,
        "label": r.label,
        "explanation": r.explanation,
        "error": r.error,
        "stable": r.stable,
        "derived_from": sorted(disclosure.rule(r.key).inputs),
    }
    if r.amounts is None:
        return {**out, "allocation": None, "most_dissatisfied": [], "excess": None, "sentence": ""}
    charges = charges_for(disclosure, result, r)
    names = {p.member_id: p.name for p in result.players}
    return {
        **out,
        "allocation": {names[m]: amount for m, amount in charges.by_member.items()},
        "others_total": charges.others_total,
        "others_count": charges.others_count,
        "withheld": charges.withheld,
        "most_dissatisfied": charges.group,
        "excess": charges.excess,
        "sentence": charges.sentence,
    }
