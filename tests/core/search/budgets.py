"""Query budgets of the global search (run by tests/test_query_budgets.py): one query per kind,
whatever the number of matches."""

from __future__ import annotations

from typing import Any

from interlocal.tenancy.models import ConsortiumMember, Member
from tests.procurement.factories import SolicitationFactory
from tests.test_query_budgets import Budget


def _matches(world: Any, start: int, count: int) -> None:
    """Members and solicitations of Capitol Region named "Budgetton …" (alice finds them all)."""
    for i in range(start, start + count):
        member = Member.objects.create(name=f"Budgetton {i}", slug=f"budgetton-{i}")
        ConsortiumMember.objects.create(consortium=world.capitol, member=member)
        SolicitationFactory(consortium=world.capitol, title=f"Budgetton supplies {i}")


BUDGETS = [
    Budget("core:search", "alice", _matches, query={"q": "budgetton"}),
    Budget("core:search", "alice", _matches, query={"q": "budgetton", "kind": "solicitations"}),
    Budget("GET /api/v1/search", "alice", _matches, query={"q": "budgetton", "limit": 100}),
]
