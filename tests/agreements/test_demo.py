"""The agreements demo: one in force, one circulated, with no services loaded."""

from __future__ import annotations

import pytest

from interlocal.agreements import demo
from interlocal.agreements.models import Agreement
from interlocal.tenancy import demo as tenancy_demo

pytestmark = pytest.mark.django_db


def test_demo_agreements_load_without_services_and_once():
    tenancy_demo.load()
    demo.load()
    demo.load()
    assert sorted(Agreement.objects.values_list("status", flat=True)) == ["circulated", "in_force"]
