"""Answering a needs assessment in a real browser.

Sam (consortium staff) launches a campaign with the standard template for the Capitol Region
towns. Bob (Avon staff) opens it from his dashboard, answers questions of every kind — each one
saves itself (htmx) and says so, the progress bar and the section's count follow — is told
plainly what is wrong with a bad number (nothing is saved), chooses to be seen only in
aggregates, tries to submit with required questions missing, then submits; the page turns
read-only. Sam sees the response on the progress page and can reopen it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interlocal.assessment.actions import do_save_answers
from interlocal.assessment.default_template import install_standard_template
from interlocal.assessment.models import Answer, Campaign, Question, Response
from interlocal.taxonomy.loader import load_standard_catalogue
from interlocal.tenancy import demo as tenancy_demo
from interlocal.tenancy.models import Member
from tests.browser.conftest import check_page, sign_in_as

pytestmark = pytest.mark.browser

CAMPAIGN = "Regional IT needs 2027"


@pytest.fixture
def capitol(transactional_db: Any) -> Any:
    """Demo towns and people, the taxonomy and the standard template (a flushed database has none)."""
    tenancy_demo.load()
    load_standard_catalogue()
    return install_standard_template()


def _question(page: Any, code: str) -> Any:
    pk = Question.objects.get(version__campaigns__name=CAMPAIGN, code=code).pk
    return page.locator(f"#q{pk}")


def test_member_staff_answer_autosave_and_submit(page: Any, capitol: Any) -> None:
    # --- Sam launches the campaign ---------------------------------------------------------------
    sign_in_as(page, "sam@capitol.example.org")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Needs assessments"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs assessments")
    check_page(page, "assessment-campaigns-empty")
    page.get_by_role("link", name="Launch a campaign").click()
    page.locator("#id_name").fill(CAMPAIGN)
    page.locator("#id_description").fill("Please answer for your town by the end of next month.")
    deadline = timezone.localdate() + dt.timedelta(days=30)
    page.locator("#id_deadline_date").fill(deadline.isoformat())
    check_page(page, "assessment-campaign-launch")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CAMPAIGN)
    expect(page.locator(".usa-alert--success")).to_contain_text("is open")
    check_page(page, "assessment-campaign-detail-council")
    campaign = Campaign.objects.get(name=CAMPAIGN)
    towns = Member.objects.filter(participations__consortium__slug="capitol-region").count()
    assert campaign.responses.count() == towns == 30

    # --- Bob answers ---------------------------------------------------------------------------------
    sign_in_as(page, "bob@avon.example.org")
    page.get_by_role("link", name=CAMPAIGN).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CAMPAIGN)
    expect(page.locator("#il-progress")).to_contain_text("0 of 238 questions answered")
    check_page(page, "assessment-answering-empty")

    # Sections fold away; the first one still to do is open. The section list opens the others.
    erp = Question.objects.get(version=campaign.template_version, code="financial-erp.pressing").section
    expect(page.locator(f"#section-{erp.pk}")).not_to_have_attribute("open", "")
    page.locator(".il-answer-nav").get_by_role("link", name=erp.title).click()
    expect(page.locator(f"#section-{erp.pk}")).to_have_attribute("open", "")
    pressing = _question(page, "financial-erp.pressing")
    pressing.get_by_text("4 — Serious concern").click()
    expect(pressing.locator(".il-status")).to_contain_text("Saved at")
    expect(page.locator("#il-progress")).to_contain_text("1 of 238 questions answered")

    cost = _question(page, "financial-erp.annual-cost")
    cost.get_by_role("textbox").fill("about twelve thousand")
    cost.get_by_role("textbox").blur()
    expect(cost.locator(".il-status")).to_contain_text("Not saved: Enter a number")
    cost.get_by_role("textbox").fill("12,500")
    cost.get_by_role("textbox").blur()
    expect(cost.locator(".il-status")).to_contain_text("Saved at")

    _question(page, "financial-erp.hosting").get_by_role("combobox").select_option("Vendor-hosted (SaaS)")
    expect(_question(page, "financial-erp.hosting").locator(".il-status")).to_contain_text("Saved at")
    contract = _question(page, "financial-erp.contract-end")
    contract.locator("input[type=date]").fill("2027-06-30")
    contract.locator("input[type=date]").blur()
    expect(contract.locator(".il-status")).to_contain_text("Saved at")
    system = _question(page, "financial-erp.system")
    system.get_by_role("textbox").fill("Tyler Munis 2019")
    expect(system.locator(".il-status")).to_contain_text("Saved at")  # saved while typing pauses
    barriers = _question(page, "general.barriers")
    barriers.get_by_text("Up-front cost").click()
    expect(barriers.locator(".il-status")).to_contain_text("Saved at")
    barriers.get_by_text("Staff capacity").click()
    expect(page.locator("#il-progress")).to_contain_text("6 of 238 questions answered")
    expect(page.locator(f"#section-count-{erp.pk}")).to_contain_text("5/11")
    expect(page.locator(f"#summary-count-{erp.pk}")).to_contain_text("5/11")

    page.get_by_text("Only in totals and averages (recommended)").click()
    page.get_by_text("By name, to the other members").click()
    expect(page.locator("#visibility-status")).to_contain_text("Saved at")
    pressing.scroll_into_view_if_needed()
    check_page(page, "assessment-answering-in-progress")

    avon = Response.objects.get(campaign=campaign, member__slug="avon-ct")
    stored = {a.question.code: a for a in Answer.objects.filter(response=avon).select_related("question")}
    assert stored["financial-erp.pressing"].num == 4.0
    assert stored["financial-erp.annual-cost"].num == 12500.0
    assert stored["financial-erp.system"].text == "Tyler Munis 2019"
    assert stored["general.barriers"].choices == ["Up-front cost", "Staff capacity"]
    assert avon.visibility == "named"

    # Submitting with required questions missing lists them; nothing is locked.
    page.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_role("heading", name="Required questions without an answer")).to_be_visible()
    check_page(page, "assessment-submit-missing")

    # The rest of the ratings were given earlier (say, in another sitting).
    ratings = {
        q.code: 3
        for q in Question.objects.filter(version=campaign.template_version, required=True).exclude(
            code__in=stored
        )
    }
    do_save_answers(avon, ratings, actor=None)
    page.reload()
    expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
    check_page(page, "assessment-submit-confirm")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".usa-alert--success").first).to_contain_text("were submitted")
    expect(page.get_by_text("The answers are locked")).to_be_visible()
    expect(page.locator("textarea, input[type=radio]")).to_have_count(0)
    check_page(page, "assessment-answering-submitted")
    avon.refresh_from_db()
    assert avon.status == Response.Status.SUBMITTED

    # --- Sam sees it on the progress page and may reopen it -------------------------------------------
    sign_in_as(page, "sam@capitol.example.org")
    page.goto(f"/assessment/campaigns/{campaign.pk}/progress/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has answered what")
    avon_row = page.locator("tr", has=page.get_by_role("link", name="Avon", exact=True))
    expect(avon_row).to_contain_text("Submitted")
    check_page(page, "assessment-campaign-progress-avon-submitted")
    avon_row.get_by_role("link", name="Avon", exact=True).click()
    page.get_by_role("link", name="Reopen for changes").click()
    page.locator("#id_reason").fill("Please check the ERP cost.")
    page.get_by_role("button", name="Reopen").click()
    expect(page.locator(".usa-alert--success").first).to_contain_text("are open again")
    avon.refresh_from_db()
    assert avon.status == Response.Status.IN_PROGRESS
