"""Query budgets for bidding lists (run by tests/test_query_budgets.py): the vendor's bids, the
bid register, contracts (page and API) and the savings table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from interlocal.procurement.models import (
    Award,
    AwardLine,
    Bid,
    Contract,
    ContractAmendment,
    ContractLine,
    Solicitation,
    Vendor,
)
from tests.procurement.factories import VendorFactory, make_joint_purchase, make_vendor
from tests.test_query_budgets import Budget


def _base(world: Any) -> Any:
    """One joint purchase and Acme (vince's company), made once per test."""
    if not hasattr(world, "_bidding_base"):
        jp = make_joint_purchase(world, reference="BUDGET-0")
        vendor = make_vendor("Acme Budget", world.vince, world.capitol)
        world._bidding_base = (jp, vendor)
    return world._bidding_base


def _bid(solicitation: Any, vendor: Vendor, key: str) -> Bid:
    # Metadata only: list pages never read the ciphertext.
    return Bid.objects.create(
        solicitation=solicitation, vendor=vendor, idempotency_key=key, request_digest="0" * 64,
        sealed_prices=b"\x01sealed", sealed_sha256="0" * 64, sealed_bytes=7, line_count=2,
    )  # fmt: skip


def _vendor_bids(world: Any, start: int, count: int) -> None:
    _jp, vendor = _base(world)
    for i in range(start, start + count):
        jp = make_joint_purchase(world, reference=f"BUDGET-V{i}", members=("avon",))
        _bid(jp.solicitation, vendor, f"k{i}")


def _register_kwargs(world: Any) -> dict[str, Any]:
    jp, _vendor = _base(world)
    return {"pk": jp.solicitation.pk}


def _register(world: Any, start: int, count: int) -> None:
    jp, _vendor = _base(world)
    for i in range(start, start + count):
        _bid(jp.solicitation, VendorFactory(name=f"Bidder {i}"), f"r{i}")


def _contracts(world: Any, start: int, count: int) -> None:
    jp, vendor = _base(world)
    for i in range(start, start + count):
        master = Contract.objects.create(
            consortium=world.capitol, solicitation=jp.solicitation, vendor=vendor, kind="master",
            reference=f"C-{i}", title=f"Contract {i}", start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 12, 31),
        )  # fmt: skip
        avon = Contract.objects.create(
            consortium=world.capitol, solicitation=jp.solicitation, vendor=vendor, kind="member", member=world.avon,
            master=master, reference=f"C-{i}-avon", title=f"Contract {i} Avon", start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2027, 12, 31),
        )  # fmt: skip
        ContractLine.objects.create(
            contract=avon, item=jp.items[0], quantity=Decimal(10 + i), unit_price=Decimal(60),
            previous_unit_price=Decimal(70),
        )  # fmt: skip


def _vendor_awards(world: Any, start: int, count: int) -> None:
    """Awarded solicitations, each with Acme's bid winning its first item."""
    _jp, vendor = _base(world)
    for i in range(start, start + count):
        jp = make_joint_purchase(world, reference=f"BUDGET-A{i}", members=("avon",))
        bid = _bid(jp.solicitation, vendor, f"a{i}")
        Solicitation.objects.filter(pk=jp.solicitation.pk).update(status=Solicitation.Status.AWARDED)
        award = Award.objects.create(solicitation=jp.solicitation)
        AwardLine.objects.create(award=award, item=jp.items[0], bid=bid, unit_price=Decimal(60))


def _vendor_contracts(world: Any, start: int, count: int) -> None:
    """Acme's contracts, each master with an amendment."""
    _contracts(world, start, count)
    for contract in Contract.objects.filter(kind="master", amendments__isnull=True):
        ContractAmendment.objects.create(
            contract=contract, number=1, description="Fuel surcharge", effective_date=dt.date(2027, 6, 1)
        )


def _master_kwargs(world: Any) -> dict[str, Any]:
    jp, vendor = _base(world)
    master = Contract.objects.filter(reference="USERS-MASTER").first() or Contract.objects.create(
        consortium=world.capitol, solicitation=jp.solicitation, vendor=vendor, kind="master",
        reference="USERS-MASTER", title="Users master", start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 12, 31),
    )  # fmt: skip
    return {"contract_id": master.pk}


def _users(world: Any, start: int, count: int) -> None:
    """Member contracts under one master, alternately a member's and an outside body's."""
    master = Contract.objects.get(pk=_master_kwargs(world)["contract_id"])
    for i in range(start, start + count):
        member = world.avon if i % 2 else world.airdrie
        Contract.objects.create(
            consortium=world.capitol, solicitation=master.solicitation, vendor=master.vendor, kind="piggyback",
            member=member, master=master, reference=f"U-{i}", title=f"User {i}", start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2027, 12, 31),
        )  # fmt: skip


BUDGETS = [
    Budget("procurement:vendor_bids", "vince", _vendor_bids, query={"per_page": 100}),
    Budget("procurement:vendor_bids", "vince", _vendor_awards, query={"per_page": 100}),
    Budget("procurement:vendor_awards", "vince", _vendor_awards, query={"per_page": 100}),
    Budget("procurement:vendor_contracts", "vince", _vendor_contracts, query={"per_page": 100}),
    Budget("GET /api/v1/procurement/vendor/bids", "vince", _vendor_awards),
    Budget("GET /api/v1/procurement/vendor/awards", "vince", _vendor_awards),
    Budget("GET /api/v1/procurement/vendor/contracts", "vince", _vendor_contracts),
    Budget("procurement:bids", "alice", _register, query={}, kwargs=_register_kwargs),
    Budget("procurement:contracts", "alice", _contracts, query={}),
    Budget("procurement:savings", "alice", _contracts, query={}),
    Budget("GET /api/v1/procurement/contracts", "alice", _contracts),
    Budget("procurement:cooperative_contracts", "alice", _contracts, query={"per_page": 100}),
    Budget("GET /api/v1/procurement/cooperative-contracts", "alice", _contracts),
    Budget("GET /api/v1/procurement/contracts/{contract_id}/users", "alice", _users, kwargs=_master_kwargs),
]
