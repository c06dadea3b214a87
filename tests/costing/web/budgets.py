"""Query budgets for costing pages and API lists (tests/test_query_budgets.py runs them)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from interlocal.costing.models import CostModel, Scenario
from tests.costing.web.factories import add_town, make_cost_model, make_participant, make_scenario
from tests.test_query_budgets import Budget


def _models(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        model = make_cost_model(world.capitol, f"Budget model {i}")
        make_scenario(model)


def _scenario(world: Any) -> Any:
    model = CostModel.objects.filter(name="Budget participants").first() or make_cost_model(
        world.capitol, "Budget participants"
    )
    return model.scenarios.first() or make_scenario(model)


def _participants(world: Any, start: int, count: int) -> None:
    scenario = _scenario(world)
    for i in range(start, start + count):
        make_participant(scenario, add_town(world.capitol, f"Budget town {i}"), units_likely=1 + i % 7)
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
