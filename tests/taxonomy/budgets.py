"""Query budgets for the taxonomy's lists, pages and API (run by tests/test_query_budgets.py)."""

from __future__ import annotations

from typing import Any

from interlocal.taxonomy.matching import normalize
from interlocal.taxonomy.models import ServiceArea, UnmatchedTerm
from tests.taxonomy.factories import ServiceAreaFactory, SynonymFactory
from tests.test_query_budgets import Budget


def _own_areas(world: Any, start: int, count: int) -> None:
    """Areas of Capitol Region's own, each with two synonyms (the list shows them)."""
    for i in range(start, start + count):
        area = ServiceAreaFactory(consortium=world.capitol, code=f"budget-area-{i}", name=f"Budget area {i}")
        for j in range(2):
            SynonymFactory(area=area, consortium=world.capitol, text=f"Budget synonym {i} {j}")


def _terms(world: Any, start: int, count: int) -> None:
    """Queued terms of Capitol Region, some mapped to an area (the list shows its name)."""
    area = ServiceArea.objects.filter(consortium__isnull=True).first()
    for i in range(start, start + count):
        text = f"Budget term {i}"
        UnmatchedTerm.objects.create(
            consortium=world.capitol,
            text=text,
            normalized=normalize(text),
            sources={"assessment.import": i + 1},
            status="mapped" if i % 2 and area else "pending",
            area=area if i % 2 else None,
        )


BUDGETS = [
    Budget("taxonomy:areas", "sam", _own_areas, query={"origin": "own"}),
    Budget("taxonomy:queue", "sam", _terms, query={"status": ""}),
    Budget("GET /api/v1/taxonomy/areas", "alice", _own_areas),
    Budget("GET /api/v1/taxonomy/terms", "alice", _terms),
]
