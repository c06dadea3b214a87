"""The costing demo: two Capitol Region cost models, one whose chosen rule fails the core check."""

from __future__ import annotations

import pytest

from interlocal.costing import demo as costing_demo
from interlocal.costing.analysis import analyse
from interlocal.costing.models import CostModel, Scenario
from interlocal.tenancy import demo as tenancy_demo

pytestmark = pytest.mark.django_db


def test_demo_cost_models_and_an_unstable_chosen_rule():
    tenancy_demo.load()
    costing_demo.load()
    data_center = CostModel.objects.get(name=costing_demo.DATA_CENTER)
    edms = CostModel.objects.get(name=costing_demo.EDMS)
    assert data_center.area is not None and data_center.area.code in ("dr-backup", "hosting")
    assert edms.area is not None and edms.area.code == "edms-records"
    baseline = data_center.scenarios.get(name="Baseline")
    assert baseline.participants.count() == 30
    assert baseline.rule == "population"
    chosen = analyse(baseline).rule("population")
    assert chosen is not None and chosen.stable is False and len(chosen.core_members) > 1
    assert analyse(edms.scenarios.get()).rule("shapley").stable is True  # type: ignore[union-attr]
    assert Scenario.objects.filter(parent=baseline).count() == 1  # the what-if without Bolton

    count = Scenario.objects.count()
    costing_demo.load()
    assert Scenario.objects.count() == count
