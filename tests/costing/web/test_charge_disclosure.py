"""Which charges another member's people see, per allocation rule (security issue 11, point 5):
the rules' declared inputs, the per-viewer decision, the consent and its audit, and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from interlocal.audit.models import AuditEvent
from interlocal.costing.actions import do_copy_scenario, do_set_charge_consent
from interlocal.costing.analysis import analyse
from interlocal.costing.derivation import (
    CONFIDENTIAL_INPUTS,
    GAME_INPUTS,
    RULE_INPUTS,
    confidential_inputs,
    rule_inputs,
)
from interlocal.costing.models import Rule, ScenarioParticipant
from interlocal.costing.queries import charge_disclosure_for, participants_of
from tests.api.helpers import make_token
from tests.costing.web.test_charge_leaks import TOWNS, _scenario

pytestmark = pytest.mark.django_db

REVEALING = {
    "equal": frozenset(),
    "population": frozenset(),
    "grand_list": frozenset({"grand_list"}),
    "units": frozenset({"units"}),
    "standalone": GAME_INPUTS,
    "blend": frozenset({"grand_list", "road_miles"}),  # the default blend: grand list, population, road miles
    "base_fee_usage": frozenset({"units", "own_cost"}),
    "scrb": GAME_INPUTS,
    "shapley": GAME_INPUTS,
    "nucleolus": GAME_INPUTS,
    "least_core": GAME_INPUTS,
    "closest_stable": GAME_INPUTS,
}


def test_every_rule_declares_what_its_charges_are_derived_from():
    assert set(RULE_INPUTS) == set(Rule.values) == set(REVEALING)
    for key, expected in REVEALING.items():
        assert confidential_inputs(key) == expected, key
    assert "population" in rule_inputs("population")
    assert rule_inputs("closest_stable") >= {"population"}


def test_blend_reveals_the_weights_of_its_parts():
    assert confidential_inputs("blend", {"blend": {"population": 1}}) == frozenset()
    assert confidential_inputs("blend", {"blend": {"population": 0.5, "grand_list": 0.5}}) == {"grand_list"}
    assert confidential_inputs("blend", {"blend": {"population": 1, "grand_list": 0}}) == frozenset()
    assert confidential_inputs("blend", {"blend": {"lane_miles": 1}}) == {"other_weights"}


def test_an_undeclared_rule_is_taken_to_reveal_everything():
    assert confidential_inputs("a-new-rule") == CONFIDENTIAL_INPUTS


@pytest.fixture
def scenario(world, settings):
    settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS = 3
    return _scenario(world)


def _disclosure(world, user, scenario):
    return charge_disclosure_for(user, scenario, participants_of(user, scenario))


@pytest.mark.parametrize("key", Rule.values)
def test_bob_sees_per_rule_what_reveals_nothing(world, scenario, key):
    d = _disclosure(world, world.bob, scenario)
    view = d.rule(key)
    ids = {p.member.name: p.member_id for p in ScenarioParticipant.objects.filter(scenario=scenario)}
    private = {ids[n] for n in ("Bolton", "Canton", "Durham", "Essex")}
    if REVEALING[key]:
        assert view.hidden == private
        assert view.by_name == {ids["Avon"], ids["Farmington"]}  # his own, and the named member
        assert view.others_total and not view.withheld  # four hidden members: a total of ≥ k
    else:
        assert view.by_name == set(ids.values()) and not view.hidden


def test_the_council_sees_every_charge(world, scenario):
    d = _disclosure(world, world.sam, scenario)
    assert d.full
    assert all(d.shows("units", p.member_id) for p in ScenarioParticipant.objects.filter(scenario=scenario))


def test_too_few_others_withholds_every_charge_of_a_revealing_rule(world, settings):
    settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS = 3
    scenario = _scenario(world, towns={n: TOWNS[n] for n in ("Avon", "Bolton", "Farmington")})
    d = _disclosure(world, world.bob, scenario)
    assert d.rule("units").withheld and not d.rule("units").by_name  # not even Avon's own charge
    assert not d.rule("equal").withheld and d.shows("equal", world.bolton.pk)


def test_consent_shows_the_members_charges_and_is_audited(world, scenario):
    bolton = ScenarioParticipant.objects.get(scenario=scenario, member=world.bolton)
    with pytest.raises(PermissionDenied):
        do_set_charge_consent(bolton, consent=True, acting_user=world.sam)  # the council may not consent
    with pytest.raises(PermissionDenied):
        do_set_charge_consent(bolton, consent=True, acting_user=world.bob)  # nor another member
    assert not _disclosure(world, world.bob, scenario).shows("units", world.bolton.pk)
    do_set_charge_consent(bolton, consent=True, acting_user=world.carol)
    assert _disclosure(world, world.bob, scenario).shows("units", world.bolton.pk)
    event = AuditEvent.objects.get(action="costing.charge_consent.given")
    assert event.actor_id == world.carol.pk
    do_set_charge_consent(bolton, consent=False, acting_user=world.carol)
    assert not _disclosure(world, world.bob, scenario).shows("units", world.bolton.pk)
    assert AuditEvent.objects.filter(action="costing.charge_consent.withdrawn").count() == 1


def test_consent_by_clicking_the_button(world, scenario, client_for):
    carol = client_for("carol")
    page = carol.get(reverse("costing:scenario_detail", args=[scenario.pk])).content.decode()
    assert "Let other participants see Bolton's charges" in page
    url = reverse("costing:participant_charge_consent", args=[scenario.pk, world.bolton.pk])
    assert client_for("sam").post(url, {"consent": "yes"}).status_code == 403
    assert client_for("bob").post(url, {"consent": "yes"}).status_code == 404  # not his member's row
    response = carol.post(url, {"consent": "maybe"})
    assert response.status_code == 302
    assert not ScenarioParticipant.objects.get(scenario=scenario, member=world.bolton).charge_consent
    assert carol.post(url, {"consent": "yes"}).status_code == 302
    row = ScenarioParticipant.objects.get(scenario=scenario, member=world.bolton)
    assert row.charge_consent and row.charge_consent_by == world.carol
    assert (
        "Withdraw Bolton's consent"
        in carol.get(reverse("costing:scenario_detail", args=[scenario.pk])).content.decode()
    )


def test_a_what_if_that_differs_by_one_hidden_member_is_withheld(world, scenario):
    copy = do_copy_scenario(
        scenario, acting_user=world.sam, name="Without Bolton", drop_members=[world.bolton.pk]
    )
    base, what_if = _disclosure(world, world.bob, scenario), _disclosure(world, world.bob, copy)
    # Hidden under units: {Bolton, Canton, Durham, Essex} and {Canton, Durham, Essex}. Both totals
    # would give Bolton's units by difference, so the smaller group (the what-if) shows none.
    assert not base.rule("units").withheld
    assert what_if.rule("units").withheld
    assert not what_if.rule("equal").withheld


def test_api_results_list_only_the_charges_bob_may_see(world, scenario):
    api = Client(headers={"Authorization": f"Bearer {make_token(world.bob)}"})
    data = api.get(f"/api/v1/costing/scenarios/{scenario.pk}/results").json()
    units = next(r for r in data["rules"] if r["rule"] == "units")
    assert set(units["allocation"]) == {"Avon", "Farmington"}
    assert units["derived_from"] == ["units"]
    assert units["others_count"] == 4
    result = analyse(scenario)
    amounts = result.rule("units").amounts
    expected = sum((amounts[n] for n in ("Bolton", "Canton", "Durham", "Essex")), Decimal(0))
    assert Decimal(str(units["others_total"])) == expected
    equal = next(r for r in data["rules"] if r["rule"] == "equal")
    assert len(equal["allocation"]) == 6
    sam = Client(headers={"Authorization": f"Bearer {make_token(world.sam)}"})
    full = next(
        r
        for r in sam.get(f"/api/v1/costing/scenarios/{scenario.pk}/results").json()["rules"]
        if r["rule"] == "units"
    )
    assert len(full["allocation"]) == 6
