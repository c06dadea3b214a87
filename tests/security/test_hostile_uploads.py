"""Hostile spreadsheets: a tiny file that declares or holds a far-away cell, a zip bomb, a huge
CSV field. Each is refused by the one shared reader with a message saying what and where."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from interlocal.costing.models import CostModel, Scenario, ScenarioParticipant

pytestmark = pytest.mark.django_db


def far_cell_xlsx(ref: str) -> bytes:
    """A 5 KB workbook: the header in A1 and one number at `ref`."""
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "member"
    sheet[ref] = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _post(client_for: Any, world: Any, name: str, data: bytes) -> tuple[Any, Scenario]:
    model = CostModel.objects.create(consortium=world.capitol, name="Upload test")
    scenario = Scenario.objects.create(cost_model=model, name="Baseline")
    response = client_for("sam").post(
        reverse("costing:scenario_upload", args=[scenario.pk]), {"file": SimpleUploadedFile(name, data)}
    )
    return response, scenario


def test_costing_upload_refuses_a_far_away_cell_and_names_it(world: Any, client_for: Any) -> None:
    data = far_cell_xlsx("ZZ100000")
    assert len(data) < 10_000
    response, scenario = _post(client_for, world, "inputs.xlsx", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "ZZ100000" in body  # where
    assert "rows" in body  # what: past the row limit
    assert not ScenarioParticipant.objects.filter(scenario=scenario).exists()


def test_costing_upload_refuses_a_huge_csv_field(world: Any, client_for: Any) -> None:
    data = b"member,units,standalone\nAvon," + b"9" * 200_000 + b",1\n"
    response, _scenario = _post(client_for, world, "inputs.csv", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "line 2" in body


def test_the_shared_reader_refuses_the_last_cell_of_a_sheet_at_once() -> None:
    from interlocal.lib.spreadsheets import Limits, SpreadsheetError, read_table

    with pytest.raises(SpreadsheetError) as caught:
        read_table("x.xlsx", far_cell_xlsx("XFD1048576"), Limits(max_rows=100, max_columns=20))
    assert "XFD1048576" in str(caught.value)


def test_the_shared_reader_refuses_a_zip_bomb() -> None:
    from interlocal.lib.spreadsheets import Limits, SpreadsheetError, read_table

    source = io.BytesIO(far_cell_xlsx("B2"))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/media/padding.bin", b"\0" * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 200_000
    with pytest.raises(SpreadsheetError) as caught:
        read_table("x.xlsx", out.getvalue(), Limits())
    assert "xl/media/padding.bin" in str(caught.value)
