"""Issue 13's acceptance flow in a real browser, by clicking: the council creates a shared service
and drafts an interlocal agreement; three members sign; they subscribe; their usage is uploaded;
a billing run issues invoices; a member opens its invoice's PDF; a credit note corrects one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from interlocal.accounts.models import User
from interlocal.billing.models import CreditNote, Invoice
from interlocal.tenancy import demo as tenancy_demo
from interlocal.tenancy.models import Consortium, Member
from tests.browser.conftest import check_page, sign_in_as
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.browser

SERVICE = "Shared help desk"
USAGE = {"Avon": 120, "Bolton": 40, "Bloomfield": 80}


@pytest.fixture
def people(transactional_db: Any) -> dict[str, User]:
    """The demo's people, plus Dora, staff of Bloomfield (the third signing member)."""
    tenancy_demo.load()
    capitol = Consortium.objects.get(slug="capitol-region")
    bloomfield = Member.objects.get(name="Bloomfield")
    dora = UserFactory(email="dora@bloomfield.example.org", full_name="Dora Dunn")
    MembershipFactory(user=dora, consortium=capitol, member=bloomfield, role="member_staff")
    return {
        "sam": User.objects.get(email="sam@capitol.example.org"),
        "bob": User.objects.get(email="bob@avon.example.org"),
        "carol": User.objects.get(email="carol@bolton.example.org"),
        "dora": dora,
    }


def _nav(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name=name, exact=True
    ).first.click()


def test_service_agreement_signatures_subscriptions_usage_invoices_credit(
    page: Any, people: dict[str, User], tmp_path: Path
) -> None:
    sam = people["sam"]  # consortium staff: the council
    sign_in_as(page, sam)

    # 1. A service in the catalog, priced by usage.
    _nav(page, "Services")
    page.get_by_role("link", name="New service").click()
    page.fill("#id_name", SERVICE)
    page.locator("#id_status").select_option("live")
    page.locator("#id_pricing_rule").select_option("by_usage")
    page.fill("#id_annual_amount", "36500.00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=SERVICE)).to_be_visible()
    check_page(page, "agreements-01-service")

    # 2. A draft agreement covering it, with three member parties and their signatories.
    _nav(page, "Agreements")
    page.get_by_role("link", name="New agreement").click()
    page.fill("#id_title", "Help desk interlocal agreement")
    page.fill("#id_effective_date", "2026-07-01")
    page.locator(f"label:text-is('{SERVICE}')").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Help desk interlocal agreement")).to_be_visible()
    detail = page.url
    for town in USAGE:
        page.get_by_role("link", name="Add a party").click()
        page.locator("#id_member").select_option(label=town)
        page.locator("#id_role").select_option("member")
        page.get_by_role("button", name="Save").click()
    signers = {"Avon": people["bob"], "Bolton": people["carol"], "Bloomfield": people["dora"]}
    for town, person in signers.items():
        page.goto(detail)
        page.get_by_role("row").filter(has_text=town).get_by_role("link", name="Name a signatory").click()
        page.locator("#id_user").select_option(str(person.pk))
        page.get_by_role("button", name="Save").click()
    page.goto(detail)
    page.get_by_role("button", name="Circulate for signature").click()
    check_page(page, "agreements-02-circulated")

    # 3. Each member's signatory signs with a typed name; the last signature puts it in force.
    for person in signers.values():
        sign_in_as(page, person, goto=None)
        page.goto(detail)
        page.get_by_role("link", name="Sign", exact=True).click()
        page.fill("#id_typed_name", person.full_name)
        page.get_by_role("button", name="Sign").click()
        expect(page.get_by_text(person.full_name).first).to_be_visible()
    check_page(page, "agreements-03-in-force")
    expect(page.get_by_text("In force").first).to_be_visible()

    # 4. The council subscribes the three members under the agreement.
    sign_in_as(page, sam)
    _nav(page, "Services")
    page.get_by_role("link", name=SERVICE).click()
    for town in USAGE:
        page.get_by_role("link", name="Add a subscription").click()
        page.locator("#id_member").select_option(label=town)
        page.locator("#id_agreement").select_option(label="Help desk interlocal agreement")
        page.fill("#id_start", "2026-07-01")
        page.fill("#id_units", "10")
        page.get_by_role("button", name="Subscribe").click()
        page.get_by_role("link", name=SERVICE).first.click()
    check_page(page, "agreements-04-participants")

    # 5. October's usage, uploaded as a CSV file.
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "member,service,period_start,period_end,quantity\n"
        + "".join(f"{t},{SERVICE},2026-10-01,2026-10-31,{q}\n" for t, q in USAGE.items()),
        encoding="utf-8",
    )
    _nav(page, "Services")
    page.get_by_role("link", name="Usage", exact=True).first.click()
    page.get_by_role("link", name="Upload usage").click()
    page.locator("#id_file").set_input_files(str(usage))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("3 usage records were loaded.")).to_be_visible()

    # 6. A billing run for October: preview with explanations, then issue.
    _nav(page, "Billing")
    page.get_by_role("link", name="New billing run").click()
    page.fill("#id_start", "2026-10-01")
    page.fill("#id_end", "2026-10-31")
    page.locator(f"label:text-is('{SERVICE}')").click()
    page.get_by_role("button", name="Preview charges").click()
    check_page(page, "agreements-05-preview")
    page.get_by_role("button", name="Issue invoices").click()
    expect(page.get_by_role("link", name=re.compile(r"2026-\d{5}")).first).to_be_visible()
    check_page(page, "agreements-06-issued")
    # 36,500 a year is 3,100 for October's 31 days, split 120 : 40 : 80 by usage.
    totals = {i.member.name: str(i.total) for i in Invoice.objects.select_related("member")}
    assert totals == {"Avon": "1550.00", "Bolton": "516.67", "Bloomfield": "1033.33"}

    # 7. Bob (Avon) opens his invoice and its PDF.
    sign_in_as(page, people["bob"])
    _nav(page, "Billing")
    page.get_by_role("link", name="Invoices").first.click()
    page.get_by_role("link", name=re.compile(r"2026-\d{5}")).first.click()
    check_page(page, "agreements-07-member-invoice")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF").click(no_wait_after=True)
    pdf = Path(download_info.value.path())
    assert pdf.read_bytes().startswith(b"%PDF")

    # 8. The council corrects Bolton's invoice with a credit note.
    sign_in_as(page, sam)
    _nav(page, "Billing")
    page.get_by_role("link", name="Receivables").click()
    page.get_by_role("row").filter(has_text="Bolton").get_by_role(
        "link", name=re.compile(r"2026-\d{5}")
    ).click()
    page.fill("#id_reason", "Usage over-counted by the upload")
    page.get_by_role("button", name="Issue credit note").click()
    expect(page.get_by_text(re.compile(r"CN-2026-\d{5}")).first).to_be_visible()
    check_page(page, "agreements-08-credit-note")
    note = CreditNote.objects.get()
    assert note.invoice.member.name == "Bolton"
