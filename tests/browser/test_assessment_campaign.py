"""The needs-assessment acceptance flow in a real browser.

Consortium staff (Sam) launch a campaign for the 30 Capitol Region towns. Six towns have already
answered (seeded through the same do_* functions the pages use, so that the aggregates pass the
k-member rule). Avon (Bob) answers in the browser and submits. Bolton (Carol) downloads its Excel
workbook, fills it with openpyxl as a person would in Excel, uploads it once with mistakes (every
problem is listed, nothing is stored), then corrected, and submits. Sam then sees the progress,
the priority–readiness matrix and the report, and downloads the PDF.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from interlocal.assessment.actions import do_save_answers, do_submit_response
from interlocal.assessment.default_template import SCALE_LABELS
from interlocal.assessment.models import (
    Answer,
    Campaign,
    Question,
    Response,
    Section,
    Template,
    TemplateVersion,
)
from interlocal.taxonomy.loader import load_standard_catalogue
from interlocal.taxonomy.models import ServiceArea
from interlocal.tenancy import demo as tenancy_demo
from interlocal.tenancy.models import Consortium
from tests.browser.conftest import check_page, sign_in_as

pytestmark = pytest.mark.browser

AREAS = ["financial-erp", "edms-records", "gis-signs", "dr-backup"]
DIMENSIONS = ["satisfaction", "pressing", "future", "readiness", "sharing"]
CAMPAIGN = "Shared IT check 2026"


@pytest.fixture
def capitol(transactional_db: Any) -> Template:
    """Demo people and towns, the service taxonomy and a short consortium template: four areas,
    each with the five scaled dimensions, the system in use and the contract end."""
    tenancy_demo.load()
    load_standard_catalogue()
    consortium = Consortium.objects.get(slug="capitol-region")
    template = Template.objects.create(consortium=consortium, name="Quick IT check")
    version = TemplateVersion.objects.create(template=template, number=1)
    for order, code in enumerate(AREAS):
        area = ServiceArea.objects.get(code=code, consortium__isnull=True)
        section = Section.objects.create(version=version, area=area, title=area.name, order=order)
        for n, dimension in enumerate(DIMENSIONS):
            Question.objects.create(
                section=section,
                version=version,
                code=f"{code}.{dimension}",
                text=f"{area.name}: {dict(Question.Dimension.choices)[dimension]}?",
                kind="scaled",
                dimension=dimension,
                scale_labels=SCALE_LABELS[dimension],
                required=True,
                order=n,
            )
        Question.objects.create(
            section=section,
            version=version,
            code=f"{code}.system",
            text="Which system do you use?",
            kind="text",
            order=5,
        )
        Question.objects.create(
            section=section,
            version=version,
            code=f"{code}.contract-end",
            text="When does the contract end?",
            kind="date",
            order=6,
        )
    return template


def _seed_other_towns(campaign: Campaign, count: int = 6) -> None:
    """Towns that answered before Avon and Bolton: small towns less ready, records pressing."""
    rng = random.Random(7)  # noqa: S311 - demo figures
    responses = (
        Response.objects.filter(campaign=campaign)
        .exclude(member__slug__in=["avon-ct", "bolton-ct"])
        .select_related("campaign", "member")
        .order_by("member__name")[:count]
    )
    for response in responses:
        small = (response.member.population or 0) < 10_000
        values: dict[str, Any] = {}
        for code in AREAS:
            pressing = 5 if code == "edms-records" else rng.randint(1, 4)
            values.update(
                {
                    f"{code}.satisfaction": rng.randint(2, 4),
                    f"{code}.pressing": pressing,
                    f"{code}.future": min(5, pressing + rng.randint(0, 1)),
                    f"{code}.readiness": rng.randint(1, 3) if small else rng.randint(3, 5),
                    f"{code}.sharing": rng.randint(2, 5),
                    f"{code}.contract-end": dt.date(2027, rng.randint(1, 12), 1),
                }
            )
        do_save_answers(response, values, actor=None, source=Response.Source.API)
        do_submit_response(response, actor=None, source=Response.Source.API)


def _open_section(page: Any, section: Section) -> None:
    """Sections of the answering page may be collapsed (<details>): open the one to answer."""
    details = page.locator(f"details#section-{section.pk}")
    if details.count() and details.get_attribute("open") is None:
        details.locator("summary").click()
        expect(details).to_have_attribute("open", "")


def test_campaign_end_to_end_browser_and_excel(page: Any, capitol: Template, tmp_path: Path) -> None:
    # 1. Consortium staff launch the campaign.
    sign_in_as(page, "sam@capitol.example.org")
    page.goto("/assessment/")
    page.get_by_role("link", name="Launch a campaign").click()
    page.locator("#id_name").fill(CAMPAIGN)
    page.get_by_label("Message to the members").fill("Four areas, five minutes. Thank you!")
    page.locator("#id_template_version").select_option(label="Quick IT check — v1")
    page.locator("#id_deadline_date").fill((timezone.localdate() + dt.timedelta(days=21)).isoformat())
    check_page(page, "assessment-campaign-launch-form")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CAMPAIGN)
    expect(page.locator(".il-messages")).to_contain_text("is open; 30 members were invited")
    check_page(page, "assessment-campaign-launched")
    campaign = Campaign.objects.get(name=CAMPAIGN)
    assert campaign.status == Campaign.Status.OPEN
    _seed_other_towns(campaign)

    # 2. Avon answers in the browser (autosave on each change) and submits.
    sign_in_as(page, "bob@avon.example.org")
    page.goto(f"/assessment/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Answer the questions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CAMPAIGN)
    # Autosave needs htmx to have processed the page; a click before that saves nothing.
    page.wait_for_load_state("load")
    avon = Response.objects.get(campaign=campaign, member__slug="avon-ct")
    points = {"satisfaction": 2, "pressing": 4, "future": 5, "readiness": 4, "sharing": 3}
    for code in AREAS:
        _open_section(page, Section.objects.get(version=campaign.template_version, area__code=code))
        for dimension, point in points.items():
            question = Question.objects.get(version=campaign.template_version, code=f"{code}.{dimension}")
            page.locator(f"label[for='q{question.pk}-{point}']").click()
            expect(page.locator(f"#q{question.pk}-status")).not_to_be_empty()
    system = Question.objects.get(version=campaign.template_version, code="edms-records.system")
    page.locator(f"#q{system.pk}-input").fill("Laserfiche")
    page.locator(f"#q{system.pk}-input").blur()
    expect(page.locator(f"#q{system.pk}-status")).not_to_be_empty()
    check_page(page, "assessment-answer-browser")
    assert Answer.objects.filter(response=avon).count() == 21
    page.get_by_role("link", name="Review and submit").click()
    check_page(page, "assessment-answer-review")
    page.get_by_role("button", name="Submit answers").click()
    avon.refresh_from_db()
    assert avon.status == Response.Status.SUBMITTED and avon.source == Response.Source.BROWSER

    # 3. Bolton answers offline: download the workbook, fill it in, upload it.
    sign_in_as(page, "carol@bolton.example.org")
    page.goto(f"/assessment/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Excel workbook for Bolton").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Excel workbook for Bolton")
    check_page(page, "assessment-workbook-upload")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the workbook (.xlsx)").click()
    download = download_info.value
    assert download.suggested_filename == "shared-it-check-2026-bolton.xlsx"
    blank = tmp_path / "bolton.xlsx"
    download.save_as(blank)

    book = load_workbook(blank)
    sheets = [name for name in book.sheetnames if name not in ("Cover", "_interlocal", "_lists")]
    assert len(sheets) == 4
    for sheet in sheets:
        ws = book[sheet]
        for row, point in zip(range(5, 10), (4, 5, 4, 2, 2), strict=True):
            labels = SCALE_LABELS[DIMENSIONS[row - 5]]
            ws[f"D{row}"] = f"{point} – {labels[point - 1]}"  # as the drop-down writes it
        ws["D10"] = "Munis" if "Financial" in sheet else "In-house spreadsheets"
        ws["D11"] = dt.date(2027, 3, 31)
    mistakes = book[sheets[1]]
    mistakes["D5"] = 7  # outside the scale
    mistakes["D11"] = "next spring"  # not a date
    wrong = tmp_path / "bolton-with-mistakes.xlsx"
    book.save(wrong)
    mistakes["D5"] = "3 – Neutral"
    mistakes["D11"] = dt.date(2027, 4, 30)
    right = tmp_path / "bolton-filled.xlsx"
    book.save(right)

    page.locator("#id_workbook").set_input_files(str(wrong))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#problems")).to_contain_text("The workbook has 2 problems; nothing was stored.")
    expect(page.get_by_role("table")).to_contain_text("7 is outside the scale 1–5.")
    expect(page.get_by_role("table")).to_contain_text("“next spring” is not a date")
    check_page(page, "assessment-workbook-problems")
    bolton = Response.objects.get(campaign=campaign, member__slug="bolton-ct")
    assert not Answer.objects.filter(response=bolton).exists()

    page.locator("#id_workbook").set_input_files(str(right))
    page.get_by_text("Submit the answers once they are stored").click()
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".il-messages")).to_contain_text("The workbook was stored and the answers submitted")
    check_page(page, "assessment-workbook-stored")
    bolton.refresh_from_db()
    assert bolton.status == Response.Status.SUBMITTED and bolton.source == Response.Source.XLSX
    assert Answer.objects.filter(response=bolton).count() == 28

    # 4. Staff see the progress, the matrix and the report, and download the PDF.
    sign_in_as(page, "sam@capitol.example.org")
    page.goto(f"/assessment/campaigns/{campaign.pk}/progress/")
    expect(page.get_by_role("main")).to_contain_text("Avon")
    check_page(page, "assessment-campaign-progress-after-workbooks")
    page.goto(f"/assessment/campaigns/{campaign.pk}/matrix/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Electronic document management and records")
    check_page(page, "assessment-matrix")
    page.goto(f"/assessment/campaigns/{campaign.pk}/report/")
    expect(page.get_by_role("main")).to_contain_text("Electronic document management and records")
    check_page(page, "assessment-report")
    # Every chart on these pages is drawn under the Content-Security-Policy (no eval, no inline style).
    expect(page.locator(".il-chart--ready")).to_have_count(page.locator("[data-vega-spec]").count())
    with page.expect_download() as pdf_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = tmp_path / "report.pdf"
    pdf_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 10_000
