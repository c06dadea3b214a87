"""`interlocal workbook export CAMPAIGN_ID MEMBER_ID FILE.xlsx` and `... import CAMPAIGN_ID FILE.xlsx`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from interlocal.assessment.models import Response
from tests.assessment.test_workbook_import import ERP, GOOD, fill, make_campaign, stored


def run(*args: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("workbook", *[str(a) for a in args], stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_export_then_import_round_trip(world: Any, tmp_path: Path) -> None:
    campaign = make_campaign(world)
    path = tmp_path / "avon.xlsx"
    code, out, _err = run("export", campaign.pk, world.avon.pk, path)
    assert code == 0
    assert f"Wrote {path}" in out and "Avon" in out
    wb = load_workbook(path)
    assert ERP in wb.sheetnames
    assert (
        f"/assessment/responses/{Response.objects.get(campaign=campaign, member=world.avon).pk}/workbook/"
        in str([c.value for row in wb["Cover"].iter_rows() for c in row])
    )
    path.write_bytes(fill(path.read_bytes(), GOOD))
    code, out, err = run("import", campaign.pk, path, "--submit")
    assert (code, err) == (0, "")
    assert "Avon: answers stored and submitted (8 changed, 0 cleared, 8 questions answered)." in out
    assert Response.objects.get(campaign=campaign, member=world.avon).status == Response.Status.SUBMITTED


def test_import_prints_one_line_per_problem_and_exits_non_zero(world: Any, tmp_path: Path) -> None:
    campaign = make_campaign(world)
    path = tmp_path / "avon.xlsx"
    run("export", campaign.pk, world.avon.pk, path)
    path.write_bytes(fill(path.read_bytes(), {ERP: {"D5": 6, "D7": "lots", "D10": "soon"}}))
    code, out, err = run("import", campaign.pk, path)
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"{ERP}!D5: 6 is outside the scale 1–5.",
        f"{ERP}!D7: “lots” is not a number.",
        f"{ERP}!D10: “soon” is not a date; enter it as YYYY-MM-DD, e.g. 2027-06-30.",
    ]
    assert stored(campaign, world.avon) == {}


def test_file_level_problems_name_the_file(world: Any, tmp_path: Path) -> None:
    campaign = make_campaign(world)
    path = tmp_path / "answers.xlsm"
    path.write_bytes(b"PK\x03\x04 whatever")
    code, _out, err = run("import", campaign.pk, path)
    assert code == 1
    assert err.splitlines() == [
        "answers.xlsm: Macro-enabled workbooks (.xlsm) are refused; save it as an Excel Workbook (.xlsx)."
    ]


def test_member_option_refuses_another_members_workbook(world: Any, tmp_path: Path) -> None:
    campaign = make_campaign(world)
    path = tmp_path / "bolton.xlsx"
    run("export", campaign.pk, world.bolton.pk, path)
    code, _out, err = run("import", campaign.pk, path, "--member", world.avon.pk)
    assert code == 1
    assert "for another member, not Avon" in err


def test_unknown_campaign_or_member(world: Any, tmp_path: Path) -> None:
    campaign = make_campaign(world)
    with pytest.raises(CommandError, match="There is no campaign 999999"):
        run("export", 999999, world.avon.pk, tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="There is no member 999999"):
        run("export", campaign.pk, 999999, tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="does not take part"):
        run("export", campaign.pk, world.canton.pk, tmp_path / "x.xlsx")
    code, _out, err = run("import", campaign.pk, tmp_path / "missing.xlsx")
    assert code == 1 and "Cannot read" in err
