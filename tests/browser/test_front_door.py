"""The public front door in a real browser: a visitor clicks from `/` to an open solicitation's
public page, to vendor registration, to the open contracting data and to sign-in; a signed-in
person lands on the dashboard and reaches the front door from the footer. axe-core on each page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from interlocal.procurement.models import Solicitation
from tests.browser.conftest import check_page, sign_in_as
from tests.clock import Clock
from tests.conftest import build_world
from tests.procurement.factories import make_awarded_purchase, make_solicitation

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> Any:
    return build_world()


@pytest.fixture
def published(world: Any, clock: Clock) -> dict[str, Any]:
    """Open solicitations in both consortia, an award in Capitol Region and a draft; then real time."""
    jp, _vendor, _master = make_awarded_purchase(world, clock, title="2027 road salt")
    laptops = make_solicitation(world.capitol, reference_number="IFB-2027-014", title="Laptops 2027")
    switches = make_solicitation(
        world.prairies,
        reference_number="RFQ-2027-003",
        title="Network switches and wireless access points",
        method=Solicitation.Method.RFQ,
    )
    make_solicitation(
        world.capitol, reference_number="IFB-2027-099", title="Unpublished copiers", status="draft"
    )
    clock.resume()
    return {"laptops": laptops, "switches": switches, "awarded": jp.solicitation}


def test_a_visitor_finds_solicitations_vendor_registration_open_data_and_sign_in(
    page: Any, published: dict[str, Any]
) -> None:
    page.goto("/")
    main = page.locator("main")
    expect(main).to_contain_text("Capitol Region IT Service Sharing")
    expect(main).to_contain_text("MISA Prairies Regional Collaboration")
    expect(main).to_contain_text("Network switches and wireless access points")
    expect(main.locator('[data-section="procurement.awards"]')).to_contain_text("2027 road salt")
    expect(main).not_to_contain_text("Unpublished copiers")
    check_page(page, "front-door")

    # An open solicitation's public page.
    main.get_by_role("link", name="Laptops 2027").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Laptops 2027")
    assert page.url.endswith(f"/procurement/open/{published['laptops'].pk}/")

    # An award links to the public page of its solicitation.
    page.goto("/")
    page.locator('[data-section="procurement.awards"]').get_by_role("link", name="2027 road salt").click()
    assert page.url.endswith(f"/procurement/open/{published['awarded'].pk}/")

    # Vendor registration.
    page.goto("/")
    page.get_by_role("link", name="Register as a vendor").click()
    assert "/procurement/vendors/register/" in page.url
    expect(page.locator("form")).not_to_have_count(0)

    # The open contracting data.
    page.goto("/")
    page.get_by_role("link", name="Open contracting data (OCDS)").click()
    assert "/procurement/open/data/" in page.url
    expect(page.locator("main")).to_contain_text("MISA Prairies Regional Collaboration")

    # The API documents.
    page.goto("/")
    page.get_by_role("link", name="API documentation").click()
    assert page.url.endswith("/api/v1/docs")

    # Sign-in.
    page.goto("/")
    page.locator("main").get_by_role("link", name="Sign in").first.click()
    assert "/accounts/login/" in page.url
    expect(page.locator("input[name=login]")).to_be_visible()


def test_the_front_door_on_a_phone(page: Any, published: dict[str, Any]) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    expect(page.locator("main")).to_contain_text("Laptops 2027")
    check_page(page, "front-door-phone")


def test_signed_in_people_land_on_the_dashboard_and_find_the_front_door_in_the_footer(
    page: Any, world: Any, published: dict[str, Any]
) -> None:
    sign_in_as(page, world.bob, goto="/")
    assert page.url.endswith("/dashboard/")
    page.locator("footer").get_by_role("link", name="Public front door").click()
    assert page.url.endswith("/public/")
    expect(page.locator("main")).to_contain_text("Laptops 2027")
    expect(page.get_by_role("link", name="Go to your dashboard")).to_be_visible()
    check_page(page, "front-door-signed-in")
