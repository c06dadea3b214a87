"""Issue 12, point 10 and issue 11, point 5 in a real browser, by clicking:
- the price tiers of a scenario as an editable table (add and remove rows, errors per row, nothing
  saved on error), and the costing forms' plain-words labels;
- the priority–readiness matrix: numbered points placed without overlap, the list beside the chart;
- a member consenting to its charges being seen, and another member's page then showing them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from interlocal.costing.models import Scenario, ScenarioParticipant
from interlocal.tenancy import demo as tenancy_demo
from interlocal.tenancy.models import Consortium, Member
from tests.browser.conftest import check_page, sign_in_as
from tests.costing.factories import ScenarioFactory, ScenarioParticipantFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def backup(transactional_db: Any) -> Scenario:
    """Demo people and towns; a cost model with six Capitol Region towns, rule by units used."""
    tenancy_demo.load()
    consortium = Consortium.objects.get(slug="capitol-region")
    scenario = ScenarioFactory(
        cost_model__consortium=consortium, cost_model__name="Shared backup", rule="units"
    )
    others = Member.objects.filter(participations__consortium=consortium).exclude(
        slug__in=["avon-ct", "bolton-ct"]
    )
    towns = [
        Member.objects.get(slug="avon-ct"),
        Member.objects.get(slug="bolton-ct"),
        *others.order_by("name")[:4],
    ]
    for i, (town, units) in enumerate(zip(towns, (16, 4, 11, 7, 13, 9), strict=True)):
        ScenarioParticipantFactory(
            scenario=scenario, member=town, units_likely=units, grand_list=Decimal(10**8 + i)
        )
    return scenario


def _open_scenario(page: Any, scenario: Scenario) -> None:
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Cost models").click()
    page.get_by_role("link", name=scenario.cost_model.name).click()
    page.get_by_role("link", name=scenario.name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(scenario.name)


def test_price_tiers_table_by_clicking(page, backup):
    sign_in_as(page, "sam@capitol.example.org")
    _open_scenario(page, backup)
    page.get_by_role("link", name="Edit shared costs").click()
    # Plain words, with the symbol and a worked example in the help.
    expect(page.locator("label[for=id_coordination_likely]")).to_contain_text(
        "Coordination cost per member a year"
    )
    expect(page.get_by_role("main")).to_contain_text("h0 in h0·k^γ")
    expect(page.get_by_role("main")).not_to_contain_text("Coordination base h0")
    tiers = page.locator("[data-tier-table]")
    expect(tiers.locator("[data-tier-row]")).to_have_count(1)
    page.get_by_label("Row 1: up to (units)").fill("500")
    page.get_by_label("Row 1: unit price").fill("40")
    page.get_by_role("button", name="Add a tier").click()
    expect(tiers.locator("[data-tier-row]")).to_have_count(2)
    expect(tiers.locator("[data-tier-row]").nth(1).locator("[data-tier-from]")).to_have_text("above 500")
    page.get_by_label("Row 2: unit price").fill("30")
    page.get_by_role("button", name="Add a tier").click()
    page.get_by_label("Row 3: up to (units)").fill("9999")
    page.get_by_role("button", name="Remove row 3").click()
    expect(tiers.locator("[data-tier-row]")).to_have_count(2)
    check_page(page, "costing-price-tiers-table")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".usa-alert").first).to_contain_text("Scenario saved")
    backup.refresh_from_db()
    assert backup.price_tiers == [{"up_to": 500, "price": 40}, {"up_to": None, "price": 30}]

    # A mistake in one row: named beside the row, nothing saved.
    page.get_by_role("link", name="Edit shared costs").click()
    page.get_by_role("button", name="Add a tier").click()
    page.get_by_label("Row 2: up to (units)").fill("400")
    page.get_by_label("Row 3: unit price").fill("ten")
    page.locator("#id_platform_likely").fill("999999")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-tier-errors]").first).to_contain_text("Row 2:")
    expect(page.locator("[data-tier-errors]").first).to_contain_text("larger than the row above (500)")
    expect(page.locator("[data-tier-errors]").nth(1)).to_contain_text("The unit price must be an amount")
    check_page(page, "costing-price-tiers-errors")
    backup.refresh_from_db()
    assert backup.price_tiers == [{"up_to": 500, "price": 40}, {"up_to": None, "price": 30}]
    assert backup.platform_likely == Decimal(100_000)


def test_consent_shows_a_members_charge_to_the_others(page, backup):
    bolton_charge = _units_charge(backup, "bolton-ct")
    # Bob (Avon) sees Bolton's charge by units used only inside the others' total.
    sign_in_as(page, "bob@avon.example.org")
    _open_scenario(page, backup)
    expect(page.locator("#inputs-table tbody tr", has_text="Bolton")).to_contain_text("confidential")
    expect(page.locator("#others-total")).to_be_visible()
    assert bolton_charge not in page.content()

    # Carol (Bolton) consents by clicking.
    sign_in_as(page, "carol@bolton.example.org")
    _open_scenario(page, backup)
    check_page(page, "costing-consent-before")
    page.get_by_role("button", name="Let other participants see Bolton's charges").click()
    expect(page.locator(".usa-alert").first).to_contain_text("now see the charges")
    expect(page.get_by_role("button", name="Withdraw Bolton's consent")).to_be_visible()
    assert ScenarioParticipant.objects.get(scenario=backup, member__slug="bolton-ct").charge_consent

    # Bob now sees it, on the scenario page and the comparison.
    sign_in_as(page, "bob@avon.example.org")
    _open_scenario(page, backup)
    expect(page.locator("#inputs-table tbody tr", has_text="Bolton")).to_contain_text(bolton_charge)
    page.get_by_role("link", name="Compare allocation rules").click()
    expect(page.locator("#compare-table tbody tr", has_text="Bolton")).to_contain_text(bolton_charge)
    check_page(page, "costing-compare-member-view")


def _units_charge(scenario: Scenario, slug: str) -> str:
    from interlocal.costing.analysis import analyse

    result = analyse(scenario)
    name = next(p.name for p in result.players if Member.objects.get(pk=p.member_id).slug == slug)
    return f"${result.rule('units').amounts[name]:,.2f}"


@pytest.fixture
def assessment_demo(transactional_db: Any) -> Any:
    """The demo's completed Capitol Region campaign (its areas cluster in the matrix)."""
    from interlocal.assessment import demo as assessment_demo_data
    from interlocal.assessment.default_template import install_standard_template
    from interlocal.assessment.models import Campaign
    from interlocal.taxonomy.loader import load_standard_catalogue

    tenancy_demo.load()
    # A transactional test before this one flushed what the migrations installed: put it back.
    load_standard_catalogue()
    install_standard_template()
    assessment_demo_data.load()
    return Campaign.objects.get(name=assessment_demo_data.CAMPAIGN_NAME)


def _text_boxes(page: Any, selector: str) -> list[dict[str, float]]:
    """The bounding boxes of the point numbers Vega drew (its text marks that are not axis text)."""
    return page.eval_on_selector_all(
        f"{selector} svg g.mark-text text",
        "els => els.filter(e => /^[0-9, ]+$/.test(e.textContent)).map(e => {"
        " const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height, t: e.textContent}; })",
    )


def test_matrix_labels_do_not_overlap(page, assessment_demo):
    sign_in_as(page, "sam@capitol.example.org")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Needs assessments"
    ).click()
    page.get_by_role("link", name=assessment_demo.name).first.click()
    page.get_by_role("link", name="Priority–readiness matrix").first.click()
    chart = "[data-vega-spec='matrix-spec']"
    page.locator(f"{chart}.il-chart--ready").wait_for()
    key = page.locator("[data-matrix-key='matrix-spec'] li")
    count = key.count()
    assert count >= 10
    boxes = _text_boxes(page, chart)
    numbers = sorted(int(n) for b in boxes for n in b["t"].split(","))
    assert numbers == list(range(1, count + 1))  # every point numbered once, as in the list
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            # Rendered glyph boxes include some padding: allow one pixel.
            overlap_x = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            overlap_y = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            assert overlap_x <= 1 or overlap_y <= 1, (a, b)
    expect(key.first).to_contain_text("1")
    check_page(page, "assessment-matrix-numbered")
