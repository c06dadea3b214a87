"""Costing pages: happy paths, 403 for the read-only observer, 404 for other members and consortia,
the confidentiality of members' figures, uploads, the chosen rule, what-ifs and exports."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from interlocal.audit.models import AuditEvent
from interlocal.costing.models import CostModel, Scenario, ScenarioParticipant
from interlocal.costing.queries import chosen_rates
from tests.costing.factories import ScenarioParticipantFactory, add_town, small_model

pytestmark = pytest.mark.django_db


def test_cost_model_list_and_create(world, client_for):
    small_model(world)
    alice = client_for("alice")
    assert "Shared backup" in alice.get(reverse("costing:cost_models")).content.decode()
    response = alice.post(reverse("costing:cost_model_create"), {"name": "Records", "description": "EDMS"})
    model = CostModel.objects.get(name="Records")
    assert response.status_code == 302
    assert model.scenarios.count() == 1
    assert AuditEvent.objects.filter(action="costing.cost_model.created").exists()
    assert client_for("olga").get(reverse("costing:cost_model_create")).status_code == 403


def test_scenario_page_shows_savings_and_uncertainty(world, client_for):
    _model, scenario = small_model(world)
    body = client_for("sam").get(reverse("costing:scenario_detail", args=[scenario.pk])).content.decode()
    assert "P10" in body and "P90" in body
    assert "Probability sharing is cheaper" in body
    assert "Break-even" in body


def test_observer_gets_403_on_council_pages_and_other_consortium_404(world, client_for):
    _model, scenario = small_model(world)
    olga = client_for("olga")
    assert olga.get(reverse("costing:scenario_detail", args=[scenario.pk])).status_code == 200
    assert olga.get(reverse("costing:scenario_edit", args=[scenario.pk])).status_code == 403
    assert (
        olga.post(reverse("costing:scenario_choose_rule", args=[scenario.pk]), {"rule": "equal"}).status_code
        == 403
    )
    assert client_for("pat").get(reverse("costing:scenario_detail", args=[scenario.pk])).status_code == 404


def test_members_see_named_and_own_figures_only(world, client_for, settings):
    settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS = 3
    _model, scenario = small_model(world)
    ScenarioParticipant.objects.filter(scenario=scenario, member=world.avon).update(
        standalone_likely=Decimal("51234")
    )
    ScenarioParticipant.objects.filter(scenario=scenario, member=world.canton).update(
        standalone_likely=Decimal("67890"), visibility="named"
    )
    Scenario.objects.filter(pk=scenario.pk).update(updated_at=scenario.updated_at.replace(year=2030))
    url = reverse("costing:scenario_detail", args=[scenario.pk])
    carol = client_for("carol").get(url).content.decode()  # Bolton
    assert "$51,234" not in carol  # Avon chose aggregates only
    assert "$67,890" in carol  # Canton allowed its figures by name
    # Three members, two private to carol (Avon; Bolton is her own): the total is built from 3 ≥ k.
    assert "stand-alone spend a year" in carol
    bob = client_for("bob").get(url).content.decode()
    assert "$51,234" in bob  # his own member
    assert "$51,234" in client_for("sam").get(url).content.decode()  # the council sees everything


def test_totals_suppressed_below_k(world, client_for, settings):
    settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS = 5
    _model, scenario = small_model(world)
    body = client_for("carol").get(reverse("costing:scenario_detail", args=[scenario.pk])).content.decode()
    assert "too few members allow their figures" in body
    assert (
        "too few members"
        not in client_for("sam").get(reverse("costing:scenario_detail", args=[scenario.pk])).content.decode()
    )


def test_member_edits_own_inputs_not_others(world, client_for):
    _model, scenario = small_model(world)
    bob = client_for("bob")
    url = reverse("costing:participant_edit", args=[scenario.pk, world.avon.pk])
    data = {
        "units_likely": "33",
        "own_cost_likely": "1000",
        "service_level_likely": "0",
        "standalone_likely": "40000",
        "visibility": "named",
    }
    assert bob.post(url, data).status_code == 302
    assert ScenarioParticipant.objects.get(scenario=scenario, member=world.avon).units_likely == 33
    assert (
        bob.get(reverse("costing:participant_edit", args=[scenario.pk, world.bolton.pk])).status_code == 404
    )
    assert client_for("olga").get(url).status_code == 404


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "inputs.xlsx"
    return out


def test_upload_is_all_or_nothing_with_cells(world, client_for, scenario_factory):
    scenario = scenario_factory(cost_model__consortium=world.capitol, cost_model__name="Upload test")
    header = ["member", "units", "standalone", "standalone_high", "population"]
    bad = _xlsx(
        [
            header,
            ["Avon", 10, 50000, 60000, 18900],
            ["Boltn", 5, 20000, "", 4900],
            ["Canton", "x", 30000, 10, ""],
        ]
    )
    response = client_for("sam").post(reverse("costing:scenario_upload", args=[scenario.pk]), {"file": bad})
    body = response.content.decode()
    assert response.status_code == 200
    assert "A3" in body and "Bolton" in body  # unknown name, with a suggestion
    assert "B4" in body  # not a number
    assert "D4" in body  # high below likely
    assert not ScenarioParticipant.objects.filter(scenario=scenario).exists()
    good = _xlsx([header, ["Avon", 10, 50000, 60000, 18900], ["bolton-ct", 5, 20000, "", 4900]])
    response = client_for("sam").post(reverse("costing:scenario_upload", args=[scenario.pk]), {"file": good})
    assert response.status_code == 302
    assert ScenarioParticipant.objects.filter(scenario=scenario).count() == 2


def test_member_upload_refused_for_other_members_rows(world, client_for, scenario_factory):
    scenario = scenario_factory(cost_model__consortium=world.capitol, cost_model__name="Upload test")
    upload = _xlsx([["member", "units", "standalone"], ["Avon", 1, 1], ["Bolton", 1, 1]])
    response = client_for("bob").post(
        reverse("costing:scenario_upload", args=[scenario.pk]), {"file": upload}
    )
    assert "only your own member" in response.content.decode()
    assert not ScenarioParticipant.objects.filter(scenario=scenario).exists()


def test_compare_choose_rule_and_rates(world, client_for):
    _model, scenario = small_model(world)
    sam = client_for("sam")
    body = sam.get(reverse("costing:scenario_compare", args=[scenario.pk])).content.decode()
    assert "Shapley value" in body and "Per capita" in body and "Nucleolus" in body
    sam.post(reverse("costing:scenario_choose_rule", args=[scenario.pk]), {"rule": "shapley"})
    scenario.refresh_from_db()
    assert scenario.rule == "shapley"
    assert AuditEvent.objects.filter(action="costing.rule.chosen").exists()
    rates = chosen_rates(scenario)
    assert len(rates) == 3
    response = sam.get(reverse("costing:scenario_rates", args=[scenario.pk]), {"format": "json"})
    data = response.json()
    assert sum(Decimal(r["amount"]) for r in data["rates"]) == Decimal(data["total"])


def test_unstable_rule_names_the_group(world, client_for):
    model, scenario = small_model(world)
    # A tiny town that needs a very expensive service level: per capita undercharges it.
    town = add_town(world.capitol, "Tinyville", population=200)
    ScenarioParticipantFactory(
        scenario=scenario, member=town, service_level_likely=Decimal(90_000), units_likely=1
    )
    body = client_for("sam").get(reverse("costing:scenario_compare", args=[scenario.pk])).content.decode()
    assert "Under per capita, these 3 members would save" in body


def test_what_if_copy_and_diff(world, client_for):
    _model, scenario = small_model(world)
    sam = client_for("sam")
    response = sam.post(
        reverse("costing:scenario_copy", args=[scenario.pk]),
        {
            "kind": "whatif",
            "name": "Without Bolton",
            "drop_members": [str(world.bolton.pk)],
            "exponent_likely": "0.8",
        },
    )
    copy = Scenario.objects.get(name="Without Bolton")
    assert response.status_code == 302
    assert (
        copy.participants.count() == 2 and copy.exponent_likely == Decimal("0.8") and copy.parent == scenario
    )
    body = sam.get(reverse("costing:scenario_diff", args=[copy.pk]), {"other": scenario.pk}).content.decode()
    assert "not in" in body and "0.8" in body


def test_exports(world, client_for):
    _model, scenario = small_model(world)
    sam = client_for("sam")
    pdf = sam.get(reverse("costing:scenario_pdf", args=[scenario.pk]))
    assert pdf.content.startswith(b"%PDF")
    xlsx = sam.get(reverse("costing:scenario_xlsx", args=[scenario.pk]))
    assert xlsx.content.startswith(b"PK")


def test_cost_model_with_a_service_area_from_the_catalogue(world, client_for):
    from tests.taxonomy.factories import ServiceAreaFactory

    area = ServiceAreaFactory(consortium=None, code="iso-backup", name="Backup test area")
    foreign = ServiceAreaFactory(consortium=world.prairies, code="prairie-only", name="Prairies area")
    alice = client_for("alice")
    alice.post(reverse("costing:cost_model_create"), {"name": "With area", "area": area.pk})
    model = CostModel.objects.get(name="With area")
    assert model.area == area
    assert (
        "Backup test area"
        in alice.get(reverse("costing:cost_model_detail", args=[model.pk])).content.decode()
    )
    response = alice.post(reverse("costing:cost_model_create"), {"name": "Foreign area", "area": foreign.pk})
    assert response.status_code == 200  # not a choice for Capitol Region
    assert not CostModel.objects.filter(name="Foreign area").exists()


def test_council_adds_a_member_by_hand(world, client_for, scenario_factory):
    scenario = scenario_factory(cost_model__consortium=world.capitol, cost_model__name="By hand")
    sam = client_for("sam")
    page = sam.get(reverse("costing:participant_add", args=[scenario.pk])).content.decode()
    assert "Avon" in page and "Canton" in page
    response = sam.get(reverse("costing:participant_add", args=[scenario.pk]), {"member": world.canton.pk})
    assert response["Location"] == reverse("costing:participant_edit", args=[scenario.pk, world.canton.pk])
    bob_page = client_for("bob").get(reverse("costing:participant_add", args=[scenario.pk])).content.decode()
    assert "Avon" in bob_page and "Canton" not in bob_page
    assert client_for("olga").get(reverse("costing:participant_add", args=[scenario.pk])).status_code == 403


def test_final_scenario_is_locked_and_a_scenario_can_be_deleted(world, client_for):
    model, scenario = small_model(world)
    Scenario.objects.filter(pk=scenario.pk).update(status="final")
    bob = client_for("bob")
    url = reverse("costing:participant_edit", args=[scenario.pk, world.avon.pk])
    data = {
        "units_likely": "1",
        "own_cost_likely": "0",
        "service_level_likely": "0",
        "standalone_likely": "1",
        "visibility": "named",
    }
    response = bob.post(url, data)
    assert response.status_code == 200 and "is final" in response.content.decode()
    assert ScenarioParticipant.objects.get(scenario=scenario, member=world.avon).units_likely == 20
    sam = client_for("sam")
    # the last scenario of a model stays
    sam.post(reverse("costing:scenario_delete", args=[scenario.pk]))
    assert Scenario.objects.filter(pk=scenario.pk).exists()
    sam.post(reverse("costing:scenario_copy", args=[scenario.pk]), {"kind": "version"})
    assert sam.post(reverse("costing:scenario_delete", args=[scenario.pk])).status_code == 302
    assert not Scenario.objects.filter(pk=scenario.pk).exists()
    assert model.scenarios.get().version == 2
    assert AuditEvent.objects.filter(action="costing.scenario.deleted").exists()
    assert (
        client_for("olga")
        .get(reverse("costing:scenario_delete", args=[model.scenarios.get().pk]))
        .status_code
        == 403
    )


def test_many_addable_members_are_added_by_name(world, client_for, monkeypatch):
    """Past ADD_SELECT_LIMIT the "add a member" choice is a name box, not a select of every town."""
    from interlocal.costing import views as costing_views

    _model, scenario = small_model(world)
    hartford, _ = add_town(world.capitol, "Hartford"), add_town(world.capitol, "Enfield")
    sam = client_for("sam")
    detail = reverse("costing:scenario_detail", args=[scenario.pk])
    assert '<select class="usa-select" id="add-member"' in sam.get(detail).content.decode()
    monkeypatch.setattr(costing_views, "ADD_SELECT_LIMIT", 1)
    page = sam.get(detail).content.decode()
    assert 'id="add-member" name="name"' in page and f'<option value="{hartford.pk}"' not in page
    add = reverse("costing:participant_add", args=[scenario.pk])
    response = sam.get(add, {"name": "hartford"})
    assert response.status_code == 302
    assert response["Location"] == reverse("costing:participant_edit", args=[scenario.pk, hartford.pk])
    unknown = sam.get(add, {"name": "Atlantis"})
    assert unknown.status_code == 400 and "No member you may add" in unknown.content.decode()
    assert sam.get(add, {"name": "Avon"}).status_code == 400  # already takes part
