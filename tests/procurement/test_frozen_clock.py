"""Timestamps follow the frozen test clock: model defaults look `timezone.now` up when a row is
created (models.planning.current_time), and the do_* functions stamp their times from it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from interlocal.procurement.actions import (
    do_acknowledge_addendum,
    do_amend_contract,
    do_award,
    do_issue_addendum,
    do_open_bids,
    do_submit_bid,
)
from interlocal.procurement.models import Contract, Vendor
from tests.clock import T0, Clock
from tests.procurement.factories import OPENING, make_joint_purchase, make_vendor


def test_bids_addenda_and_amendments_carry_the_frozen_time(world: Any, clock: Clock) -> None:
    jp = make_joint_purchase(world)
    acme = make_vendor("Acme", world.vince, world.capitol)
    clock.advance(hours=1)
    addendum = do_issue_addendum(jp.solicitation, acting_user=world.alice, title="Trucks", body="By truck.")
    assert addendum.issued_at == T0 + dt.timedelta(hours=1)
    clock.advance(minutes=5)
    ack = do_acknowledge_addendum(addendum, acme, acting_user=world.vince)
    assert ack.acknowledged_at == T0 + dt.timedelta(hours=1, minutes=5)

    clock.advance(minutes=30)
    bid, created = do_submit_bid(
        jp.solicitation,
        acting_user=world.vince,
        idempotency_key="frozen",
        prices={jp.items[0].pk: "60.00", jp.items[1].pk: "0.20"},
    )
    assert created and bid.submitted_at == T0 + dt.timedelta(hours=1, minutes=35)
    bid.refresh_from_db()
    assert bid.submitted_at == T0 + dt.timedelta(hours=1, minutes=35)

    clock.set(OPENING)
    do_open_bids(jp.solicitation, acting_user=world.alice, witness=world.sam)
    clock.advance(days=1)
    award = do_award(
        jp.solicitation, acting_user=world.sam, start_date=dt.date(2027, 4, 1), end_date=dt.date(2028, 3, 31)
    )
    assert award.decided_at == OPENING + dt.timedelta(days=1)
    master = Contract.objects.get(kind=Contract.Kind.MASTER)
    assert master.created_at == OPENING + dt.timedelta(days=1)
    clock.advance(days=2)
    amendment = do_amend_contract(
        master,
        acting_user=world.sam,
        kind="amendment",
        description="Extra delivery point",
        effective_date=dt.date(2027, 4, 20),
    )
    amendment.refresh_from_db()
    assert amendment.created_at == OPENING + dt.timedelta(days=3)


def test_model_defaults_follow_the_clock_when_it_is_set(world: Any, clock: Clock) -> None:
    moment = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    clock.set(moment)
    vendor = Vendor.objects.create(name="Clockwork", legal_id="CLK-1", email="c@clock.example")
    vendor.refresh_from_db()
    assert vendor.created_at == moment
