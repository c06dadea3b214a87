"""Procurement planning in a real browser: a round is opened, three members add demand, a
solicitation is issued from the round and published, and the public page lists it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interlocal.accounts.models import User
from interlocal.procurement.models import DemandEntry, DemandRound, Solicitation
from interlocal.tenancy.models import Membership
from tests.browser.conftest import check_page, sign_in_as
from tests.conftest import build_world
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> Any:
    world = build_world()
    # A third member's staff: Canton's.
    dan = User.objects.create_user(email="dan@canton.example", password=PASSWORD, full_name="Dan Canton")
    Membership.objects.create(user=dan, consortium=world.capitol, member=world.canton, role="member_staff")
    world.dan = dan
    return world


def _local(delta: dt.timedelta) -> str:
    return (timezone.localtime() + delta).strftime("%Y-%m-%dT%H:%M")


def _enter_demand(
    page: Any, who: Any, round_: DemandRound, rows: dict[int, tuple[str, str, str]], shot: str
) -> None:
    sign_in_as(page, who)
    page.goto(f"/procurement/rounds/{round_.pk}/")
    page.get_by_role("button", name="Join this round").click()
    page.get_by_role("link", name="Enter or change demand").click()
    for item in round_.items.order_by("line_number"):
        qty, price, place = rows.get(item.line_number, ("", "", ""))
        page.fill(f"input[name=item{item.pk}-quantity]", qty)
        page.fill(f"input[name=item{item.pk}-current_unit_price]", price)
        page.fill(f"input[name=item{item.pk}-delivery_location]", place)
    if shot:
        check_page(page, shot)
    page.get_by_role("button", name="Save demand").click()
    expect(page.locator(".usa-alert--success, .usa-alert")).to_contain_text("Your demand was saved")


def test_round_demand_and_solicitation(page: Any, world: Any) -> None:
    # Staff open a round with two items.
    sign_in_as(page, world.alice)
    page.goto("/procurement/rounds/")
    check_page(page, "procurement-rounds-empty")
    page.get_by_role("link", name="New demand round").click()
    page.fill("input[name=title]", "2027 road salt")
    page.fill("textarea[name=description]", "Winter 2027-28 de-icing salt.")
    page.fill("input[name=cut_off_at]", _local(dt.timedelta(days=14)))
    check_page(page, "procurement-round-form")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/procurement/rounds/\d+/$"))
    for description, unit, code in (("Road salt, bulk", "ton", "34927100-2"), ("Liquid brine", "gallon", "")):
        page.locator("summary", has_text="Add an item").click() if not page.locator(
            "details[open]"
        ).count() else None
        form = page.locator("form[action$='/items/']")
        form.locator("input[name=description]").fill(description)
        form.locator("input[name=unit]").fill(unit)
        if code:
            form.locator("select[name=classification_scheme]").select_option("CPV")
            form.locator("input[name=classification_code]").fill(code)
        form.get_by_role("button", name="Add item").click()
        expect(page.locator("main table").first).to_contain_text(description)
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator("h1")).to_contain_text("Open")
    round_ = DemandRound.objects.get(title="2027 road salt")
    assert round_.status == "open"

    # Three members add their demand.
    _enter_demand(
        page,
        world.bob,
        round_,
        {1: ("1200", "82.50", "Avon DPW yard"), 2: ("3000", "0.21", "Avon")},
        "procurement-round-demand-entry",
    )
    _enter_demand(page, world.carol, round_, {1: ("650", "88.00", "Bolton town garage")}, "")
    _enter_demand(page, world.dan, round_, {1: ("900", "85.75", "Canton highway yard")}, "")
    check_page(page, "procurement-round-member-view")
    assert DemandEntry.objects.filter(item__round=round_).count() == 4

    # Staff see the pooled demand and issue a solicitation from the round.
    sign_in_as(page, world.alice)
    page.goto(f"/procurement/rounds/{round_.pk}/")
    expect(page.locator("main")).to_contain_text("2,750")  # 1200 + 650 + 900 tons
    check_page(page, "procurement-round-detail-council")
    page.get_by_role("link", name="Aggregated demand (table, CSV)").click()
    check_page(page, "procurement-round-summary")
    page.goto(f"/procurement/rounds/{round_.pk}/")
    page.get_by_role("link", name="Issue a solicitation").click()
    page.fill("input[name=reference_number]", "IFB-2027-SALT")
    page.fill("input[name=submission_deadline]", _local(dt.timedelta(days=30)))
    page.fill("input[name=opening_at]", _local(dt.timedelta(days=30, hours=2)))
    page.fill("input[name=contact_email]", "sam@capitol.example.org")
    check_page(page, "procurement-solicitation-form")
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(re.compile(r"/procurement/solicitations/\d+/$"))
    expect(page.locator("main")).to_contain_text("2,750")
    check_page(page, "procurement-solicitation-draft")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("h1")).to_contain_text("Published")
    check_page(page, "procurement-solicitation-published")
    sol = Solicitation.objects.get(reference_number="IFB-2027-SALT")
    assert sol.status == "published" and sol.demand_round_id == round_.pk

    # Anyone reads it on the public page.
    page.context.clear_cookies()
    page.goto("/procurement/open/")
    expect(page.locator("main table")).to_contain_text("IFB-2027-SALT")
    check_page(page, "procurement-public-list")
    page.get_by_role("link", name="IFB-2027-SALT").click()
    expect(page.locator("main")).to_contain_text("Road salt, bulk")
    check_page(page, "procurement-public-detail")
