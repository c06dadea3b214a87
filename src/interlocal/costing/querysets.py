"""QuerySets of costing's models; who sees what is declared on each model's `Tenancy`.

Imports none of this app's models (models.py imports these).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from interlocal.tenancy.scoping import ScopedQuerySet

if TYPE_CHECKING:
    from interlocal.costing.models import CostModel, Scenario, ScenarioParticipant  # noqa: F401 (named in the QuerySets' generic bases)

__all__ = ["CostModelQuerySet", "ParticipantQuerySet", "ScenarioQuerySet"]


class CostModelQuerySet(ScopedQuerySet["CostModel"]):
    """Cost models: read by everyone (but vendors) in the consortium, written by its council."""


class ScenarioQuerySet(ScopedQuerySet["Scenario"]):
    """Scenarios: consortium-owned, like their cost model."""


class ParticipantQuerySet(ScopedQuerySet["ScenarioParticipant"]):
    """Members' inputs: read by the member's people and the council; written by both (Tenancy council_writes)."""

    def of_scenario(self, scenario: Scenario) -> ParticipantQuerySet:
        # Each row shows the member's name.
        return self.filter(scenario=scenario).select_related("member")  # type: ignore[return-value]
