"""The audit trail in a real browser: a consortium admin reads, filters and opens events."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from interlocal.tenancy.actions import do_update_member
from tests.browser.conftest import check_page, sign_in_as
from tests.conftest import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> Any:
    return build_world()


def test_alice_reads_the_audit_trail_and_an_event_with_its_changes(page, world):
    do_update_member(world.avon, acting_user=world.ada, population=19500)
    sign_in_as(page, world.alice)

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Audit trail")
    expect(page.locator("table tbody")).to_contain_text("tenancy.member.updated")
    check_page(page, "audit-trail")

    page.locator("table tbody tr", has_text="tenancy.member.updated").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/audit/\d+/$"))
    expect(page.locator("main")).to_contain_text("18900")
    expect(page.locator("main")).to_contain_text("19500")
    check_page(page, "audit-event-detail")


def test_member_staff_is_refused_the_audit_trail(page, world):
    sign_in_as(page, world.bob)
    response = page.goto("/audit/")
    assert response is not None and response.status == 403
    check_page(page, "audit-trail-refused")
