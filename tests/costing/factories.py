"""factory_boy factories for the costing application: cost models, scenarios, members' inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from interlocal.costing.models import CostModel, Scenario, ScenarioParticipant
from interlocal.tenancy.models import Consortium, Member
from tests.factories import ConsortiumFactory, ConsortiumMemberFactory, MemberFactory

__all__ = ["CostModelFactory", "ScenarioFactory", "ScenarioParticipantFactory", "add_town", "small_model"]


class CostModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostModel

    consortium = factory.SubFactory(ConsortiumFactory)
    name = factory.Sequence(lambda n: f"Shared backup {n}")


class ScenarioFactory(factory.django.DjangoModelFactory):
    """A scenario with a three-point platform cost and likely price, exponent and coordination."""

    class Meta:
        model = Scenario

    cost_model = factory.SubFactory(CostModelFactory)
    name = "Baseline"
    platform_low = Decimal(80_000)
    platform_likely = Decimal(100_000)
    platform_high = Decimal(130_000)
    price_likely = Decimal(500)
    exponent_likely = Decimal("0.9")
    coordination_likely = Decimal(1_000)


class ScenarioParticipantFactory(factory.django.DjangoModelFactory):
    """A member's inputs to a scenario: ten units, own costs and a stand-alone estimate."""

    class Meta:
        model = ScenarioParticipant

    scenario = factory.SubFactory(ScenarioFactory)
    member = factory.SubFactory(MemberFactory)
    units_likely = 10
    own_cost_likely = Decimal(5_000)
    service_level_likely = Decimal(2_000)
    standalone_low = Decimal(40_000)
    standalone_likely = Decimal(50_000)
    standalone_high = Decimal(60_000)
    population = factory.LazyAttribute(lambda o: o.member.population or 1000)
    grand_list = Decimal(1_000_000)


def add_town(consortium: Consortium, name: str, population: int = 5000) -> Member:
    """A Connecticut town taking part in `consortium`."""
    slug = name.lower().replace(" ", "-")[:60] + "-ct"
    member = MemberFactory(name=name, slug=slug, population=population, region="CT")
    ConsortiumMemberFactory(consortium=consortium, member=member)
    return member


def small_model(world: Any, name: str = "Shared backup") -> tuple[CostModel, Scenario]:
    """Capitol Region's model with Avon, Bolton and Canton taking part."""
    scenario = ScenarioFactory(cost_model__consortium=world.capitol, cost_model__name=name)
    for member, units in ((world.avon, 20), (world.bolton, 5), (world.canton, 10)):
        ScenarioParticipantFactory(scenario=scenario, member=member, units_likely=units)
    return scenario.cost_model, scenario
