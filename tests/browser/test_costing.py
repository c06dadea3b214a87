"""The costing acceptance flow in a real browser: a consortium staff member builds the demo's
"shared data center and backup" cost model for the 30 Capitol Region towns by uploading their
inputs, reads the savings with P10/P50/P90, compares the rules, sees per capita fail the
stability check with the group named, chooses Shapley and downloads the PDF report."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from interlocal.costing.demo import MODELS, data_center_inputs
from interlocal.costing.models import Scenario
from interlocal.tenancy import demo as tenancy_demo
from interlocal.tenancy.models import Member
from tests.browser.conftest import check_page, sign_in_as

pytestmark = pytest.mark.browser

COLUMNS = [
    ("units_low", "units_low"),
    ("units", "units_likely"),
    ("units_high", "units_high"),
    ("onboarding", "own_cost_likely"),
    ("service_level", "service_level_likely"),
    ("standalone_low", "standalone_low"),
    ("standalone", "standalone_likely"),
    ("standalone_high", "standalone_high"),
    ("population", "population"),
    ("grand_list", "grand_list"),
    ("road_miles", "road_miles"),
    ("visibility", "visibility"),
]


@pytest.fixture
def capitol(transactional_db: Any) -> list[Member]:
    """The demo's consortia, 30 Capitol Region towns and demo people."""
    tenancy_demo.load()
    return list(Member.objects.filter(participations__consortium__slug="capitol-region").order_by("name"))


def _inputs_file(towns: list[Member], folder: Path) -> Path:
    rng = random.Random(4)  # noqa: S311 - demo figures
    book = Workbook()
    sheet = book.active
    sheet.append(["member"] + [c[0] for c in COLUMNS])
    for town in towns:
        values = data_center_inputs(town, rng)
        sheet.append(
            [town.name]
            + [float(v) if hasattr(v, "as_tuple") else v for v in (values[f] for _h, f in COLUMNS)]
        )
    path = folder / "data-center-inputs.xlsx"
    book.save(path)
    return path


def test_build_a_cost_model_compare_rules_and_export(page, capitol, tmp_path):
    assert len(capitol) == 30
    sign_in_as(page, "sam@capitol.example.org")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Cost models").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cost models")
    check_page(page, "costing-models-empty")

    page.get_by_role("link", name="New cost model").click()
    page.get_by_label("Name").fill("Shared data center and backup")
    page.get_by_label("Description").fill("A regional data center with off-site backup for the 30 towns.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Shared data center and backup")

    # Shared costs, as in the demo
    page.get_by_role("link", name="Edit shared costs").click()
    spec = MODELS[0]["scenario"]
    for field in (
        "platform_low",
        "platform_likely",
        "platform_high",
        "capex",
        "capex_life_years",
        "capex_rate",
        "price_low",
        "price_likely",
        "price_high",
        "exponent_low",
        "exponent_likely",
        "exponent_high",
        "coordination_likely",
        "coordination_exponent",
    ):
        page.locator(f"#id_{field}").fill(str(spec[field]))
    check_page(page, "costing-scenario-edit")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".usa-alert").first).to_contain_text("Scenario saved")

    # Upload the 30 towns' inputs: first a file with a mistake (nothing stored), then the real one
    page.get_by_role("link", name="Upload inputs").click()
    broken = tmp_path / "broken.csv"
    broken.write_text("member,units,standalone\nAvonn,10,50000\nBolton,ten,20000\n", encoding="utf-8")
    page.locator("#id_file").set_input_files(str(broken))
    page.get_by_role("button", name="Check and load").click()
    problems = page.locator("#upload-problems")
    expect(problems).to_contain_text("A2")
    expect(problems).to_contain_text("Avon")
    expect(problems).to_contain_text("B3")
    check_page(page, "costing-upload-problems")
    page.locator("#id_file").set_input_files(str(_inputs_file(capitol, tmp_path)))
    page.get_by_role("button", name="Check and load").click()
    expect(page.locator(".usa-alert").first).to_contain_text("30 members' figures were loaded")

    # Savings with P10 / P50 / P90
    percentiles = page.locator("#savings-percentiles")
    expect(percentiles).to_contain_text("P10")
    expect(percentiles).to_contain_text("P90")
    expect(percentiles.locator("tbody td").first).to_contain_text("$")
    expect(page.locator("#inputs-table tbody tr")).to_have_count(30)
    page.locator("[data-vega-spec='histogram-spec'].il-chart--ready").wait_for()
    check_page(page, "costing-scenario")

    # Compare the rules; per capita fails the stability check, naming the group
    page.get_by_role("link", name="Compare allocation rules").click()
    checks = page.locator("#core-checks")
    per_capita = checks.locator("li", has_text="Per capita")
    expect(per_capita).to_contain_text("not stable")
    expect(per_capita).to_contain_text(
        re.compile(r"Under per capita, these \d+ members would save \$[\d,]+ a year by splitting off")
    )
    expect(checks.locator("li", has_text="Shapley value")).to_contain_text("stable")
    page.locator("[data-vega-spec='compare-spec'].il-chart--ready").wait_for()
    check_page(page, "costing-compare")

    # Choose Shapley, then export the PDF
    page.locator("#id_rule").select_option("shapley")
    page.get_by_role("button", name="Choose this rule").click()
    expect(page.locator("#chosen-rule")).to_contain_text("Shapley value")
    assert Scenario.objects.get(cost_model__name="Shared data center and backup").rule == "shapley"
    check_page(page, "costing-rule-chosen")

    # A what-if without Bolton (the town that needs round-the-clock recovery), and the difference
    page.goto(page.url.replace("/compare/", "/"))
    page.get_by_role("link", name="Copy: version or what-if").click()
    page.locator("#id_name").fill("Without Bolton")
    page.locator("label:text-is('Bolton')").click()  # USWDS styles the label, not the input
    check_page(page, "costing-what-if")
    page.get_by_role("button", name="Make the copy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare two scenarios")
    expect(page.locator("#diff-members tbody tr", has_text="Bolton")).to_contain_text("not in")
    expect(page.locator("#diff-results")).to_contain_text("29")
    check_page(page, "costing-diff")

    page.get_by_role("navigation", name="Breadcrumbs").get_by_role(
        "link", name="Shared data center and backup"
    ).click()
    check_page(page, "costing-model")
    page.get_by_role("link", name="Baseline", exact=True).click()
    # WeasyPrint takes a few seconds for 30 members and every rule: wait for the download, not a page.
    with page.expect_download(timeout=90_000) as download_info:
        page.get_by_role("link", name="PDF report").click(no_wait_after=True)
    download = download_info.value
    pdf = tmp_path / "report.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert download.suggested_filename.endswith(".pdf")
