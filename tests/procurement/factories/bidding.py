"""Procurement bidding: a joint purchase (closed round, demand, published solicitation) at the test
clock's T0, and one taken through bids, opening and award."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from interlocal.procurement.models import (
    DemandEntry,
    DemandRound,
    DemandRoundMember,
    Solicitation,
    SolicitationItem,
    Vendor,
)
from tests.clock import T0, Clock
from tests.procurement.factories.planning import (
    DemandItemFactory,
    DemandRoundFactory,
    SolicitationFactory,
    SolicitationItemFactory,
)
from tests.procurement.factories.vendors import make_vendor

DEADLINE = T0 + dt.timedelta(days=7)
OPENING = DEADLINE + dt.timedelta(hours=1)


@dataclass
class JointPurchase:
    round: DemandRound
    solicitation: Solicitation
    items: list[SolicitationItem]
    entries: list[DemandEntry] = field(default_factory=list)


def make_joint_purchase(
    world: Any,
    *,
    title: str = "2027 road salt",
    reference: str = "IFB-2027-001",
    members: tuple[str, ...] = ("avon", "bolton", "canton"),
    method: str = "ifb",
    award_basis: str = "lowest_price",
    currency: str = "USD",
) -> JointPurchase:
    """A closed demand round with two items and demand from `members`, and its published
    solicitation (deadline DEADLINE, opening OPENING)."""
    consortium = world.capitol
    rnd = DemandRoundFactory(
        consortium=consortium, title=title, status=DemandRound.Status.CLOSED,
        cut_off_at=T0 - dt.timedelta(days=10), currency=currency, opened_at=None,
    )  # fmt: skip
    specs = [("Road salt, bulk", "ton"), ("Liquid brine", "gallon")]
    demand_items = [
        DemandItemFactory(round=rnd, line_number=n, description=d, unit=u)
        for n, (d, u) in enumerate(specs, start=1)
    ]
    entries = []
    for i, name in enumerate(members):
        member = getattr(world, name)
        DemandRoundMember.objects.create(
            round=rnd, member=member, joined=True, joined_at=T0 - dt.timedelta(days=20)
        )
        for j, item in enumerate(demand_items):
            entries.append(
                DemandEntry.objects.create(
                    item=item,
                    member=member,
                    quantity=Decimal(100 * (i + 1) + 10 * j),
                    current_unit_price=Decimal("80.00") - j * 70 + i,
                )  # fmt: skip
            )
    solicitation = SolicitationFactory(
        consortium=consortium, demand_round=rnd, reference_number=reference, title=title,
        method=method, published_at=T0 - dt.timedelta(days=5), submission_deadline=DEADLINE,
        opening_at=OPENING, currency=currency, award_basis=award_basis, ocds_process=f"round-{rnd.pk}",
    )  # fmt: skip
    items = [
        SolicitationItemFactory(
            solicitation=solicitation,
            demand_item=item,
            line_number=item.line_number,
            description=item.description,
            unit=item.unit,
            total_quantity=sum((e.quantity for e in entries if e.item_id == item.pk), Decimal(0)),
        )
        for item in demand_items
    ]
    return JointPurchase(rnd, solicitation, items, entries)


def make_awarded_purchase(
    world: Any, clock: Clock, *, title: str = "2027 road salt", members: tuple[str, ...] = ("avon", "bolton")
) -> tuple[JointPurchase, Vendor, Any]:
    """A joint purchase with one bid (Acme: 60.00 and 0.20), opened and awarded for April 2027 to
    March 2028: (the purchase, the vendor, the master contract). Leaves the clock at the opening."""
    from interlocal.procurement.actions import do_award, do_open_bids, do_submit_bid
    from interlocal.procurement.models import Contract

    jp = make_joint_purchase(world, title=title, members=members)
    vendor = make_vendor("Acme Salt Co", world.vince, world.capitol)
    do_submit_bid(
        jp.solicitation,
        acting_user=world.vince,
        idempotency_key="awarded-purchase",
        prices={jp.items[0].pk: "60.00", jp.items[1].pk: "0.20"},
    )
    clock.set(OPENING)
    do_open_bids(jp.solicitation, acting_user=world.alice, witness=world.sam)
    do_award(
        jp.solicitation,
        acting_user=world.alice,
        start_date=dt.date(2027, 4, 1),
        end_date=dt.date(2028, 3, 31),
    )
    return jp, vendor, Contract.objects.get(solicitation=jp.solicitation, kind=Contract.Kind.MASTER)
