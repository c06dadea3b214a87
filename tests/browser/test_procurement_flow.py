"""Acceptance (issue 5): a joint purchase in a real browser, with a frozen clock.

Staff open a demand round, three members add demand, staff publish a solicitation, two vendors
bid, the "Open bids" button (with a witness) refuses before the opening and opens at the set time, staff award,
each member gets its contract, a fourth member piggybacks, and the savings dashboard shows.

The clock: the live server runs in this process (another thread), so the test replaces
`django.utils.timezone.now` for the whole process with a clock it moves by hand. It starts at the
real time (sessions and one-time codes keep working) and moves forward a few minutes at a time,
inside the 30-minute idle limit of sessions.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interlocal.procurement.models import Bid, Contract, DemandRound, Solicitation
from interlocal.tenancy.models import ConsortiumMember, Member, Membership
from tests.browser.conftest import check_page, sign_in_as
from tests.clock import Clock
from tests.conftest import build_world
from tests.factories import PASSWORD
from tests.procurement.factories import make_vendor

pytestmark = pytest.mark.browser

MAIN_SUBMIT = "main form[method=post] button[type=submit]"


@pytest.fixture
def world(transactional_db: Any) -> Any:
    return build_world()


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _person(email: str, name: str, member: Member, consortium: Any) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(email=email, password=PASSWORD, full_name=name)
    Membership.objects.create(user=user, consortium=consortium, member=member, role="member_staff")
    return user


def _sign_out(page: Any) -> None:
    page.context.clear_cookies()


def _enter_demand(page: Any, user: Any, round_: DemandRound, rows: list[tuple[str, str]], shot: str) -> None:
    sign_in_as(page, user)
    page.goto(f"/procurement/rounds/{round_.pk}/")
    join = page.get_by_role("button", name="Join this round")
    if join.count():
        join.click()
    page.get_by_role("link", name="Enter or change demand").click()
    for item, (quantity, price) in zip(round_.items.order_by("line_number"), rows, strict=True):
        page.fill(f"input[name='item{item.pk}-quantity']", quantity)
        page.fill(f"input[name='item{item.pk}-current_unit_price']", price)
    check_page(page, shot)
    page.get_by_role("button", name="Save demand").click()
    page.wait_for_load_state("load")
    _sign_out(page)


def _bid(page: Any, user: Any, sol: Solicitation, prices: list[str], shot: str) -> None:
    sign_in_as(page, user)
    page.goto(f"/procurement/solicitations/{sol.pk}/bid/")
    for item, price in zip(sol.items.order_by("line_number"), prices, strict=True):
        page.fill(f"input[name='price_{item.pk}']", price)
    check_page(page, f"{shot}-form")
    page.get_by_role("button", name="Seal and submit bid").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bid ")
    expect(page.locator("main")).to_contain_text("Sealed until the opening")
    check_page(page, shot)
    _sign_out(page)


def test_joint_purchase_from_round_to_savings(page, world, clock: Clock):
    clock.set(clock.real_now().replace(second=0, microsecond=0))
    t0 = clock.now
    capitol = world.capitol
    cathy = _person("cathy@canton.example", "Cathy Canton", world.canton, capitol)
    dover = Member.objects.create(name="Dover", slug="dover-ct", region="CT", population=6000)
    ConsortiumMember.objects.create(consortium=capitol, member=dover)
    dora = _person("dora@dover.example", "Dora Dover", dover, capitol)
    make_vendor("Acme Salt Co", world.vince, capitol)
    from django.contrib.auth import get_user_model

    wendy = get_user_model().objects.create_user(
        email="wendy@brine.example", password=PASSWORD, full_name="Wendy"
    )
    make_vendor("Brine Brothers", wendy, capitol)

    # 1. Staff open a demand round with two items.
    sign_in_as(page, world.sam)
    page.goto("/procurement/rounds/new/")
    page.fill("#id_title", "2027 road salt")
    page.fill("#id_cut_off_at", _local(t0 + dt.timedelta(minutes=5)))
    page.locator(MAIN_SUBMIT).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2027 road salt")
    for description, unit in (("Road salt, bulk", "ton"), ("Treated salt", "ton")):
        if not page.locator("#id_description").is_visible():
            page.get_by_text("Add an item").click()  # the form folds away once the round has items
        page.fill("#id_description", description)
        page.fill("#id_unit", unit)
        page.get_by_role("button", name="Add item").click()
        page.wait_for_load_state("load")
    page.get_by_role("button", name="Open the round").click()
    page.wait_for_load_state("load")
    round_ = DemandRound.objects.get(title="2027 road salt")
    assert round_.status == DemandRound.Status.OPEN and round_.items.count() == 2
    check_page(page, "procurement-flow-01-round-opened")
    _sign_out(page)

    # 2. Three members add their demand and what they pay today.
    _enter_demand(
        page, world.bob, round_, [("1200", "82.50"), ("150", "104.00")], "procurement-flow-02-demand-avon"
    )
    _enter_demand(
        page, world.carol, round_, [("650", "88.00"), ("40", "109.00")], "procurement-flow-03-demand-bolton"
    )
    _enter_demand(
        page, cathy, round_, [("900", "85.75"), ("80", "109.50")], "procurement-flow-04-demand-canton"
    )
    assert round_.items.first().entries.count() == 3

    # 3. Staff issue and publish the solicitation (deadline in 10 minutes, opening in 15).
    clock.advance(minutes=6)  # past the round's cut-off
    sign_in_as(page, world.sam)
    page.goto(f"/procurement/rounds/{round_.pk}/")
    page.get_by_role("link", name="Issue a solicitation").click()
    page.fill("#id_reference_number", "IFB-2027-001")
    page.fill("#id_title", "2027 road salt")
    page.fill("#id_submission_deadline", _local(t0 + dt.timedelta(minutes=16)))
    page.fill("#id_opening_at", _local(t0 + dt.timedelta(minutes=21)))
    page.locator(MAIN_SUBMIT).first.click()
    page.wait_for_load_state("load")
    sol = Solicitation.objects.get(reference_number="IFB-2027-001")
    assert sol.items.count() == 2
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state("load")
    sol.refresh_from_db()
    assert sol.status == Solicitation.Status.PUBLISHED, page.locator("main").inner_text()[:500]
    check_page(page, "procurement-flow-05-solicitation-published")
    _sign_out(page)

    # 4. Two vendors bid; nobody can read the prices yet.
    _bid(page, world.vince, sol, ["61.50", "95.00"], "procurement-flow-06-bid-acme")
    _bid(page, wendy, sol, ["63.00", "92.25"], "procurement-flow-07-bid-brine")
    assert Bid.objects.filter(solicitation=sol, status="submitted").count() == 2

    # 5. "Open bids" refuses before the opening time, and opens at it.
    sign_in_as(page, world.sam)
    page.goto(f"/procurement/solicitations/{sol.pk}/bids/")
    expect(page.locator("main")).not_to_contain_text("61.50")
    # Two people open: sam, with alice as the witness (security issue 11).
    page.get_by_label("Witness").select_option(str(world.alice.pk))
    page.get_by_role("button", name="Open bids").click()
    expect(page.locator(".usa-alert")).to_contain_text("Bids open at")
    check_page(page, "procurement-flow-08-open-refused")
    clock.set(sol.opening_at)
    page.get_by_label("Witness").select_option(str(world.alice.pk))
    page.get_by_role("button", name="Open bids").click()
    expect(page.get_by_role("heading", name="Tabulation")).to_be_visible()
    expect(page.locator("main")).to_contain_text("61.50")
    check_page(page, "procurement-flow-09-tabulation")

    # 6. Award (split: salt to Acme, treated salt to Brine) and the contracts per member.
    page.get_by_role("link", name="Award…").click()
    page.fill("#id_start_date", "2027-07-01")
    page.fill("#id_end_date", "2028-06-30")
    page.fill("#id_renewals_allowed", "2")
    check_page(page, "procurement-flow-10-award")
    page.get_by_role("button", name="Award and create contracts").click()
    expect(page).to_have_url(re.compile(r"/procurement/contracts/"))
    assert Contract.objects.filter(solicitation=sol, kind="member").count() == 6  # 3 towns x 2 vendors
    expect(page.locator("#contracts-table tbody tr")).to_have_count(8)
    check_page(page, "procurement-flow-11-contracts")
    _sign_out(page)

    # 7. Avon sees its own contract; a fourth member (Dover) piggybacks on the salt contract.
    sign_in_as(page, world.bob)
    avon = Contract.objects.get(solicitation=sol, member=world.avon, vendor__name="Acme Salt Co")
    page.goto(f"/procurement/contracts/{avon.pk}/")
    expect(page.locator("main")).to_contain_text("82.5")
    check_page(page, "procurement-flow-12-avon-contract")
    _sign_out(page)
    master = Contract.objects.get(solicitation=sol, kind="master", vendor__name="Acme Salt Co")
    sign_in_as(page, dora)
    page.goto(f"/procurement/contracts/{master.pk}/")
    page.get_by_role("link", name="Join this contract (piggyback)").click()
    item = sol.items.get(line_number=1)
    page.fill(f"input[name='qty_{item.pk}']", "300")
    page.fill(f"input[name='prev_{item.pk}']", "90.00")
    check_page(page, "procurement-flow-13-piggyback-form")
    page.get_by_role("button", name="Join contract").click()
    expect(page.locator("main")).to_contain_text("Member contract (piggyback)")
    page.goto(f"/procurement/contracts/{master.pk}/")
    expect(page.locator("main")).to_contain_text("Dover")
    check_page(page, "procurement-flow-14-master-users")
    _sign_out(page)

    # 8. The savings dashboard.
    sign_in_as(page, world.sam)
    page.goto("/procurement/savings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Procurement savings")
    expect(
        page.locator("[data-vega-spec='savings-spec'] svg, [data-vega-spec='savings-spec'] canvas").first
    ).to_be_visible()
    expect(page.locator("main")).to_contain_text("IFB-2027-001")
    check_page(page, "procurement-flow-15-savings")
