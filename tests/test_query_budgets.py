"""Query budgets: a list's query count does not grow with its rows (no N+1).

Each budget makes 5 rows, counts the queries of one request, then makes 45 more and counts again;
the counts must be equal. Every list operation of the API must have a budget, here or in an app's
budgets module (a new list operation without one fails `test_every_api_list_operation_has_a_budget`).

Hook for pages: a module `tests/<app>/budgets.py` (or, split by topic, any module of a package
`tests/<app>/budgets/`; the same one level down, e.g. tests/costing/web/budgets.py) that defines
`BUDGETS = [Budget(...)]` is discovered and run the same way (the URL is reversed from `url_name`,
requested with the person's session).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interlocal import audit
from interlocal.accounts.models import ApiToken, User, hash_token
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member, Membership
from tests.api.helpers import make_token


@dataclass(frozen=True)
class Budget:
    """A list whose query count must not depend on how many rows it shows.

    - key: "GET /api/v1/..." for an API operation, or a URL name for a page.
    - person: who requests it (a name from tests/conftest.py).
    - make_rows(world, start, count): adds `count` rows the person sees in the list.
    - query: query-string parameters (ask for a page big enough to hold all rows).
    - kwargs: URL kwargs for pages, or the path parameters of an API key such as
      "GET /api/v1/things/{thing_id}/parts" (a function of the world).
    """

    key: str
    person: str
    make_rows: Callable[[Any, int, int], None]
    query: dict[str, Any] = field(default_factory=lambda: {"limit": 100})
    kwargs: Callable[[Any], dict[str, Any]] | None = None

    @property
    def is_api(self) -> bool:
        return self.key.startswith(("GET /api/", "POST /api/"))


# --- Row makers (each makes rows alice can see) --------------------------------------------------


def _consortia(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        consortium = Consortium.objects.create(name=f"Budget consortium {i}", slug=f"budget-c-{i}")
        Membership.objects.create(user=world.alice, consortium=consortium, role="consortium_admin")


def _members(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        member = Member.objects.create(name=f"Budget town {i}", slug=f"budget-town-{i}")
        ConsortiumMember.objects.create(consortium=world.capitol, member=member)


def _memberships(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        member = Member.objects.create(name=f"Budget town {i}", slug=f"budget-town-{i}")
        ConsortiumMember.objects.create(consortium=world.capitol, member=member)
        person = User.objects.create_user(email=f"budget{i}@example.org")
        Membership.objects.create(user=person, consortium=world.capitol, member=member, role="member_staff")


def _audit_events(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        audit.record(
            world.sam, "budget.probe", world.avon, consortium_id=world.capitol.pk, object_repr=f"row {i}"
        )


def _tokens(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        ApiToken.objects.create(
            user=world.alice, name=f"budget {i}", key_prefix=f"il_b{i}", key_hash=hash_token(f"il_budget_{i}")
        )


API_BUDGETS = [
    Budget("GET /api/v1/consortia", "alice", _consortia),
    Budget("GET /api/v1/members", "alice", _members),
    Budget("GET /api/v1/memberships", "alice", _memberships),
    Budget("GET /api/v1/audit/events", "alice", _audit_events),
    Budget("GET /api/v1/tokens", "alice", _tokens),
    # Not a paginated list, but it lists the person's roles.
    Budget("GET /api/v1/me", "alice", _consortia, query={}),
]


def _page_budgets() -> list[Budget]:
    found: list[Budget] = []
    root = Path(__file__).parent
    # budgets.py, or the modules of a budgets/ package when several topics of an app keep their own.
    paths = [*root.glob("*/budgets.py"), *root.glob("*/*/budgets.py"), *root.glob("*/budgets/*.py")]
    for path in sorted(p for p in paths if p.name != "__init__.py"):
        name = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        found.extend(getattr(importlib.import_module(name), "BUDGETS", []))
    return found


ALL_BUDGETS = API_BUDGETS + _page_budgets()


def _client(budget: Budget, world: Any) -> Client:
    user = getattr(world, budget.person)
    if budget.is_api:
        return Client(headers={"Authorization": f"Bearer {make_token(user)}"})
    client = Client()
    client.force_login(user)
    return client


def _url(budget: Budget, world: Any) -> str:
    if budget.is_api:
        # "GET /api/v1/things/{thing_id}/parts": path parameters come from kwargs(world).
        path = budget.key.split(" ", 1)[1]
        return path.format(**budget.kwargs(world)) if budget.kwargs else path
    return reverse(budget.key, kwargs=budget.kwargs(world) if budget.kwargs else None)


def _count_queries(client: Client, url: str, query: dict[str, Any]) -> tuple[int, list[str], Any]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries], response


@pytest.mark.parametrize("budget", ALL_BUDGETS, ids=lambda b: b.key)
def test_query_count_does_not_grow_with_rows(budget, world):
    cache.clear()
    client = _client(budget, world)
    url = _url(budget, world)
    budget.make_rows(world, 0, 5)
    client.get(url, budget.query)  # warm-up: token last-used stamp, session bookkeeping
    small, _, small_response = _count_queries(client, url, budget.query)
    budget.make_rows(world, 5, 45)
    large, large_sql, large_response = _count_queries(client, url, budget.query)
    assert len(large_response.content) > len(small_response.content), "the larger list should show more rows"
    assert large == small, f"{budget.key}: {small} queries with 5 rows, {large} with 50:\n" + "\n".join(
        large_sql
    )


def test_every_api_list_operation_has_a_budget():
    from interlocal.api import api

    schema = api.get_openapi_schema()
    lists = set()
    for path, item in schema["paths"].items():
        get = item.get("get")
        if not get:
            continue
        ok = get["responses"].get(200) or get["responses"].get("200")  # int keys before JSON encoding
        ref = ok["content"]["application/json"]["schema"].get("$ref", "")
        component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
        if {"items", "count"} <= set(component.get("properties", {})):
            lists.add(f"GET {path}")
    budgeted = {b.key for b in ALL_BUDGETS}
    assert lists, "no list operations found: the check itself is broken"
    assert lists <= budgeted, f"list operations without a query budget: {sorted(lists - budgeted)}"
