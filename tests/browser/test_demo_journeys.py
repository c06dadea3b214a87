"""Each demo persona reaches its main job only by clicking, starting from `/` (issue 12).

The demo leaves every persona one open task (see `interlocal demo`'s sign-in list). For each,
the browser loads `/` once after signing in, and every later page is reached by clicking a link
or a button on the page before: no `page.goto` after the first, per person. Screenshots of each
step are in test-artifacts/screenshots/ (journey-*).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from interlocal.accounts.models import User
from interlocal.assessment.default_template import install_standard_template
from interlocal.procurement.models import Solicitation
from interlocal.taxonomy.loader import load_standard_catalogue
from interlocal.tenancy.models import Membership
from interlocal.tenancy.roles import MFA_REQUIRED_ROLES
from tests.browser.conftest import check_page, sign_in_as
from tests.factories import enrol_totp

pytestmark = pytest.mark.browser

CAMPAIGN = "Regional IT needs assessment 2026"


@pytest.fixture
def demo(transactional_db: Any, settings: Any) -> None:
    # A flushed database has lost what migrations install (the catalogue, the standard workbook).
    load_standard_catalogue()
    install_standard_template()
    call_command("demo", "--load-only", "--no-migrate", stdout=io.StringIO())
    for person in User.objects.filter(memberships__role__in=MFA_REQUIRED_ROLES).distinct():
        enrol_totp(person)


def _start(page: Any, email: str) -> None:
    sign_in_as(page, email, goto="/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def _main(page: Any) -> Any:
    return page.locator("main")


def _member_staff_finish_their_answers(page: Any) -> None:
    _start(page, "bob@avon.example.org")
    _main(page).get_by_role("link", name=f"{CAMPAIGN} — Avon").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CAMPAIGN)
    expect(page.locator("#il-progress")).to_contain_text("questions answered")
    check_page(page, "journey-member-staff-answers")


def _member_staff_elsewhere_join_a_round_and_enter_demand(page: Any) -> None:
    _start(page, "quinn@airdrie.example.org")
    _main(page).get_by_role("link", name="2027 aerial imagery and LiDAR").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2027 aerial imagery and LiDAR")
    page.get_by_role("button", name="Join this round").click()
    expect(page.locator(".usa-alert--success")).to_be_visible()
    check_page(page, "journey-member-staff-round-joined")
    assert Membership.objects.filter(user__email="quinn@airdrie.example.org").exists()


def _council_staff_open_the_bids_with_a_witness(page: Any) -> None:
    _start(page, "sam@capitol.example.org")
    bids = _main(page).locator("a[href$='/bids/']", has_text="Copier paper 2027").first
    bids.click()
    expect(page.get_by_role("button", name="Open bids")).to_be_visible()
    page.get_by_label(re.compile("[Ww]itness")).select_option(label="Wes Whitfield (wes@capitol.example.org)")
    page.get_by_role("button", name="Open bids").click()
    expect(page.locator(".usa-alert--success")).to_be_visible()
    check_page(page, "journey-council-bids-opened")
    sol = Solicitation.objects.get(reference_number="IFB-2027-011")
    assert sol.status == Solicitation.Status.OPENED


def _vendor_acknowledges_the_addendum_and_reaches_the_bid_form(page: Any) -> None:
    _start(page, "vince@vendor.example.org")
    _main(page).get_by_role("link", name="Solicitations to bid on").click()
    _main(page).get_by_role("link", name="Laptops 2027").click()
    page.get_by_role("button", name="Acknowledge addendum 1").click()
    page.get_by_role("link", name="Submit a bid").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Laptops 2027")
    check_page(page, "journey-vendor-bid-form")


def _observer_reads_the_campaigns_benchmarks(page: Any) -> None:
    _start(page, "olga@capitol.example.org")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Needs assessments"
    ).click()
    _main(page).get_by_role("link", name=CAMPAIGN).click()
    _main(page).get_by_role("link", name=re.compile("Benchmarks")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Benchmarks")
    check_page(page, "journey-observer-benchmarks")


def _consortium_admin_reminds_the_late_members(page: Any) -> None:
    _start(page, "alice@capitol.example.org")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Needs assessments"
    ).click()
    _main(page).get_by_role("link", name=CAMPAIGN).click()
    page.get_by_role("button", name=re.compile("Remind")).first.click()
    expect(page.locator(".usa-alert--success")).to_be_visible()
    check_page(page, "journey-admin-reminded")


def test_each_demo_persona_reaches_its_open_task_by_clicking(page: Any, demo: None) -> None:
    """One demo load for all of them (loading it takes about 15 s); each persona starts at `/`."""
    _member_staff_finish_their_answers(page)
    _member_staff_elsewhere_join_a_round_and_enter_demand(page)
    _council_staff_open_the_bids_with_a_witness(page)
    _vendor_acknowledges_the_addendum_and_reaches_the_bid_form(page)
    _observer_reads_the_campaigns_benchmarks(page)
    _consortium_admin_reminds_the_late_members(page)
