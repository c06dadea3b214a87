"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a test opens is checked with axe-core (WCAG 2.1 A and AA) and saved as a full-page
screenshot in test-artifacts/screenshots/<name>.png for people to look at. Every test also fails
when the browser refused anything under the Content-Security-Policy (an inline script or style,
an eval, a resource from elsewhere): see `page` and `assert_no_csp_violations`.

Flows that do not test signing in start from a session cookie (`sign_in_as`); the sign-in and
enrolment tests (test_accounts, and test_pages' TOTP sign-in) use the real forms (`sign_in`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("INTERLOCAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium waits on network services that a closed network never answers.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Runs in every document before the page's own scripts (Playwright's init scripts are not subject to
# the page's Content-Security-Policy) and hands each violation the browser reports to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__interlocalCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile ? `${event.sourceFile}:${event.lineNumber}` : "",
    sample: event.sample,
    disposition: event.disposition,
  });
});
"""
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or ./dev test installs it)")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run npm ci (./dev setup)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any, transactional_db: Any) -> Iterator[Any]:
    from django.core.cache import cache

    # One-time TOTP codes and login throttles live in the cache; tests must not see each other's.
    cache.clear()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    violations: list[dict[str, Any]] = []
    context.expose_binding(
        "__interlocalCspViolation", lambda source, v: violations.append({**v, "page": source["frame"].url})
    )
    context.add_init_script(script=CSP_LISTENER)
    # axe-core as an init script: a <script> tag with its text would be an inline script, which
    # the Content-Security-Policy refuses (and which this suite would then report).
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.live_server_url = live_server.url  # for sign_in_as's session cookie
    page.csp_violations = violations
    yield page
    context.close()
    assert_no_csp_violations(page)


def assert_no_csp_violations(page: Any) -> None:
    """Fail if the browser reported a Content-Security-Policy violation on any page so far."""
    found = page.csp_violations
    assert not found, "the browser refused content under the Content-Security-Policy:\n" + "\n".join(
        f"  {v['page']}: {v['directive']} blocked {v['blocked'] or '?'}"
        + (f" at {v['source']}" if v["source"] else "")
        + (f" ({v['sample']!r})" if v["sample"] else "")
        for v in found
    )


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def check_page(page: Any, name: str) -> list[dict[str, Any]]:
    """Screenshot the page, run axe-core on it and fail on serious or critical violations."""
    page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert_no_csp_violations(page)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = result["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    minor = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    if minor:
        print(f"\naxe: minor findings on {name} ({page.url}):\n{format_violations(minor)}")
    assert not blocking, (
        f"axe-core found serious accessibility problems on {name} ({page.url}):\n"
        + format_violations(blocking)
    )
    return violations


def totp_code(secret: str) -> str:
    """The authenticator app's current code. Near the end of a 30-second window, wait for the
    next one, so the server (which accepts only the current window) sees the same counter."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    left = 30 - time.time() % 30
    if left < 3 or (secret, int(time.time()) // 30) in _USED_TOTP:
        # The server refuses a code used before (replay protection): a second sign-in by the
        # same person within one window waits for the next code, as a person would.
        time.sleep(left + 0.2)
    counter = int(time.time()) // 30
    _USED_TOTP.add((secret, counter))
    return format_hotp_value(hotp_value(secret, counter))


_USED_TOTP: set[tuple[str, int]] = set()


def totp_secret_of(user: Any) -> str:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def sign_in(page: Any, email: str, password: str, *, totp_secret: str | None = None) -> None:
    """Sign in through the real forms: e-mail and password, then the authenticator code if asked."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]:not([form])").first.click()
    page.wait_for_load_state("load")
    if "/2fa/authenticate" in page.url:
        assert totp_secret, f"{email} was asked for an authenticator code"
        page.fill("input[name=code]", totp_code(totp_secret))
        page.locator("form:has(input[name=code]) button[type=submit]:not([form])").first.click()
        page.wait_for_load_state("load")


def sign_in_as(page: Any, who: Any, *, goto: str | None = "dashboard") -> Any:
    """Sign `who` (a User, or an e-mail address) in without the forms, for flows that do not test
    signing in: a server-side session as the sign-in forms leave it, whose cookie replaces the
    browser context's cookies (a clean switch of person). Then open `goto` (by default the
    dashboard, where a sign-in lands; None stays put). Returns the user.

    django.contrib.auth.login (through the test client's force_login) fires user_logged_in, so the
    session register, the audit trail and the session-lifetime stamps are as after a real sign-in;
    allauth's authentication records then say that a password was given and, for a person with an
    authenticator app, that the second factor was too.
    """
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.http import HttpRequest
    from django.shortcuts import resolve_url
    from django.test import Client

    from interlocal.accounts.models import User

    user = who if isinstance(who, User) else User.objects.get(email=who)
    client = Client()
    client.force_login(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    record_authentication(request, user, "password", email=user.email)
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
    request.session.save()
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": request.session.session_key,
                "url": page.live_server_url,
            }
        ]
    )
    if goto:
        page.goto(resolve_url(settings.LOGIN_REDIRECT_URL) if goto == "dashboard" else goto)
        page.wait_for_load_state("load")
    return user


def dump(obj: Any) -> str:
    return json.dumps(obj, indent=2, default=str)
