"""Test data for the costing application: cost models, scenarios, members' inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from interlocal.costing.models import CostModel, Scenario, ScenarioParticipant
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member

__all__ = ["add_town", "make_cost_model", "make_participant", "make_scenario", "small_model"]


def make_cost_model(consortium: Consortium, name: str = "Shared backup", **fields: Any) -> CostModel:
    return CostModel.objects.create(consortium=consortium, name=name, **fields)


def make_scenario(model: CostModel, name: str = "Baseline", **fields: Any) -> Scenario:
    defaults: dict[str, Any] = {
        "platform_low": Decimal(80_000),
        "platform_likely": Decimal(100_000),
        "platform_high": Decimal(130_000),
        "price_likely": Decimal(500),
        "exponent_likely": Decimal("0.9"),
        "coordination_likely": Decimal(1_000),
    }
    defaults.update(fields)
    return Scenario.objects.create(cost_model=model, name=name, **defaults)


def make_participant(scenario: Scenario, member: Member, **fields: Any) -> ScenarioParticipant:
    defaults: dict[str, Any] = {
        "units_likely": 10,
        "own_cost_likely": Decimal(5_000),
        "service_level_likely": Decimal(2_000),
        "standalone_low": Decimal(40_000),
        "standalone_likely": Decimal(50_000),
        "standalone_high": Decimal(60_000),
        "population": member.population or 1000,
        "grand_list": Decimal(1_000_000),
    }
    defaults.update(fields)
    return ScenarioParticipant.objects.create(scenario=scenario, member=member, **defaults)


def add_town(consortium: Consortium, name: str, population: int = 5000) -> Member:
    slug = name.lower().replace(" ", "-")[:60] + "-ct"
    member = Member.objects.create(name=name, slug=slug, population=population, region="CT")
    ConsortiumMember.objects.create(consortium=consortium, member=member)
    return member


def small_model(world: Any, name: str = "Shared backup") -> tuple[CostModel, Scenario]:
    """Capitol Region's model with Avon, Bolton and Canton taking part."""
    model = make_cost_model(world.capitol, name)
    scenario = make_scenario(model)
    for member, units in ((world.avon, 20), (world.bolton, 5), (world.canton, 10)):
        make_participant(scenario, member, units_likely=units)
    return model, scenario
