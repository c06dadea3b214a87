"""Builders for bidding tests: a joint purchase (round, demand, solicitation) and vendors, with a
frozen clock that every `timezone.now()` call sees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from interlocal.procurement.models import (
    DemandEntry,
    DemandItem,
    DemandRound,
    DemandRoundMember,
    Solicitation,
    SolicitationItem,
    Vendor,
    VendorRegistration,
    VendorUser,
)
from interlocal.tenancy.models import Membership
from tests.factories import enrol_totp

T0 = dt.datetime(2027, 3, 1, 12, 0, 0, tzinfo=dt.UTC)  # "now" at the start of every test
DEADLINE = T0 + dt.timedelta(days=7)
OPENING = DEADLINE + dt.timedelta(hours=1)


class Clock:
    """A frozen clock: `django.utils.timezone.now` answers `self.now` until moved."""

    def __init__(self, monkeypatch: Any, start: dt.datetime = T0) -> None:
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, moment: dt.datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def make_vendor(name: str, user: Any, consortium: Any = None, *, role: str = "admin") -> Vendor:
    """An active, verified vendor company with `user` as one of its people."""
    vendor = Vendor.objects.create(
        name=name, legal_id=f"LEGAL-{name[:20]}", email=f"sales@{name.split()[0].lower()}.example",
        email_verified_at=T0 - dt.timedelta(days=30), status=Vendor.Status.ACTIVE,
    )  # fmt: skip
    VendorUser.objects.create(vendor=vendor, user=user, role=role)
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user).exists():  # vendors must use an authenticator app
        enrol_totp(user)
    if consortium is not None:
        VendorRegistration.objects.create(vendor=vendor, consortium=consortium)
        Membership.objects.get_or_create(user=user, consortium=consortium, member=None, role="vendor")
    return vendor


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
    rnd = DemandRound.objects.create(
        consortium=consortium, title=title, status=DemandRound.Status.CLOSED,
        cut_off_at=T0 - dt.timedelta(days=10), currency=currency,
    )  # fmt: skip
    specs = [("Road salt, bulk", "ton"), ("Liquid brine", "gallon")]
    demand_items = [
        DemandItem.objects.create(round=rnd, line_number=n, description=d, unit=u)
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
    solicitation = Solicitation.objects.create(
        consortium=consortium, demand_round=rnd, reference_number=reference, title=title,
        method=method, status=Solicitation.Status.PUBLISHED, published_at=T0 - dt.timedelta(days=5),
        submission_deadline=DEADLINE, opening_at=OPENING, currency=currency, award_basis=award_basis,
        ocds_process=f"round-{rnd.pk}",
    )  # fmt: skip
    items = []
    for item in demand_items:
        total = sum((e.quantity for e in entries if e.item_id == item.pk), Decimal(0))
        items.append(
            SolicitationItem.objects.create(
                solicitation=solicitation,
                demand_item=item,
                line_number=item.line_number,
                description=item.description,
                unit=item.unit,
                total_quantity=total,
            )  # fmt: skip
        )
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
