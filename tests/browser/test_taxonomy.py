"""The service taxonomy in a real browser: staff map a queued term once, and it matches next time."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from interlocal.taxonomy.actions import do_resolve_term
from interlocal.taxonomy.loader import load_standard_catalogue
from interlocal.taxonomy.models import UnmatchedTerm
from interlocal.taxonomy.queries import match_term
from tests.browser.conftest import check_page, sign_in_as
from tests.conftest import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> Any:
    load_standard_catalogue()  # a flushed database has lost the migration's rows
    return build_world()


def test_staff_map_a_queued_term_and_it_matches_next_time(page, world):
    for _ in range(3):
        do_resolve_term(world.capitol, "Snow plowing", source="assessment.import")
    do_resolve_term(world.capitol, "Laserfish vault scanning", source="costing.upload")
    do_resolve_term(world.capitol, "N/A", source="assessment.import")
    sign_in_as(page, world.sam)

    expect(page.locator("main")).to_contain_text("Terms to review")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(page.locator("table tbody")).to_contain_text("Snow plowing")
    expect(page.locator("table tbody")).to_contain_text("assessment.import (3)")
    check_page(page, "taxonomy-review-queue")

    page.locator("table tbody tr", has_text="Snow plowing").get_by_role("link", name="Snow plowing").click()
    expect(page).to_have_url(re.compile(r"/taxonomy/review/\d+/$"))
    check_page(page, "taxonomy-term")
    page.get_by_label("Service area").select_option(label="Fleet")
    page.get_by_role("button", name="Map term").click()

    expect(page).to_have_url(re.compile(r"/taxonomy/review/$"))
    expect(page.locator(".usa-alert")).to_contain_text("now maps to Fleet")
    expect(page.locator("table tbody")).not_to_contain_text("Snow plowing")
    check_page(page, "taxonomy-review-queue-after-mapping")

    term = UnmatchedTerm.objects.get(normalized="snow plowing")
    assert (term.status, term.area.code) == ("mapped", "fleet")
    assert match_term(world.capitol, "snow-plowing").area.code == "fleet"

    # The catalogue shows the new synonym on the area's page, and "Try a term" matches it.
    page.goto("/taxonomy/?term=Snow+Plowing")
    expect(page.locator(".usa-summary-box")).to_contain_text("Matches Fleet")
    check_page(page, "taxonomy-catalogue")
    page.goto(f"/taxonomy/areas/{term.area.pk}/")
    expect(page.locator("main")).to_contain_text("Snow plowing")
    check_page(page, "taxonomy-area")
