"""Shared set-up of the billing tests: Capitol Region's services and subscriptions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from interlocal.billing.actions import do_create_run, do_issue_run
from interlocal.billing.models import BillingRun
from interlocal.services.models import Service, Subscription, UsageRecord

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def service(world: Any, name: str = "Shared backup", rule: str = "per_capita", **kw: Any) -> Service:
    kw.setdefault("annual_amount", Decimal("120000.00"))
    return Service.objects.create(consortium=world.capitol, name=name, pricing_rule=rule, **kw)


def subscribe(
    svc: Service, member: Any, start: dt.date = dt.date(2025, 1, 1), units: str = "10", **kw: Any
) -> Subscription:
    return Subscription.objects.create(service=svc, member=member, start=start, units=Decimal(units), **kw)


def usage(
    svc: Service, member: Any, quantity: str, start: dt.date = Q1[0], end: dt.date = Q1[1]
) -> UsageRecord:
    return UsageRecord.objects.create(
        service=svc, member=member, period_start=start, period_end=end, quantity=Decimal(quantity)
    )


def backup(world: Any, name: str = "Shared backup", rule: str = "per_capita", **kw: Any) -> Service:
    """A service with Avon, Bolton and Canton subscribed all year (Bolton from 1 Feb 2026)."""
    svc = service(world, name, rule, **kw)
    subscribe(svc, world.avon, units="20")
    subscribe(svc, world.bolton, start=dt.date(2026, 2, 1), units="5")
    subscribe(svc, world.canton, units="10")
    return svc


def run(
    world: Any, services: list[Service], period: tuple[dt.date, dt.date] = Q1, user: str = "alice"
) -> BillingRun:
    return do_create_run(
        world.capitol, start=period[0], end=period[1], services=services, acting_user=getattr(world, user)
    )


def issued(world: Any, services: list[Service], period: tuple[dt.date, dt.date] = Q1) -> BillingRun:
    r = run(world, services, period)
    do_issue_run(r, acting_user=world.alice)
    r.refresh_from_db()
    return r
