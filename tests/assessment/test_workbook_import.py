"""Workbook export and import against the database: the whole file is checked, every problem is
located, nothing is stored unless everything is right; then answers go through do_save_answers.

The helpers at the top (make_campaign, export, fill) are shared by the other workbook tests.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from interlocal.assessment.actions import do_save_answers, do_submit_response
from interlocal.assessment.models import (
    Answer,
    Campaign,
    Response,
    TemplateVersion,
)
from interlocal.assessment.workbooks import WorkbookError, do_import_workbook, export_workbook
from interlocal.audit.models import AuditEvent
from interlocal.taxonomy.models import ServiceArea, UnmatchedTerm
from tests.assessment.factories import (
    CampaignFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    TemplateVersionFactory,
)

SCALE = ["Very poor", "Poor", "Adequate", "Good", "Excellent"]


def make_version(
    consortium: Any, *, name: str = "Workbook test template", number: int = 1
) -> TemplateVersion:
    """A small template version: an ERP section of every kind of question and a general one."""
    version = TemplateVersionFactory(
        template__consortium=consortium, template__name=name, number=number, is_locked=True
    )
    erp = ServiceArea.objects.filter(code="financial-erp", consortium__isnull=True).first()
    fin = SectionFactory(version=version, area=erp, title="Financial ERP", order=1)
    general = SectionFactory(version=version, title="About your organization", order=2)
    rows = [
        (
            fin,
            "fin.satisfaction",
            "How satisfied are you with your ERP?",
            "scaled",
            {"scale_labels": SCALE, "required": True},
        ),
        (fin, "fin.shared", "Is it shared with another town?", "yes_no", {}),
        (
            fin,
            "fin.annual-cost",
            "What does it cost per year?",
            "number",
            {"unit": "USD/year", "min_value": 0, "max_value": 1e9},
        ),
        (
            fin,
            "fin.hosting",
            "How is it hosted?",
            "single",
            {"choices": ["On premises", "Vendor cloud", "Other"]},
        ),
        (
            fin,
            "fin.channels",
            "How do residents pay?",
            "multiple",
            {"choices": ["Online", "Phone", "Counter"]},
        ),
        (fin, "fin.contract-end", "When does the contract end?", "date", {}),
        (fin, "fin.system", "Which system do you use?", "text", {}),
        (
            general,
            "general.readiness",
            "How ready are you to share services?",
            "scaled",
            {"scale_labels": SCALE},
        ),
    ]
    for order, (section, code, text, kind, extra) in enumerate(rows):
        QuestionFactory(section=section, code=code, text=text, kind=kind, order=order, **extra)
    return version


def make_campaign(
    world: Any, *, version: TemplateVersion | None = None, status: str = "open", **fields: Any
) -> Campaign:
    """An open campaign of Capitol Region for Avon and Bolton, deadline in two weeks."""
    version = version or make_version(world.capitol)
    fields.setdefault("name", "2026 needs assessment")
    campaign = CampaignFactory(template_version=version, status=status, **fields)
    for member in (world.avon, world.bolton):
        ResponseFactory(campaign=campaign, member=member)
    return campaign


def response_of(campaign: Campaign, member: Any) -> Response:
    return Response.objects.select_related("campaign", "campaign__consortium", "member").get(
        campaign=campaign, member=member
    )


def export(campaign: Campaign, member: Any) -> bytes:
    return export_workbook(response_of(campaign, member))


ERP = "Financial ERP"
CELLS = {  # question code -> answer cell on the ERP sheet
    "fin.satisfaction": "D5",
    "fin.shared": "D6",
    "fin.annual-cost": "D7",
    "fin.hosting": "D8",
    "fin.channels": "D9",
    "fin.contract-end": "D10",
    "fin.system": "D11",
}
GOOD = {
    ERP: {
        "D5": "4 – Good",
        "D6": "Yes",
        "D7": 125000,
        "D8": "Vendor cloud",
        "D9": "Online; Counter",
        "D10": dt.date(2028, 6, 30),
        "D11": "Munis",
    },
    "About your organization": {"D5": 3},
}


def fill(data: bytes, changes: dict[str, dict[str, Any]]) -> bytes:
    """The workbook with cells changed, as a person would in Excel (openpyxl keeps the rest)."""
    wb = load_workbook(io.BytesIO(data))
    for sheet, cells in changes.items():
        for cell, value in cells.items():
            wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def stored(campaign: Campaign, member: Any) -> dict[str, Any]:
    return {
        a.question.code: a.display_value()
        for a in Answer.objects.filter(campaign=campaign, member=member).select_related("question")
    }


def problems_of(excinfo: pytest.ExceptionInfo[WorkbookError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


@pytest.fixture
def campaign(world: Any) -> Campaign:
    return make_campaign(world)


# --- Export ------------------------------------------------------------------------------------


def test_export_is_prefilled_with_the_answers_given_so_far(world: Any, campaign: Campaign) -> None:
    avon = response_of(campaign, world.avon)
    do_save_answers(
        avon,
        {
            "fin.satisfaction": 2,
            "fin.shared": False,
            "fin.channels": ["Phone"],
            "fin.contract-end": "2027-01-31",
        },
        actor=world.bob,
    )
    wb = load_workbook(io.BytesIO(export(campaign, world.avon)))
    ws = wb[ERP]
    assert ws["D5"].value == "2 – Poor"
    assert ws["D6"].value == "No"
    assert ws["D9"].value == "Phone"
    assert ws["D10"].value.date() == dt.date(2027, 1, 31)
    assert ws["A2"].value.startswith("Financial management / ERP")
    cover = [c.value for row in wb["Cover"].iter_rows() for c in row if c.value]
    assert (
        "Avon" in cover and "2026 needs assessment" in cover and "Capitol Region IT Service Sharing" in cover
    )


# --- Import: success ---------------------------------------------------------------------------


def test_import_stores_every_answer_through_do_save_answers(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), GOOD)
    result = do_import_workbook(campaign, data, actor=world.bob, member=world.avon, filename="avon.xlsx")
    assert (result.saved, result.answered, result.submitted) == (8, 8, False)
    assert stored(campaign, world.avon) == {
        "fin.satisfaction": "4",
        "fin.shared": "1",
        "fin.annual-cost": "125000",
        "fin.hosting": "Vendor cloud",
        "fin.channels": "Online, Counter",
        "fin.contract-end": "2028-06-30",
        "fin.system": "Munis",
        "general.readiness": "3",
    }
    response = response_of(campaign, world.avon)
    assert response.source == Response.Source.XLSX
    assert response.status == Response.Status.IN_PROGRESS
    event = AuditEvent.objects.filter(action="assessment.workbook.imported").get()
    assert event.actor_id == world.bob.pk and event.after["file"] == "avon.xlsx" and event.after["saved"] == 8
    assert AuditEvent.objects.filter(action="assessment.answers.saved", after___source="xlsx").exists()


def test_import_can_submit(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), GOOD)
    result = do_import_workbook(campaign, data, actor=world.bob, member=world.avon, submit=True)
    assert result.submitted
    assert response_of(campaign, world.avon).status == Response.Status.SUBMITTED


def test_submitting_without_a_required_answer_stores_nothing(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), {ERP: {"D6": "Yes"}})
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, member=world.avon, submit=True)
    assert problems_of(exc) == [f"{ERP}!D5: This question is required: answer it before submitting."]
    assert stored(campaign, world.avon) == {}


def test_blank_cell_clears_an_earlier_answer(world: Any, campaign: Campaign) -> None:
    do_save_answers(
        response_of(campaign, world.avon), {"fin.system": "Munis", "fin.shared": "yes"}, actor=world.bob
    )
    data = fill(export(campaign, world.avon), {ERP: {"D11": None}})
    result = do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert (result.saved, result.cleared) == (0, 1)
    assert stored(campaign, world.avon) == {"fin.shared": "1"}


def test_cli_import_without_actor_uses_the_member_of_the_workbook(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.bolton), GOOD)
    result = do_import_workbook(campaign, data, actor=None)
    assert result.response.member_id == world.bolton.pk
    assert stored(campaign, world.bolton)["fin.hosting"] == "Vendor cloud"


def test_consortium_staff_may_import_on_behalf_of_a_member(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), GOOD)
    do_import_workbook(campaign, data, actor=world.sam, member=world.avon)
    assert len(stored(campaign, world.avon)) == 8


def test_other_member_staff_may_not_import(world: Any, campaign: Campaign) -> None:
    from django.core.exceptions import PermissionDenied

    data = fill(export(campaign, world.avon), GOOD)
    with pytest.raises(PermissionDenied):
        do_import_workbook(campaign, data, actor=world.carol)
    assert stored(campaign, world.avon) == {}


# --- Import: every problem, nothing stored -------------------------------------------------------


def test_bad_cells_are_all_reported_and_nothing_is_stored(world: Any, campaign: Campaign) -> None:
    data = fill(
        export(campaign, world.avon),
        {
            ERP: {
                "D5": 9,  # out of scale
                "D6": "Perhaps",  # not yes/no
                "D7": "about 12k",  # text in a number cell
                "D8": "In the basement",  # not a choice
                "D9": "Online; Carrier pigeon",  # one unknown choice
                "D10": "2027-02-30",  # no such date
                "D11": "Munis",  # valid, yet not stored either
            },
            "About your organization": {"D5": "0 – none"},
        },
    )
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert problems_of(exc) == [
        f"{ERP}!D5: 9 is outside the scale 1–5.",
        f"{ERP}!D6: “Perhaps” is not Yes or No.",
        f"{ERP}!D7: “about 12k” is not a number.",
        f"{ERP}!D8: “In the basement” is not one of the choices (On premises, Vendor cloud, Other).",
        f"{ERP}!D9: Not among the choices: “Carrier pigeon” (choices: Online, Phone, Counter; separate several with semicolons).",
        f"{ERP}!D10: “2027-02-30” is not a date; enter it as YYYY-MM-DD, e.g. 2027-06-30.",
        "About your organization!D5: 0 is outside the scale 1–5.",
    ]
    assert [p.code for p in exc.value.problems][:2] == ["fin.satisfaction", "fin.shared"]
    assert stored(campaign, world.avon) == {}
    assert not AuditEvent.objects.filter(action__startswith="assessment.").exists()


def test_number_bounds_are_checked(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), {ERP: {"D7": -5}})
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert problems_of(exc) == [f"{ERP}!D7: -5 is below the minimum 0."]


def test_not_a_workbook(world: Any, campaign: Campaign) -> None:
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, b"member,answer\navon,4\n", actor=world.bob, filename="answers.csv")
    assert problems_of(exc) == ["This is a CSV file, not an Excel workbook (.xlsx)."]
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, b"%PDF-1.7 not a workbook", actor=world.bob, filename="answers.xlsx")
    assert "not an Excel workbook" in problems_of(exc)[0]


def test_zip_that_is_not_xlsx(world: Any, campaign: Campaign) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, out.getvalue(), actor=world.bob, filename="answers.xlsx")
    assert problems_of(exc) == ["This is a zip file but not an Excel workbook (.xlsx)."]


def test_corrupt_workbook(world: Any, campaign: Campaign) -> None:
    data = export(campaign, world.avon)
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data[: len(data) - 300], actor=world.bob)
    assert "damaged" in problems_of(exc)[0]


def test_macro_enabled_by_name_or_content(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), GOOD)
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, filename="answers.xlsm")
    assert "Macro-enabled workbooks (.xlsm) are refused" in problems_of(exc)[0]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        entries = {name: zf.read(name) for name in zf.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in {**entries, "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"}.items():
            zf.writestr(name, content)
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, out.getvalue(), actor=world.bob, filename="answers.xlsx")
    assert "contains macros" in problems_of(exc)[0]
    assert stored(campaign, world.avon) == {}


def test_over_the_size_limit(world: Any, campaign: Campaign, settings: Any) -> None:
    settings.ASSESSMENT_WORKBOOK_MAX_BYTES = 4096
    data = fill(export(campaign, world.avon), GOOD)
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob)
    assert problems_of(exc)[0].endswith("; the limit for a workbook is 4 KB.")
    assert stored(campaign, world.avon) == {}


def test_workbook_of_another_campaign(world: Any, campaign: Campaign) -> None:
    other = make_campaign(world, version=campaign.template_version, name="2025 needs assessment")
    data = fill(export(other, world.avon), GOOD)
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert problems_of(exc) == [
        f"This workbook belongs to another campaign (no. {other.pk}), not to “2026 needs assessment”; "
        "download this campaign's workbook."
    ]
    assert stored(campaign, world.avon) == {} and stored(other, world.avon) == {}


def test_workbook_of_another_template_version(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), GOOD)
    Campaign.objects.filter(pk=campaign.pk).update(template_version=make_version(world.capitol, number=2))
    campaign.refresh_from_db()
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert "another version of the campaign's template" in problems_of(exc)[0]


def test_workbook_of_another_member(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.bolton), GOOD)
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert problems_of(exc) == [
        "This workbook is for another member, not Avon; download Avon's own workbook."
    ]
    assert stored(campaign, world.avon) == {} and stored(campaign, world.bolton) == {}


def test_edited_identification_is_refused(world: Any, campaign: Campaign) -> None:
    wb = load_workbook(io.BytesIO(export(campaign, world.bolton)))
    wb["_interlocal"]["B4"] = world.avon.pk  # pretend Bolton's workbook is Avon's
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, out.getvalue(), actor=world.bob, member=world.avon)
    assert "does not match its signature" in problems_of(exc)[0]


def test_workbook_signed_before_a_key_rotation_is_recognised(
    world: Any, campaign: Campaign, settings: Any
) -> None:
    data = fill(export(campaign, world.avon), GOOD)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789abcdefghijklmnop"
    do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert len(stored(campaign, world.avon)) == 8


def test_duplicate_submission(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), GOOD)
    do_import_workbook(campaign, data, actor=world.bob, member=world.avon, submit=True)
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, member=world.avon, submit=True)
    assert "Avon's answers were already submitted" in problems_of(exc)[0]
    assert "reopen" in problems_of(exc)[0]


def test_late_submission_after_the_deadline(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), GOOD)
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    campaign.refresh_from_db()
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert "The deadline" in problems_of(exc)[0] and "has passed" in problems_of(exc)[0]
    assert stored(campaign, world.avon) == {}


def test_late_upload_is_accepted_once_staff_reopened_the_answers(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), GOOD)
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    Response.objects.filter(campaign=campaign, member=world.avon).update(reopened_at=timezone.now())
    campaign.refresh_from_db()
    do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert len(stored(campaign, world.avon)) == 8


def test_closed_and_draft_campaigns(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), GOOD)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    campaign.refresh_from_db()
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert problems_of(exc) == [
        "The campaign “2026 needs assessment” is closed; answers can no longer be uploaded."
    ]
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.DRAFT)
    campaign.refresh_from_db()
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert "has not been launched" in problems_of(exc)[0]


def test_submitted_between_download_and_upload(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), GOOD)
    response = response_of(campaign, world.avon)
    do_save_answers(response, {"fin.satisfaction": 5}, actor=world.bob)
    do_submit_response(response, actor=world.bob)
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert "already submitted" in problems_of(exc)[0]
    assert stored(campaign, world.avon) == {"fin.satisfaction": "5"}


# --- Taxonomy ------------------------------------------------------------------------------------


def test_unmatched_system_names_go_to_the_taxonomy_review_queue(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), {**GOOD, ERP: {**GOOD[ERP], "D11": "Zyqtronic FinSuite 9"}})
    result = do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert result.unmatched_terms == 1
    term = UnmatchedTerm.objects.get(consortium=world.capitol)
    assert term.text == "Zyqtronic FinSuite 9"
    assert term.sources == {"assessment.workbook": 1}


def test_known_system_names_are_not_queued(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), GOOD)  # "Munis" is a synonym of Financial ERP
    result = do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    assert result.unmatched_terms == 0
    assert not UnmatchedTerm.objects.exists()


def test_formula_cells_without_a_saved_result_are_problems_and_change_nothing(
    world: Any, campaign: Campaign
) -> None:
    # A workbook written by a program that does not calculate (openpyxl, some exporters) holds
    # formulas with no cached result: read as blank, they would silently clear earlier answers.
    do_save_answers(
        response_of(campaign, world.avon), {"fin.system": "Munis", "fin.annual-cost": "100"}, actor=world.bob
    )
    data = fill(export(campaign, world.avon), {ERP: {"D7": "=100000+25000", "D11": '=CONCAT("Mu","nis")'}})
    with pytest.raises(WorkbookError) as exc:
        do_import_workbook(campaign, data, actor=world.bob, member=world.avon)
    problems = exc.value.problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [
        (ERP, "D7", "fin.annual-cost"),
        (ERP, "D11", "fin.system"),
    ]
    assert all("formula" in str(p) and "no saved result" in str(p) for p in problems)
    assert stored(campaign, world.avon) == {"fin.system": "Munis", "fin.annual-cost": "100"}
    assert not AuditEvent.objects.filter(action="assessment.workbook.imported").exists()


def test_formula_cells_with_a_saved_result_give_that_result(world: Any, campaign: Campaign) -> None:
    data = fill(export(campaign, world.avon), {ERP: {"D7": "=100000+25000"}})
    # As Excel saves it: the formula and its last result.
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    for name, body in parts.items():
        if b"100000+25000" in body:
            parts[name] = re.sub(
                rb"<f>100000\+25000</f>(?:<v\s*/>|<v>\s*</v>)?", b"<f>100000+25000</f><v>125000</v>", body
            )
            assert b"<v>125000</v>" in parts[name]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in parts.items():
            dst.writestr(name, body)
    do_import_workbook(campaign, out.getvalue(), actor=world.bob, member=world.avon)
    assert stored(campaign, world.avon)["fin.annual-cost"] == "125000"
