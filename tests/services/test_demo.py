"""The services demo: services per region with subscriptions, a dated change and usage; idempotent."""

from __future__ import annotations

import pytest

from interlocal.services import demo as services_demo
from interlocal.services.models import Service, Subscription, SubscriptionChange, UsageRecord
from interlocal.tenancy import demo as tenancy_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_services_and_is_idempotent():
    tenancy_demo.load()
    services_demo.load()
    assert Service.objects.filter(consortium__slug="capitol-region").count() == 3
    assert Service.objects.filter(consortium__slug="misa-prairies").count() == 1
    assert Subscription.objects.count() > 0
    assert SubscriptionChange.objects.exists()
    assert UsageRecord.objects.exists()
    counts = (Service.objects.count(), Subscription.objects.count(), UsageRecord.objects.count())
    services_demo.load()
    assert (Service.objects.count(), Subscription.objects.count(), UsageRecord.objects.count()) == counts
