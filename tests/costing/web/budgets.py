"""Query budgets for costing pages and API lists (tests/test_query_budgets.py runs them)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from interlocal.costing.models import CostModel, Scenario
from tests.costing.factories import CostModelFactory, ScenarioFactory, ScenarioParticipantFactory, add_town
from tests.test_query_budgets import Budget


def _models(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        model = CostModelFactory(consortium=world.capitol, name=f"Budget model {i}")
        ScenarioFactory(cost_model=model)


def _scenario(world: Any) -> Any:
    model = CostModel.objects.filter(name="Budget participants").first() or CostModelFactory(
        consortium=world.capitol, name="Budget participants"
    )
    return model.scenarios.first() or ScenarioFactory(cost_model=model)


def _participants(world: Any, start: int, count: int) -> None:
    scenario = _scenario(world)
    for i in range(start, start + count):
        ScenarioParticipantFactory(
            scenario=scenario, member=add_town(world.capitol, f"Budget town {i}"), units_likely=1 + i % 7
        )
    # A new updated_at, as the do_* functions set it: results are recomputed.
    Scenario.objects.filter(pk=scenario.pk).update(updated_at=timezone.now())


BUDGETS = [
    Budget("costing:cost_models", "alice", _models, query={"per_page": 100}),
    Budget(
        "costing:scenario_detail", "alice", _participants, query={}, kwargs=lambda w: {"pk": _scenario(w).pk}
    ),
    Budget(
        "costing:scenario_compare", "carol", _participants, query={}, kwargs=lambda w: {"pk": _scenario(w).pk}
    ),
    Budget("GET /api/v1/costing/models", "alice", _models),
    Budget("GET /api/v1/costing/scenarios", "alice", _models),
]
