"""The global search in a real browser: type in the header box, read the grouped results, narrow
to one kind and open a result, all by keyboard and clicks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page, sign_in_as
from tests.conftest import build_world
from tests.core.search_data import build_corpus

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: Any) -> Any:
    world = build_world()
    build_corpus(world)
    return world


def test_search_from_the_header_and_open_a_result(page, world):
    sign_in_as(page, world.bob)
    box = page.get_by_role("searchbox", name="Search everything you may see")
    box.fill("zephyr")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=zephyr$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    main = page.locator("main")
    expect(main.get_by_role("status")).to_have_text("9 results.")
    expect(main.get_by_role("heading", name=re.compile(r"^Contracts"))).to_be_visible()
    expect(main.locator("mark").first).to_have_text(re.compile("zephyr", re.IGNORECASE))
    # Bob is staff of Avon: the council's draft and its specifications stay hidden.
    expect(main).not_to_contain_text("Zephyr snow plows")
    expect(main).not_to_contain_text("Zephyr plow specifications")
    check_page(page, "search-results")

    kinds = page.get_by_role("navigation", name="Kinds of result")
    kinds.get_by_role("link", name=re.compile(r"^Members")).click()
    expect(page).to_have_url(re.compile(r"kind=members"))
    expect(main.get_by_role("status")).to_have_text("1 result in Members.")
    check_page(page, "search-results-members")

    main.get_by_role("link", name="Zephyrton").click()
    expect(page).to_have_url(re.compile(r"/members/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zephyrton")


def test_the_council_finds_its_draft_and_a_short_query_is_explained(page, world):
    sign_in_as(page, world.sam)
    box = page.get_by_role("searchbox", name="Search everything you may see")
    box.fill("plows")
    page.get_by_role("button", name="Search").first.click()
    expect(page.locator("main")).to_contain_text("Zephyr snow plows")
    page.locator("main").get_by_role("link", name="Zephyr snow plows").click()
    expect(page).to_have_url(re.compile(r"/procurement/solicitations/\d+/$"))

    page.get_by_role("searchbox", name="Search everything you may see").fill("z")
    page.get_by_role("searchbox", name="Search everything you may see").press("Enter")
    expect(page.locator("main").get_by_role("alert")).to_contain_text("Type at least 2 letters or digits.")
    check_page(page, "search-too-short")
