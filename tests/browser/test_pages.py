"""User flows in a real browser, with axe-core on every page and a screenshot of each."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from interlocal.tenancy.models import Membership
from tests.browser.conftest import check_page, sign_in, sign_in_as, totp_code, totp_secret_of
from tests.conftest import build_world
from tests.factories import PASSWORD, ConsortiumMemberFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> Any:
    return build_world()


def test_home_and_sign_in_page(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Share municipal services")
    check_page(page, "home")
    page.get_by_role("link", name="Sign in").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    check_page(page, "sign-in")


def test_alice_signs_in_with_totp_and_opens_each_page(page, world):
    sign_in(page, world.alice.email, PASSWORD, totp_secret=totp_secret_of(world.alice))
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.locator(".il-context-bar")).to_contain_text("Capitol Region IT Service Sharing")
    check_page(page, "dashboard-consortium-admin")

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Consortium").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Capitol Region IT Service Sharing")
    check_page(page, "consortium-overview")

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Members").click()
    expect(page.locator("#members-table tbody tr")).to_have_count(3)
    check_page(page, "member-directory")

    page.get_by_role("link", name="Avon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Avon")
    check_page(page, "member-detail")

    page.get_by_role("link", name="Edit profile").click()
    page.fill("#id_population", "-5")
    page.fill("#id_name", "")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".usa-form-group--error")).to_have_count(2)
    check_page(page, "member-edit-errors")
    page.fill("#id_name", "Town of Avon")
    page.fill("#id_population", "19000")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Town of Avon")
    check_page(page, "member-detail-saved")

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="People and roles"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People and roles")
    check_page(page, "people")

    page.get_by_role("link", name=re.compile(r"Revoke the role Member staff of Bob Avon")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke a role")
    check_page(page, "revoke-confirm")
    page.get_by_role("button", name="Revoke role").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Bob Avon")
    assert not Membership.objects.filter(user=world.bob).exists()

    page.goto("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_page(page, "error-404")


def test_member_directory_filters_with_htmx(page, world):
    for n in range(30):
        ConsortiumMemberFactory(consortium=world.capitol, member=MemberFactory(name=f"Town {n:02d}"))
    sign_in_as(page, world.alice, goto="/members/")
    expect(page.locator("#members-table tbody tr")).to_have_count(25)
    expect(page.get_by_role("navigation", name=re.compile("Pages of"))).to_be_visible()

    # Typing in the search box refreshes only the table, and the address keeps the filter.
    page.get_by_label("Search by name or region").fill("Bolton")
    expect(page.locator("#members-table tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=Bolton"))
    page.get_by_label("Search by name or region").fill("")
    expect(page.locator("#members-table tbody tr")).to_have_count(25)

    page.get_by_role("link", name=re.compile(r"^Population")).click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Population")
    page.get_by_role("link", name="Page 2").click()
    expect(page.locator("#members-table tbody tr")).to_have_count(8)
    expect(page).to_have_url(re.compile(r"page=2"))
    # Keyboard focus stays with the table, and the new summary is announced.
    expect(page.locator("#members-table [role=status]")).to_be_focused()
    expect(page.locator("#il-live")).to_contain_text("Showing 26–33 of 33 rows")
    check_page(page, "member-directory-page-2")

    page.get_by_label("Kind").select_option("city")
    expect(page.locator("#members-table tbody")).to_contain_text("No members match these filters.")
    check_page(page, "member-directory-empty")


def test_observer_gets_a_helpful_403(page, world):
    sign_in_as(page, world.olga, goto=f"/members/{world.avon.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You may not do this")
    check_page(page, "error-403")


def test_switch_consortium(page, world):
    Membership.objects.create(user=world.pat, consortium=world.capitol, role="observer")
    sign_in_as(page, world.pat)
    bar = page.locator(".il-context-bar")
    expect(bar).to_contain_text("Capitol Region IT Service Sharing")
    page.get_by_label("Act for").select_option(label="MISA Prairies Regional Collaboration")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("MISA Prairies")
    expect(bar).to_contain_text("MISA Prairies Regional Collaboration")
    page.goto("/members/")
    expect(page.locator("#members-table tbody tr")).to_have_count(1)
    expect(page.locator("#members-table tbody")).to_contain_text("City of Airdrie")
    check_page(page, "member-directory-after-switch")


def test_new_member_admin_enrols_mfa(page, world):
    newcomer = UserFactory(email="nora@avon.example", full_name="Nora Newcomer")
    Membership.objects.create(user=newcomer, consortium=world.capitol, member=world.avon, role="member_admin")
    sign_in(page, newcomer.email, PASSWORD)
    # The role requires MFA, so the site sends her to set up an authenticator app first.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    check_page(page, "mfa-activate")
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    page.fill("input[name=code]", totp_code(secret))
    page.locator("form:has(input[name=code]) button[type=submit]:not([form])").first.click()
    page.wait_for_load_state("load")
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.locator("[data-card='tenancy.member']")).to_contain_text("Avon")
    check_page(page, "dashboard-member-admin")


def test_sign_out(page, world):
    sign_in_as(page, world.bob)
    check_page(page, "dashboard-member-staff")
    page.get_by_role("button", name=re.compile("Account menu for")).click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_small_screen_menu(page, world):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_as(page, world.bob)
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    # The side navigation moves into the menu on small screens.
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_hidden()
    check_page(page, "dashboard-small-screen")
    menu.click()
    expect(
        page.get_by_role("navigation", name="Site menu").get_by_role("link", name="Members")
    ).to_be_visible()
    check_page(page, "menu-small-screen")
    expect(page.get_by_role("button", name="Close")).to_be_visible()
    page.get_by_role("navigation", name="Site menu").get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    check_page(page, "member-directory-small-screen")


@pytest.mark.parametrize("template", ["500.html", "403_csrf.html"])
def test_static_error_pages(page, live_server, template):
    from django.template import engines

    html = engines["django"].get_template(template).render({})
    page.goto("/healthz")  # a same-origin page, so the error page's /static/ links resolve
    page.set_content(html, wait_until="load")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page, "error-" + template.removesuffix(".html").replace("_", "-"))
