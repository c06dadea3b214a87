"""Issue 12, point 10: costing forms in plain words, price tiers as a table, readable sentences."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from interlocal.costing.engine import CoreCheck, explain_core
from interlocal.costing.forms import ParticipantForm, ScenarioForm
from interlocal.costing.models import Scenario
from tests.costing.factories import small_model

pytestmark = pytest.mark.django_db

BASE = {
    "name": "Baseline",
    "status": "draft",
    "platform_likely": "100000",
    "price_likely": "500",
    "exponent_likely": "0.9",
    "coordination_likely": "1000",
    "coordination_exponent": "1",
    "term_years": "5",
}


def test_every_field_has_a_plain_label_and_help():
    for form in (ScenarioForm(), ParticipantForm()):
        for name, field in form.fields.items():
            assert field.help_text, name
            label = str(field.label)
            for symbol in ("h0", "γ", "β", "SCRB", "JSON"):
                assert symbol not in label, (name, label)
    helps = {n: str(f.help_text) for n, f in ScenarioForm().fields.items()}
    # The formula symbol stays in the help, beside a worked example.
    assert "h0·k^γ" in helps["coordination_likely"] and "Example" in helps["coordination_likely"]
    assert "p·U^β" in helps["exponent_likely"] and "31,548" in helps["exponent_likely"]
    assert "JSON" not in helps["price_tiers"]


def test_price_tiers_are_saved_from_the_table(world, client_for):
    _m, scenario = small_model(world)
    url = reverse("costing:scenario_edit", args=[scenario.pk])
    page = client_for("sam").get(url).content.decode()
    assert (
        'name="price_tiers-up_to"' in page and "data-tier-add" in page and "<textarea" in page
    )  # notes only
    data = {**BASE, "price_tiers-up_to": ["500", "", ""], "price_tiers-price": ["40", "30", ""]}
    assert client_for("sam").post(url, data).status_code == 302
    assert Scenario.objects.get(pk=scenario.pk).price_tiers == [
        {"up_to": 500, "price": 40},
        {"up_to": None, "price": 30},
    ]
    page = client_for("sam").get(url).content.decode()
    assert 'value="500"' in page and "above 500" in page


def test_bad_tier_rows_are_named_and_nothing_is_saved(world, client_for):
    _m, scenario = small_model(world)
    url = reverse("costing:scenario_edit", args=[scenario.pk])
    before = Scenario.objects.get(pk=scenario.pk)
    data = {
        **BASE,
        "platform_likely": "123456",
        "price_tiers-up_to": ["500", "400", "", "700"],
        "price_tiers-price": ["40", "ten", "", "30"],
    }
    response = client_for("sam").post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Row 2:" in body and "larger than the row above (500)" in body
    assert "The unit price must be an amount" in body
    assert "row 2" in body  # the summary names the rows
    after = Scenario.objects.get(pk=scenario.pk)
    assert after.platform_likely == before.platform_likely == Decimal(100_000)
    assert after.price_tiers == before.price_tiers
    # An open-ended row that is not the last.
    data = {**BASE, "price_tiers-up_to": ["", "700"], "price_tiers-price": ["40", "30"]}
    body = client_for("sam").post(url, data).content.decode()
    assert "Only the last tier may leave" in body


def test_the_stability_sentence_agrees_with_its_subject():
    two = CoreCheck(stable=True, members=["Avon", "Bolton"], excess=-1200.0)
    one = CoreCheck(stable=True, members=["Avon"], excess=-1200.0)
    s2, s1 = explain_core(two, "the Shapley value"), explain_core(one, "the Shapley value")
    assert "Avon and Bolton would pay $1,200 a year more on their own" in s2
    assert "Avon would pay $1,200 a year more on its own" in s1
    assert ", would" not in s2 and ", would" not in s1
