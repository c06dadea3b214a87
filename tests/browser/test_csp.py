"""The Content-Security-Policy in Chromium: injected script and style do not run, and the suite
notices (every browser test fails on a violation; see conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page, sign_in_as
from tests.conftest import build_world

pytestmark = pytest.mark.browser

INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.__injected = true;";
  document.body.appendChild(script);
  const box = document.createElement("div");
  box.innerHTML = '<p id="styled" style="color: rgb(255, 0, 0)">x</p>';
  document.body.appendChild(box);
}"""


def test_injected_inline_script_and_style_are_refused_and_reported(page: Any, transactional_db: Any) -> None:
    world = build_world()
    sign_in_as(page, world.sam)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    check_page(page, "csp-dashboard")  # the page itself raised no violation

    page.evaluate(INJECT)  # what a stored cross-site-scripting payload would add to the page
    page.wait_for_function("() => document.getElementById('styled') !== null")
    assert page.evaluate("() => window.__injected === undefined"), "the inline script ran"
    assert (
        page.evaluate("() => getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    )
    # The reports reach the test through a binding, shortly after the events: wait for both.
    for _ in range(100):
        directives = {v["directive"] for v in page.csp_violations}
        if {"script-src-elem", "style-src-attr"} <= directives:
            break
        page.wait_for_timeout(50)
    assert {"script-src-elem", "style-src-attr"} <= directives, page.csp_violations
    page.csp_violations.clear()  # seen: the fixture must not fail this test for them


def test_the_api_documentation_works_under_the_policy(page: Any, transactional_db: Any) -> None:
    """django-ninja's Swagger UI loads its settings from a JSON <script> and its code from files."""
    world = build_world()
    sign_in_as(page, world.sam, goto="/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Interlocal")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    # Swagger UI sets element styles through the DOM (allowed); nothing was refused.
    assert page.csp_violations == []
