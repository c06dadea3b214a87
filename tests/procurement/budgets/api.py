"""Query budgets of procurement API list operations with path parameters (run by
tests/test_query_budgets.py, which fills `{round_id}` / `{solicitation_id}` from `kwargs`)."""

from __future__ import annotations

from typing import Any

from interlocal.procurement.models import Solicitation, Vendor, VendorQuestion
from tests.procurement.budgets.planning import _entries, _round_with_entries
from tests.procurement.factories import VendorFactory, make_solicitation, make_vendor
from tests.test_query_budgets import Budget


def _solicitation(world: Any) -> Solicitation:
    return Solicitation.objects.filter(reference_number="BUD-API").first() or make_solicitation(
        world.capitol, reference_number="BUD-API", title="Budget API solicitation"
    )


def _round_kwargs(world: Any) -> dict[str, Any]:
    return {"round_id": _round_with_entries(world)["pk"]}


def _solicitation_kwargs(world: Any) -> dict[str, Any]:
    return {"solicitation_id": _solicitation(world).pk}


def _questions(world: Any, start: int, count: int) -> None:
    sol = _solicitation(world)
    vendor = Vendor.objects.filter(legal_id="BUD-Q").first() or make_vendor(
        "Budget questions", consortium=world.capitol, legal_id="BUD-Q"
    )
    for i in range(start, start + count):
        VendorQuestion.objects.create(solicitation=sol, vendor=vendor, text=f"Question {i}?")


def _addenda(world: Any, start: int, count: int) -> None:
    sol = _solicitation(world)
    if start == 0 and not Vendor.objects.filter(legal_id="BUD-VINCE").exists():
        make_vendor("Varga budget", user=world.vince, consortium=world.capitol, legal_id="BUD-VINCE")
    for i in range(start, start + count):
        sol.addenda.create(number=i + 1, title=f"Addendum {i}", body="Changed.")


def _bids(world: Any, start: int, count: int) -> None:
    # Imported here: budgets.bidding imports tests.test_query_budgets, which imports this module.
    from tests.procurement.budgets.bidding import _bid

    sol = _solicitation(world)
    for i in range(start, start + count):
        _bid(sol, VendorFactory(name=f"Bidder {i}"), f"budget-{i}")


BUDGETS = [
    Budget("GET /api/v1/procurement/rounds/{round_id}/entries", "alice", _entries, kwargs=_round_kwargs),
    Budget(
        "GET /api/v1/procurement/solicitations/{solicitation_id}/questions",
        "alice",
        _questions,
        kwargs=_solicitation_kwargs,
    ),
    Budget(
        "GET /api/v1/procurement/solicitations/{solicitation_id}/addenda",
        "sam",
        _addenda,
        kwargs=_solicitation_kwargs,
    ),
    Budget(
        "GET /api/v1/procurement/solicitations/{solicitation_id}/addenda/unacknowledged",
        "vince",
        _addenda,
        kwargs=_solicitation_kwargs,
    ),
    Budget(
        "GET /api/v1/procurement/solicitations/{solicitation_id}/bids",
        "alice",
        _bids,
        kwargs=_solicitation_kwargs,
    ),
]
