"""Account flows in a real browser (Chromium via Playwright), with axe-core on every page.

Uses the session-wide Chromium and the helpers of tests/browser/conftest.py (Playwright's sync
API allows one running instance per thread); screenshots land in test-artifacts/screenshots/account-*.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from interlocal.accounts.models import User
from interlocal.tenancy.models import Membership
from tests.browser.conftest import check_page, sign_in, sign_in_as, totp_code, totp_secret_of
from tests.conftest import build_world
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def world(transactional_db: Any) -> Any:
    return build_world()


def test_alice_invites_a_member_admin_who_joins_and_enrols(page, world):
    sign_in_as(page, world.alice)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Invitations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations")
    check_page(page, "account-invitations-empty")

    page.get_by_role("link", name="Invite someone").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".usa-form-group--error").first).to_be_visible()
    check_page(page, "account-invite-errors")
    page.fill("#id_email", "nell@bolton.example")
    page.locator("label.usa-radio__label", has_text="Member admin").click()
    page.select_option("#id_member", label="Bolton")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("nell@bolton.example")
    expect(page.locator("table")).to_contain_text("nell@bolton.example")
    check_page(page, "account-invitations")

    link = re.search(r"https?://\S+/account/invitations/\S+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    page.context.clear_cookies()
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    check_page(page, "account-accept-invitation")
    page.fill("#id_full_name", "Nell Bolton-Admin")
    page.fill("#id_password1", "password")
    page.fill("#id_password2", "password")
    page.get_by_role("button", name="Create account and accept").click()
    expect(page.locator("#id_password1_error")).to_be_visible()
    check_page(page, "account-accept-invitation-errors")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Create account and accept").click()

    # A member admin must set up an authenticator app before anything else.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    check_page(page, "account-totp-activate")
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("input[name=code]", totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    nell = User.objects.get(email="nell@bolton.example")
    assert Membership.objects.filter(user=nell, member=world.bolton, role="member_admin").exists()


def test_bob_manages_profile_tokens_and_sessions(page, world):
    sign_in_as(page, world.bob, goto="/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    check_page(page, "account-profile")
    page.fill("#id_job_title", "IT coordinator")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".usa-alert--success")).to_be_visible()

    page.goto("/account/tokens/")
    check_page(page, "account-tokens-empty")
    page.get_by_role("link", name="Create a token").click()
    page.fill("#id_name", "GIS nightly export")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#token-secret").input_value()
    assert secret.startswith("il_")
    check_page(page, "account-token-created")
    page.get_by_role("link", name="I have copied it").click()
    expect(page.locator("table")).to_contain_text("GIS nightly export")
    assert secret not in page.content()
    check_page(page, "account-tokens")
    page.get_by_role("button", name=re.compile("Revoke")).click()
    expect(page.locator("table")).to_contain_text("Revoked")

    page.goto("/account/sessions/")
    expect(page.locator("table")).to_contain_text("This session")
    check_page(page, "account-sessions")


def test_sign_in_errors_password_reset_and_mfa_pages(page, world):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", world.bob.email)
    page.fill("input[name=password]", "wrong-password")
    page.locator("form:has(input[name=password]) button[type=submit]").first.click()
    expect(page.locator(".usa-alert--error")).to_be_visible()
    check_page(page, "account-sign-in-error")

    page.goto("/accounts/password/reset/")
    page.fill("input[name=email]", "not-an-address")
    page.locator("form:has(input[name=email]) button[type=submit]").first.click()
    check_page(page, "account-password-reset")

    sign_in(page, world.alice.email, PASSWORD, totp_secret=totp_secret_of(world.alice))
    page.goto("/accounts/2fa/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Two-step sign-in")
    check_page(page, "account-mfa")
