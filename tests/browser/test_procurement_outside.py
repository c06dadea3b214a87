"""Issue 5, piggybacking by other public bodies and the council's vendor page, in a real browser.

The joint purchase is set up with the frozen test clock (bids, opening,
award); the clock is then given back, so sessions and sign-in work on real time while the people
browse. The council opens the master contract to outside bodies; staff of the City of Airdrie (a
member of another consortium on this installation) find it among the cooperative contracts, join
it and see their own contract; the council sees Airdrie among the users, marked as outside; the
council suspends a vendor with a reason.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from interlocal.procurement.models import Contract, Vendor
from interlocal.tenancy.models import Membership
from tests.browser.conftest import check_page, sign_in_as
from tests.clock import Clock
from tests.conftest import build_world
from tests.factories import PASSWORD
from tests.procurement.factories import make_awarded_purchase

pytestmark = pytest.mark.browser

TITLE = "2027 road salt"


@pytest.fixture
def world(transactional_db: Any) -> Any:
    return build_world()


def test_an_outside_public_body_piggybacks_and_the_council_suspends_a_vendor(
    page: Any, world: Any, clock: Clock
) -> None:
    jp, acme, master = make_awarded_purchase(world, clock, title=TITLE)
    clock.resume()
    from django.contrib.auth import get_user_model

    dave = get_user_model().objects.create_user(
        email="dave@airdrie.example", password=PASSWORD, full_name="Dave Airdrie"
    )
    Membership.objects.create(user=dave, consortium=world.prairies, member=world.airdrie, role="member_staff")

    # The council opens the master contract to public bodies outside the consortium.
    sign_in_as(page, world.sam)
    page.goto(f"/procurement/contracts/{master.pk}/")
    page.locator("label[for=id_allow_other_public_bodies]").click()  # USWDS styles the label
    page.get_by_role("button", name="Save who may join").click()
    expect(page.locator("main")).to_contain_text("Yes")
    master.refresh_from_db()
    assert master.allow_other_public_bodies
    page.context.clear_cookies()

    # Airdrie's staff find it among the cooperative contracts and join it.
    sign_in_as(page, dave)
    page.goto("/procurement/contracts/cooperative/")
    expect(page.locator("main")).to_contain_text(TITLE)
    check_page(page, "procurement-outside-01-cooperative-contracts")
    page.get_by_role("link", name=master.reference).first.click()
    expect(page.locator("main")).not_to_contain_text("Avon")  # who else buys stays inside
    page.get_by_role("link", name="Join this contract (piggyback)").click()
    item = jp.items[0]
    page.fill(f"input[name='qty_{item.pk}']", "40")
    page.fill(f"input[name='prev_{item.pk}']", "77.50")
    check_page(page, "procurement-outside-02-join-form")
    page.get_by_role("button", name="Join contract").click()
    expect(page.locator("main")).to_contain_text("Member contract (piggyback)")
    expect(page.locator("main")).to_contain_text("City of Airdrie")
    check_page(page, "procurement-outside-03-own-contract")
    own = Contract.objects.get(member=world.airdrie)
    assert own.kind == Contract.Kind.PIGGYBACK and own.master_id == master.pk
    page.context.clear_cookies()

    # The council sees Airdrie among the users of the master, marked as outside the consortium.
    sign_in_as(page, world.sam)
    page.goto(f"/procurement/contracts/{master.pk}/")
    expect(page.locator("main")).to_contain_text("City of Airdrie")
    expect(page.locator("main")).to_contain_text("Outside the consortium")
    check_page(page, "procurement-outside-04-master-users")

    # …and suspends a vendor, with a reason.
    page.goto("/procurement/vendors/")
    check_page(page, "procurement-outside-05-vendors")
    page.goto(f"/procurement/vendors/{acme.pk}/")
    page.fill("textarea[name=reason]", "Certificate of insurance lapsed.")
    page.get_by_role("button", name="Suspend vendor").click()
    expect(page.locator("main")).to_contain_text("Suspended")
    check_page(page, "procurement-outside-06-vendor-suspended")
    acme.refresh_from_db()
    assert acme.status == Vendor.Status.SUSPENDED
