"""QuerySets of costing's models; who sees what is declared on each model's `Tenancy`.

Imports none of this app's models (models.py imports these).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from interlocal.tenancy.scoping import ScopedQuerySet

__all__ = ["CostModelQuerySet", "ParticipantQuerySet", "ScenarioQuerySet"]


class CostModelQuerySet(ScopedQuerySet[Any]):
    """Cost models: read by everyone (but vendors) in the consortium, written by its council."""


class ScenarioQuerySet(ScopedQuerySet[Any]):
    """Scenarios: consortium-owned, like their cost model."""


class ParticipantQuerySet(ScopedQuerySet[Any]):
    """Members' inputs: read by the member's people and the council; written by both (Tenancy council_writes)."""

    def of_scenario(self, scenario: Model) -> ParticipantQuerySet:
        # Each row shows the member's name.
        return self.filter(scenario=scenario).select_related("member")  # type: ignore[return-value]
