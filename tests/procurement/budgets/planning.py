"""Query budgets for the procurement planning lists (run by tests/test_query_budgets.py)."""

from __future__ import annotations

from typing import Any

from interlocal.procurement.models import DemandRound
from tests.procurement.factories import make_entry, make_round, make_solicitation, make_vendor
from tests.test_query_budgets import Budget


def _rounds(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        round_ = make_round(world.capitol, title=f"Budget round {i}")
        make_entry(round_.items.get(line_number=1), world.avon)


def _solicitations(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        make_solicitation(world.capitol, reference_number=f"BUD-{i}", title=f"Budget solicitation {i}")


def _round_with_entries(world: Any) -> dict[str, Any]:
    round_ = DemandRound.objects.filter(title="Budget entries").first() or make_round(
        world.capitol, title="Budget entries", items=tuple((f"Item {n}", "each") for n in range(60))
    )
    return {"pk": round_.pk}


def _entries(world: Any, start: int, count: int) -> None:
    round_ = DemandRound.objects.get(pk=_round_with_entries(world)["pk"])
    items = list(round_.items.order_by("line_number"))
    for i in range(start, start + count):
        make_entry(items[i], world.avon, delivery_location=f"Yard {i}")


def _detail_round(world: Any) -> dict[str, Any]:
    round_ = DemandRound.objects.filter(title="Budget detail").first() or make_round(
        world.capitol, title="Budget detail", items=()
    )
    return {"pk": round_.pk}


def _items_with_demand(world: Any, start: int, count: int) -> None:
    round_ = DemandRound.objects.get(pk=_detail_round(world)["pk"])
    for i in range(start, start + count):
        item = round_.items.create(line_number=i + 1, description=f"Item {i}", unit="each")
        make_entry(item, world.avon if i % 2 else world.bolton)


def _vendors(world: Any, start: int, count: int) -> None:
    for i in range(start, start + count):
        make_vendor(f"Budget vendor {i}", consortium=world.capitol, legal_id=f"BUD-{i}")


def _vendor_dashboard(world: Any, start: int, count: int) -> None:
    if start == 0:
        make_vendor("Varga budget", user=world.vince, consortium=world.capitol, legal_id="BUD-VINCE")
    for i in range(start, start + count):
        sol = make_solicitation(world.capitol, reference_number=f"BUD-{i}", title=f"Budget solicitation {i}")
        sol.addenda.create(number=1, title="A", body="B")


BUDGETS = [
    Budget("procurement:rounds", "alice", _rounds, query={}),
    Budget("procurement:rounds", "bob", _rounds, query={}),
    Budget("procurement:round_entries", "alice", _entries, query={}, kwargs=_round_with_entries),
    Budget("procurement:round_detail", "alice", _items_with_demand, query={}, kwargs=_detail_round),
    Budget("procurement:round_detail", "bob", _items_with_demand, query={}, kwargs=_detail_round),
    Budget(
        "procurement:round_summary", "alice", _entries, query={"per_page": 100}, kwargs=_round_with_entries
    ),
    Budget("procurement:solicitations", "sam", _solicitations, query={}),
    Budget("procurement:public_list", "olga", _solicitations, query={}),
    Budget("procurement:vendors", "alice", _vendors, query={}),
    Budget("procurement:vendor_dashboard", "vince", _vendor_dashboard, query={}),
    Budget("GET /api/v1/procurement/rounds", "alice", _rounds),
    Budget("GET /api/v1/procurement/solicitations", "sam", _solicitations),
    Budget("GET /api/v1/procurement/public/solicitations", "olga", _solicitations),
]
