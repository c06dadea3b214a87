"""Time zones in a real browser: an Alberta solicitation shows its deadlines in Mountain Time with
the zone's name, a viewer in Ontario sees their own time beside them, the countdown is live; the
consortium admin finds and changes the consortium's zone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import check_page, sign_in_as
from tests.conftest import build_world
from tests.procurement.factories import make_solicitation

pytestmark = pytest.mark.browser

EDMONTON = ZoneInfo("America/Edmonton")


@pytest.fixture
def world(transactional_db: Any) -> Any:
    return build_world()


def _next_january_15() -> dt.datetime:
    """5:00 PM on the next 15 January in Alberta: always in the future and always in MST."""
    year = timezone.now().astimezone(EDMONTON).year + 1
    return dt.datetime(year, 1, 15, 17, 0, tzinfo=EDMONTON)


def test_an_alberta_solicitation_shows_mountain_time_and_a_live_countdown(page: Any, world: Any) -> None:
    deadline = _next_january_15()
    make_solicitation(
        world.prairies,
        reference_number="RFP-AB-2027-01",
        title="Road salt for the Prairies",
        currency="CAD",
        submission_deadline=deadline,
        opening_at=deadline + dt.timedelta(hours=17),
        status="published",
        published_at=timezone.now(),
    )
    world.vince.time_zone = "America/Toronto"
    world.vince.save(update_fields=["time_zone"])

    # Anyone: the public list, then the solicitation.
    page.goto("/procurement/open/")
    page.get_by_role("link", name=re.compile("Road salt for the Prairies")).first.click()
    facts = page.locator(".il-facts")
    expect(facts).to_contain_text(f"15 Jan {deadline.year}, 5:00 PM MST")
    expect(facts).to_contain_text("(America/Edmonton)")
    expect(facts).not_to_contain_text("your time")
    countdown = page.locator(".il-countdown")
    expect(countdown).to_have_text(re.compile(r"^Closes in \d+ days?( \d+ hours?)?$"))
    assert countdown.get_attribute("data-countdown-until") == deadline.astimezone(dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    check_page(page, "time-zones-public-solicitation")
    # The script keeps it live: once the deadline has passed (moved into the past here) it says so.
    page.evaluate(
        """() => {
          const el = document.querySelector('.il-countdown');
          el.setAttribute('data-countdown-until', new Date(Date.now() - 1000).toISOString());
          document.dispatchEvent(new Event('htmx:afterSwap'));
        }"""
    )
    expect(countdown).to_have_text("Closed")

    # A vendor who chose Ontario's zone sees their own time beside Alberta's.
    sign_in_as(page, world.vince, goto=None)
    page.goto("/procurement/open/")
    page.get_by_role("link", name=re.compile("Road salt for the Prairies")).first.click()
    expect(facts).to_contain_text("5:00 PM MST")
    expect(facts).to_contain_text("— 7:00 PM EST your time")
    check_page(page, "time-zones-viewer-zone")


def test_the_admin_changes_the_consortiums_zone(page: Any, world: Any) -> None:
    sign_in_as(page, world.pat)
    page.get_by_role("link", name="Consortium", exact=True).first.click()
    expect(page.locator("main")).to_contain_text("America/Edmonton")
    page.get_by_role("link", name="Change the consortium's settings").click()
    select = page.get_by_label("Time zone")
    expect(select).to_have_value("America/Edmonton")
    check_page(page, "time-zones-consortium-settings")
    select.select_option("America/Regina")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".usa-alert")).to_contain_text("The consortium's settings were saved")
    expect(page.locator("main")).to_contain_text("America/Regina")
    world.prairies.refresh_from_db()
    assert world.prairies.time_zone == "America/Regina"
