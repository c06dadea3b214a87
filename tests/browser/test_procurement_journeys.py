"""Procurement journeys by clicking (issue 12): a vendor finds the bid form from the front door,
bids, and later finds the award and its contracts in its vendor area; staff go from the dashboard
to the bids, the opening, the tabulation and the award; the award notice is public.

Each person's visit starts with one page load (signing in lands on `/`, which leads to the
dashboard); every later page is reached by clicking a link or button on the page before. The
clock is moved by hand as in test_procurement_flow (the live server shares this process).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from interlocal.procurement.actions import do_submit_bid
from interlocal.procurement.models import Bid, Contract, Solicitation
from tests.browser.conftest import check_page, sign_in_as
from tests.clock import Clock
from tests.conftest import build_world
from tests.factories import PASSWORD
from tests.procurement.factories import make_joint_purchase, make_vendor

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> Any:
    return build_world()


def test_vendor_and_staff_reach_every_step_by_clicking(page, world, clock: Clock, django_user_model):
    clock.set(clock.real_now().replace(second=0, microsecond=0))
    t0 = clock.now
    jp = make_joint_purchase(world, title="2027 road salt", reference="IFB-2027-031")
    Solicitation.objects.filter(pk=jp.solicitation.pk).update(
        published_at=t0 - dt.timedelta(days=1),
        questions_deadline=None,
        submission_deadline=t0 + dt.timedelta(minutes=10),
        opening_at=t0 + dt.timedelta(minutes=12),
    )
    sol = Solicitation.objects.get(pk=jp.solicitation.pk)
    make_vendor("Acme Salt Co", world.vince, world.capitol)
    wendy = django_user_model.objects.create_user(
        email="wendy@brine.example", password=PASSWORD, full_name="Wendy"
    )
    make_vendor("Brine Brothers", wendy, world.capitol)
    # The other bidder bids through the same write path (not the journey under test).
    do_submit_bid(
        sol,
        acting_user=wendy,
        idempotency_key="brine",
        prices={jp.items[0].pk: "63.00", jp.items[1].pk: "0.18"},
    )

    # 1. Vince, from the front door, finds the solicitation and its bid form only by clicking.
    sign_in_as(page, world.vince, goto="/")
    expect(page.get_by_role("heading", name="Your bids and contracts")).to_be_visible()
    check_page(page, "journeys-01-vendor-dashboard")
    page.get_by_role("link", name="Solicitations to bid on").click()
    page.get_by_role("link", name="IFB-2027-031").click()
    expect(page.get_by_role("heading", name="Your bid")).to_be_visible()
    check_page(page, "journeys-02-vendor-solicitation")
    page.get_by_role("link", name="Submit a bid").click()
    page.fill(f"input[name='price_{jp.items[0].pk}']", "61.37")
    page.fill(f"input[name='price_{jp.items[1].pk}']", "0.29")
    page.get_by_role("button", name="Seal and submit bid").click()
    expect(page.locator("main")).to_contain_text("Sealed until the opening")
    bid = Bid.objects.get(vendor__name="Acme Salt Co", solicitation=sol)
    # Back on the solicitation, the button now replaces the bid.
    page.get_by_role("link", name="My bids").first.click()
    expect(page.locator("main")).to_contain_text(bid.receipt)
    expect(page.locator("main")).to_contain_text("Sealed (waiting for the opening)")
    check_page(page, "journeys-03-my-bids-sealed")
    page.get_by_role("link", name="IFB-2027-031 2027 road salt").click()
    expect(page.get_by_role("link", name="Replace your bid")).to_be_visible()
    page.context.clear_cookies()

    # 2. Sam, from the dashboard: the solicitation, then Open bids with a witness.
    clock.set(sol.opening_at)
    sign_in_as(page, world.sam)
    page.locator(".usa-card", has_text="Joint purchasing").get_by_role("link", name="Solicitations").click()
    page.get_by_role("link", name="IFB-2027-031").click()
    check_page(page, "journeys-04-staff-solicitation-due")
    page.locator("#bidding-heading").locator("..").get_by_role("link", name="Open bids").click()
    page.get_by_label("Witness").select_option(str(world.alice.pk))
    page.get_by_role("button", name="Open bids").click()
    expect(page.get_by_role("heading", name="Tabulation")).to_be_visible()
    sol.refresh_from_db()
    assert sol.status == Solicitation.Status.OPENED

    # 3. Back to the solicitation: Tabulation, then Award.
    page.get_by_role("link", name="IFB-2027-031").click()
    check_page(page, "journeys-05-staff-solicitation-opened")
    page.locator("#bidding-heading").locator("..").get_by_role("link", name="Tabulation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bid tabulation")
    expect(page.locator("main")).to_contain_text("61.37")
    check_page(page, "journeys-06-tabulation")
    page.get_by_role("link", name="IFB-2027-031").click()
    page.locator("#bidding-heading").locator("..").get_by_role("link", name="Award", exact=True).click()
    page.fill("#id_start_date", "2027-07-01")
    page.fill("#id_end_date", "2028-06-30")
    page.get_by_role("button", name="Award and create contracts").click()
    expect(page).to_have_url(re.compile(r"/procurement/contracts/"))
    sol.refresh_from_db()
    assert sol.status == Solicitation.Status.AWARDED
    # The solicitation now leads to its contracts and savings.
    page.locator("nav.il-sidenav").get_by_role("link", name="Solicitations", exact=True).click()
    page.get_by_role("link", name="IFB-2027-031").click()
    box = page.locator("#bidding-heading").locator("..")
    expect(box.get_by_role("link", name="Contracts")).to_be_visible()
    expect(box.get_by_role("link", name="Savings")).to_be_visible()
    check_page(page, "journeys-07-staff-solicitation-awarded")
    page.context.clear_cookies()

    # 4. Vince finds what he won under My awards and My contracts, and the public notice.
    clock.advance(minutes=2)
    sign_in_as(page, world.vince, goto="/")
    page.get_by_role("link", name="My awards").first.click()
    expect(page.locator("main")).to_contain_text("Road salt, bulk")
    expect(page.locator("main")).to_contain_text("61.37")
    check_page(page, "journeys-08-my-awards")
    page.locator("main").get_by_role("link", name="My contracts").click()
    acme = Contract.objects.filter(vendor__name="Acme Salt Co")
    assert acme.filter(kind=Contract.Kind.MASTER).count() == 1
    master = acme.get(kind=Contract.Kind.MASTER)
    expect(page.locator("main")).to_contain_text(master.reference)
    check_page(page, "journeys-09-my-contracts")
    page.get_by_role("link", name=master.reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(master.title)
    check_page(page, "journeys-10-my-contract")
    page.locator("nav.il-sidenav").get_by_role("link", name="My contracts").click()
    page.locator("main").get_by_role("link", name="My awards").click()
    page.get_by_role("link", name="IFB-2027-031 2027 road salt").first.click()
    notice = page.locator("#award")
    expect(notice).to_contain_text("Awarded to Acme Salt Co")
    expect(notice).to_contain_text("Awarded to Brine Brothers")
    expect(notice).to_contain_text("Opened bids")
    check_page(page, "journeys-11-public-award-notice")
