"""Costing API: lists, results, and members entering their own inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from interlocal.costing.models import ScenarioParticipant
from tests.api.helpers import make_token
from tests.costing.factories import small_model

pytestmark = pytest.mark.django_db


def _api(user):
    return Client(headers={"Authorization": f"Bearer {make_token(user)}"})


def test_results_sum_to_the_cost_and_name_groups(world):
    _m, scenario = small_model(world)
    data = _api(world.sam).get(f"/api/v1/costing/scenarios/{scenario.pk}/results").json()
    grand = Decimal(str(data["savings"]["grand_cost"]))
    shapley = next(r for r in data["rules"] if r["rule"] == "shapley")
    assert sum(Decimal(str(v)) for v in shapley["allocation"].values()) == grand
    assert shapley["stable"] is True
    assert data["savings"]["p10"] is not None


def test_participants_are_disclosed_per_caller(world):
    _m, scenario = small_model(world)
    rows = _api(world.carol).get(f"/api/v1/costing/scenarios/{scenario.pk}/participants").json()
    avon = next(r for r in rows if r["member"] == "Avon")
    bolton = next(r for r in rows if r["member"] == "Bolton")
    assert avon["disclosed"] is False and avon["standalone_likely"] is None
    assert bolton["disclosed"] is True


def test_member_puts_own_inputs_but_not_others(world):
    _m, scenario = small_model(world)
    bob = _api(world.bob)
    url = f"/api/v1/costing/scenarios/{scenario.pk}/participants/{world.avon.pk}"
    response = bob.put(
        url, {"units_likely": 44, "standalone_likely": "1000.00"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert ScenarioParticipant.objects.get(scenario=scenario, member=world.avon).units_likely == 44
    other = f"/api/v1/costing/scenarios/{scenario.pk}/participants/{world.bolton.pk}"
    assert bob.put(other, {"units_likely": 1}, content_type="application/json").status_code == 403
    bad = bob.put(url, {"units_likely": -1}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"]
