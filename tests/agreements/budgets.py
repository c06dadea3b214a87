"""Query budgets for agreements pages and API lists (tests/test_query_budgets.py runs them)."""

from __future__ import annotations

from typing import Any

from tests.agreements.helpers import in_force
from tests.test_query_budgets import Budget


def _agreements(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        in_force(world, f"Budget agreement {i}")


BUDGETS = [
    Budget("agreements:list", "alice", _agreements, query={"per_page": 100}),
    Budget("GET /api/v1/agreements", "alice", _agreements),
]
