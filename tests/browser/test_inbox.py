"""The work inbox, notifications and long checkbox lists in a real browser.

Council staff (Sam) sign in and see "Waiting on you" on the dashboard with a campaign due in five
days that towns have not submitted; they press "Remind now" and see the confirmation (and the
button then says when they last reminded). The bell in the header shows Sam's unread
notifications; the notifications page marks one read, then all. On the campaign form, the long
list of member towns gets a filter box and "Select all" / "Select none".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from interlocal.assessment.actions import do_create_campaign
from interlocal.core.mail import queue_mail
from interlocal.core.notifications.models import Notification
from interlocal.taxonomy.loader import load_standard_catalogue
from interlocal.tenancy import demo as tenancy_demo
from interlocal.tenancy.models import Consortium, Member
from tests.assessment.factories import make_version
from tests.browser.conftest import check_page, sign_in_as

pytestmark = pytest.mark.browser

CAMPAIGN = "Shared IT check 2027"


@pytest.fixture
def capitol(transactional_db: Any) -> Consortium:
    """Demo people and towns, and a campaign due in five days over five towns, none submitted."""
    tenancy_demo.load()
    load_standard_catalogue()
    consortium = Consortium.objects.get(slug="capitol-region")
    from interlocal.accounts.models import User

    sam = User.objects.get(email="sam@capitol.example.org")
    members = list(Member.objects.filter(consortia=consortium).order_by("name")[:5])
    do_create_campaign(
        consortium,
        actor=sam,
        name=CAMPAIGN,
        template_version=make_version(consortium, name="Quick IT check"),
        members=members,
        deadline=timezone.now() + dt.timedelta(days=5),
        launch=True,
    )
    # Two messages to Sam through the one sending path: e-mailed and in the app.
    queue_mail(["sam@capitol.example.org"], "Budget meeting moved to Thursday", "The board meets at 9.")
    queue_mail(
        ["sam@capitol.example.org"], "New member: Canton", "Canton joined the consortium.", link="/dashboard/"
    )
    return consortium


def test_council_staff_remind_late_members_and_read_notifications(page: Any, capitol: Consortium) -> None:
    sign_in_as(page, "sam@capitol.example.org")
    card = page.locator("[data-card='core.inbox']")
    expect(card.get_by_role("heading", name="Waiting on you")).to_be_visible()
    expect(card).to_contain_text(CAMPAIGN)
    expect(card).to_contain_text("5 members have not submitted.")
    check_page(page, "inbox-dashboard")

    mail.outbox.clear()
    card.get_by_role("button", name=re.compile("Remind now")).click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Reminder sent to 5 members")
    expect(page.locator("[data-card='core.inbox']")).to_contain_text("Last reminded")
    expect(
        page.locator("[data-card='core.inbox']").get_by_role("button", name=re.compile("Remind now"))
    ).to_be_disabled()
    check_page(page, "inbox-reminded")

    # The whole inbox, from the side navigation, with its filter.
    page.get_by_role("link", name="Waiting on you").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting on you")
    page.get_by_label("Show").select_option("assessment.late_members")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".il-inbox")).to_contain_text(CAMPAIGN)
    check_page(page, "inbox-page")

    # The bell: two unread; open the list, mark one read, then all.
    bell = page.get_by_test_id("notifications-bell")
    expect(bell).to_contain_text("2")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_text("2 unread notifications.")).to_be_visible()
    check_page(page, "notifications-list")
    page.locator("li", has_text="Budget meeting moved to Thursday").get_by_role(
        "button", name=re.compile("Mark read")
    ).click()
    expect(page.get_by_text("1 unread notification.")).to_be_visible()
    expect(page.get_by_test_id("notifications-bell")).to_contain_text("1")
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_text("0 unread notifications.")).to_be_visible()
    assert not Notification.objects.filter(
        recipient__email="sam@capitol.example.org", read_at__isnull=True
    ).exists()

    # The settings, from the notifications page.
    page.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    # USWDS draws the box on the label (the input itself sits off-screen): click it as a person would.
    page.locator("label[for='id_email__assessment.reminders']").click()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("settings were saved")
    expect(page.get_by_label("Campaign deadline reminders by e-mail")).not_to_be_checked()
    expect(page.get_by_label("Account security (password reset, sign-in) by e-mail")).to_be_disabled()
    check_page(page, "notifications-settings")


def test_campaign_form_members_select_all_none_and_filter(page: Any, capitol: Consortium) -> None:
    sign_in_as(page, "sam@capitol.example.org")
    page.goto("/assessment/")
    page.get_by_role("link", name="Launch a campaign").click()
    members = page.locator("fieldset[data-il-checklist]")
    boxes = members.locator("input[type=checkbox]")
    total = boxes.count()
    assert total > 10
    members.get_by_role("button", name="Select none").click()
    expect(members.locator("input[type=checkbox]:checked")).to_have_count(0)
    expect(members.locator(".il-checklist-status")).to_contain_text(f"0 of {total} selected")
    members.get_by_role("button", name="Select all").click()
    expect(members.locator("input[type=checkbox]:checked")).to_have_count(total)
    members.get_by_role("button", name="Select none").click()
    # Filter, then "Select all" picks the shown towns only.
    members.get_by_label("Filter the list").fill("avon")
    expect(members.locator(".il-checklist-status")).to_contain_text("1 shown")
    members.get_by_role("button", name="Select all").click()
    expect(members.locator("input[type=checkbox]:checked")).to_have_count(1)
    expect(members.get_by_label("Avon", exact=True)).to_be_checked()
    check_page(page, "campaign-form-checklist")
    members.get_by_label("Filter the list").fill("")
    expect(members.locator(".il-checklist-status")).to_contain_text(f"1 of {total} selected, {total} shown")
