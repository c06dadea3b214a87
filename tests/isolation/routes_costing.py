"""Costing pages and API: cost models and scenarios are Capitol Region's (every non-vendor role
reads them; the council changes them); members' inputs are each member's (its admins and staff
enter them, the council enters everyone's).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from interlocal.costing.models import ScenarioParticipant
from tests.costing.factories import CostModelFactory, ScenarioFactory, ScenarioParticipantFactory, add_town
from tests.isolation.registry import CAPITOL_NON_VENDOR, COUNCIL, SCOPED, SCOPED_LIST, Route, Target

MODEL_MARKER = "ISO-MARKER-COSTING-MODEL"
SCENARIO_MARKER = "ISO-MARKER-COSTING-SCENARIO"
TOWN_MARKER = "ISO-MARKER-COSTING-TOWN"
AVON_WRITERS = COUNCIL | {"ada", "bob"}


def _scenario(world: Any) -> tuple[Any, Any, ScenarioParticipant]:
    model = CostModelFactory(consortium=world.capitol, name=f"Backup {MODEL_MARKER}")
    scenario = ScenarioFactory(cost_model=model, name=f"Baseline {SCENARIO_MARKER}", rule="shapley")
    avon = ScenarioParticipantFactory(scenario=scenario, member=world.avon, units_likely=12)
    ScenarioParticipantFactory(scenario=scenario, member=world.bolton, units_likely=4)
    town = add_town(world.capitol, f"Zyq {TOWN_MARKER}")
    ScenarioParticipantFactory(scenario=scenario, member=town, units_likely=7, visibility="named")
    return model, scenario, avon


def model_list(world: Any) -> Target:
    model, _s, _a = _scenario(world)
    return Target(objects=[model], marker=MODEL_MARKER)


def model(world: Any) -> Target:
    model, _s, _a = _scenario(world)
    return Target(kwargs={"pk": model.pk}, objects=[model], marker=MODEL_MARKER)


def model_api(world: Any) -> Target:
    model, _s, _a = _scenario(world)
    return Target(kwargs={"model_id": model.pk}, objects=[model], marker=MODEL_MARKER)


def scenario(world: Any) -> Target:
    _m, scenario, avon = _scenario(world)
    return Target(kwargs={"pk": scenario.pk}, objects=[scenario, avon], marker=SCENARIO_MARKER)


def scenario_town(world: Any) -> Target:
    """Pages that name the participants (the marker is a participating town's name)."""
    _m, scenario, avon = _scenario(world)
    return Target(kwargs={"pk": scenario.pk}, objects=[scenario, avon], marker=TOWN_MARKER)


def scenario_binary(world: Any) -> Target:
    """PDF and XLSX downloads: compressed, so no marker; refusals are still checked."""
    _m, scenario, avon = _scenario(world)
    return Target(kwargs={"pk": scenario.pk}, objects=[scenario, avon])


def rates_json(world: Any) -> Target:
    _m, scenario, avon = _scenario(world)
    # With one other member hidden, a member's people would see no rate at all (one is too few to hide
    # among: queries.charge_disclosure_for); Avon's and Bolton's consent lets every member read them.
    ScenarioParticipant.objects.filter(scenario=scenario).update(charge_consent=True)
    return Target(
        kwargs={"pk": scenario.pk}, objects=[scenario, avon], marker=SCENARIO_MARKER, query={"format": "json"}
    )


def scenario_api(world: Any) -> Target:
    _m, scenario, avon = _scenario(world)
    return Target(kwargs={"scenario_id": scenario.pk}, objects=[scenario, avon], marker=SCENARIO_MARKER)


def scenario_api_town(world: Any) -> Target:
    _m, scenario, avon = _scenario(world)
    return Target(kwargs={"scenario_id": scenario.pk}, objects=[scenario, avon], marker=TOWN_MARKER)


def scenario_list(world: Any) -> Target:
    _m, scenario, _a = _scenario(world)
    return Target(objects=[scenario], marker=SCENARIO_MARKER)


def avon_inputs(world: Any) -> Target:
    _m, scenario, avon = _scenario(world)
    return Target(
        kwargs={"pk": scenario.pk, "member_pk": world.avon.pk}, objects=[avon], marker=SCENARIO_MARKER
    )


def avon_inputs_api(world: Any) -> Target:
    _m, scenario, avon = _scenario(world)
    return Target(kwargs={"scenario_id": scenario.pk, "member_id": world.avon.pk}, objects=[avon, scenario])


def nothing(world: Any) -> Target:
    return Target()


SCENARIO_EDIT = {
    "name": "Renamed by an outsider",
    "term_years": "9",
    "platform_likely": "1",
    "price_likely": "1",
    "exponent_likely": "1",
    "coordination_likely": "0",
    "coordination_exponent": "1",
    "status": "final",
}
INPUTS = {
    "units_likely": 999,
    "own_cost_likely": "1",
    "service_level_likely": "1",
    "standalone_likely": "1",
    "visibility": "named",
}

ROUTES = [
    Route("costing:cost_models", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=model_list),
    Route(
        "costing:cost_model_create",
        SCOPED,
        allowed=COUNCIL | {"pat"},
        build=nothing,
        methods=("GET", "POST"),
        note="the council of the consortium one acts for; pat creates in MISA Prairies",
    ),
    Route("costing:cost_model_detail", SCOPED, allowed=CAPITOL_NON_VENDOR, build=model),
    Route(
        "costing:cost_model_edit",
        SCOPED,
        allowed=COUNCIL,
        build=model,
        methods=("GET", "POST"),
        payload={"name": "Renamed by an outsider"},
    ),
    Route("costing:scenario_detail", SCOPED, allowed=CAPITOL_NON_VENDOR, build=scenario),
    Route(
        "costing:scenario_edit",
        SCOPED,
        allowed=COUNCIL,
        build=scenario,
        methods=("GET", "POST"),
        payload=SCENARIO_EDIT,
    ),
    Route("costing:scenario_compare", SCOPED, allowed=CAPITOL_NON_VENDOR, build=scenario),
    Route(
        "costing:scenario_choose_rule",
        SCOPED,
        allowed=COUNCIL,
        build=scenario,
        methods=("POST",),
        payload={"rule": "equal"},
    ),
    Route("costing:scenario_rates", SCOPED, allowed=CAPITOL_NON_VENDOR, build=rates_json),
    Route(
        "costing:scenario_copy",
        SCOPED,
        allowed=COUNCIL,
        build=scenario,
        methods=("GET", "POST"),
        payload={"kind": "version"},
    ),
    Route("costing:scenario_delete", SCOPED, allowed=COUNCIL, build=scenario, methods=("GET", "POST")),
    Route("costing:scenario_diff", SCOPED, allowed=CAPITOL_NON_VENDOR, build=scenario),
    Route(
        "costing:scenario_upload",
        SCOPED,
        allowed=COUNCIL | {"ada", "bob", "carol"},
        build=scenario,
        methods=("GET", "POST"),
        note="members upload their own rows; observers and other consortia may not",
    ),
    Route("costing:scenario_template", SCOPED, allowed=CAPITOL_NON_VENDOR, build=scenario_binary),
    Route("costing:scenario_pdf", SCOPED, allowed=CAPITOL_NON_VENDOR, build=scenario_binary),
    Route("costing:scenario_xlsx", SCOPED, allowed=CAPITOL_NON_VENDOR, build=scenario_binary),
    Route(
        "costing:participant_edit",
        SCOPED,
        allowed=AVON_WRITERS,
        build=avon_inputs,
        methods=("GET", "POST"),
        payload=INPUTS,
    ),
    Route(
        "costing:participant_add",
        SCOPED,
        allowed=COUNCIL | {"ada", "bob", "carol"},
        build=scenario,
        note="lists the members one may add; the inputs form checks who may enter what",
    ),
    Route("costing:participant_remove", SCOPED, allowed=AVON_WRITERS, build=avon_inputs, methods=("POST",)),
    Route(
        "costing:participant_charge_consent",
        SCOPED,
        allowed={"ada", "bob"},
        build=avon_inputs,
        methods=("POST",),
        payload={"consent": "yes"},
        note="consent is the member's own: the council may not give it (403)",
    ),
    # API
    Route("GET /api/v1/costing/models", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=model_list),
    Route("GET /api/v1/costing/models/{model_id}", SCOPED, allowed=CAPITOL_NON_VENDOR, build=model_api),
    Route("GET /api/v1/costing/scenarios", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=scenario_list),
    Route(
        "GET /api/v1/costing/scenarios/{scenario_id}", SCOPED, allowed=CAPITOL_NON_VENDOR, build=scenario_api
    ),
    Route(
        "GET /api/v1/costing/scenarios/{scenario_id}/participants",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=scenario_api_town,
    ),
    Route(
        "GET /api/v1/costing/scenarios/{scenario_id}/results",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=scenario_api_town,
    ),
    Route(
        "PUT /api/v1/costing/scenarios/{scenario_id}/participants/{member_id}",
        SCOPED,
        allowed=AVON_WRITERS,
        build=avon_inputs_api,
        methods=("PUT",),
        payload={"units_likely": 999, "standalone_likely": "1.00", "visibility": "named"},
    ),
]

__all__ = ["ROUTES", "Decimal"]
