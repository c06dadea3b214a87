"""Helpers for the services tests: a service with subscriptions, and API clients."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from interlocal.services.models import Service, ServiceLevel, Subscription, UsageRecord
from tests.api.helpers import make_token

START = dt.date(2026, 1, 1)


def make_service(consortium: Any, name: str = "Shared backup", **fields: Any) -> Service:
    fields.setdefault("status", "live")
    service = Service.objects.create(consortium=consortium, name=name, **fields)
    ServiceLevel.objects.create(
        service=service, priority="high", first_response_minutes=60, resolution_minutes=480
    )
    return service


def subscribe(
    service: Service, member: Any, start: dt.date = START, end: dt.date | None = None, units: int = 10
) -> Subscription:
    return Subscription.objects.create(
        service=service, member=member, start=start, end=end, units=Decimal(units)
    )


def usage(service: Service, member: Any, quantity: str = "5") -> UsageRecord:
    return UsageRecord.objects.create(
        service=service,
        member=member,
        period_start=dt.date(2026, 2, 1),
        period_end=dt.date(2026, 2, 28),
        quantity=Decimal(quantity),
    )


@pytest.fixture
def backup(world: Any) -> Service:
    """Capitol Region's live backup service; Avon and Bolton subscribe from 2026-01-01."""
    service = make_service(world.capitol)
    subscribe(service, world.avon)
    subscribe(service, world.bolton)
    return service


@pytest.fixture
def api_for(world: Any) -> Any:
    def make(name: str) -> Client:
        return Client(headers={"Authorization": f"Bearer {make_token(getattr(world, name))}"})

    return make
