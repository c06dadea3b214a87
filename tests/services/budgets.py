"""Query budgets for services pages and API lists (tests/test_query_budgets.py runs them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from interlocal.services.models import Service, Subscription, UsageRecord
from interlocal.tenancy.models import ConsortiumMember, Member
from tests.test_query_budgets import Budget

START = dt.date(2026, 1, 1)


def _services(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        Service.objects.create(consortium=world.capitol, name=f"Budget service {i}", status="live")


def _service(world: Any) -> Service:
    return Service.objects.get_or_create(consortium=world.capitol, name="Budget subscriptions")[0]


def _subscriptions(world: Any, start: int, count: int) -> None:
    service = _service(world)
    for i in range(start, start + count):
        town = Member.objects.create(name=f"Budget town {i}", slug=f"budget-svc-town-{i}")
        ConsortiumMember.objects.create(consortium=world.capitol, member=town)
        Subscription.objects.create(service=service, member=town, start=START, units=Decimal(i))
        UsageRecord.objects.create(
            service=service, member=town, period_start=START, period_end=START, quantity=Decimal(i)
        )


BUDGETS = [
    Budget("services:services", "alice", _services, query={"per_page": 100}),
    Budget("services:subscriptions", "alice", _subscriptions, query={"per_page": 100}),
    Budget(
        "services:service_subscriptions",
        "alice",
        _subscriptions,
        query={"per_page": 100},
        kwargs=lambda w: {"pk": _service(w).pk},
    ),
    Budget(
        "services:service_detail", "alice", _subscriptions, query={}, kwargs=lambda w: {"pk": _service(w).pk}
    ),
    Budget("services:usage", "alice", _subscriptions, query={"per_page": 100}),
    Budget("GET /api/v1/services", "alice", _services),
    Budget("GET /api/v1/services/subscriptions", "alice", _subscriptions),
    Budget("GET /api/v1/services/usage", "alice", _subscriptions),
]
