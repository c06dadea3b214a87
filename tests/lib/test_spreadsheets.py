"""The shared spreadsheet reader and writers (lib/spreadsheets): limits, messages, neutralising."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from interlocal.lib.spreadsheets import (
    CsvWriter,
    Limits,
    SpreadsheetError,
    XlsxReader,
    csv_lines,
    read_csv,
    read_table,
    workbook_bytes,
)


def _book(cells: dict[str, object]) -> bytes:
    book = Workbook()
    for ref, value in cells.items():
        book.active[ref] = value  # type: ignore[index]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_rows_are_dense_within_the_cells_in_use() -> None:
    data = _book({"A1": "member", "B1": "units", "A2": "Avon", "C3": 4.5})
    assert read_table("in.xlsx", data) == [["member", "units", None], ["Avon", None, None], [None, None, 4.5]]


def test_a_declared_dimension_is_refused_before_any_cell() -> None:
    data = _book({"A1": "x", "C30": 1})
    with pytest.raises(SpreadsheetError) as caught:
        read_table("in.xlsx", data, Limits(max_rows=10))
    assert caught.value.where == "Sheet!C30"
    assert "declares" in str(caught.value)


def test_a_cell_past_the_limit_is_refused_even_without_a_dimension() -> None:
    data = _book({"A1": "x", "Z2": 1})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b'<dimension ref="A1:Z2"/>', b"")
            dst.writestr(info.filename, body)
    with pytest.raises(SpreadsheetError) as caught:
        read_table("in.xlsx", out.getvalue(), Limits(max_columns=5))
    assert caught.value.where == "Sheet!Z2"


def test_a_lying_size_header_is_caught_while_reading() -> None:
    limits = Limits(max_part_bytes=2_000_000, max_expanded_bytes=2_000_000)
    data = _book({"A1": "x" * 30_000, "A2": "y" * 30_000})
    reader = XlsxReader(data, limits)
    assert reader.rows()[0][0] == "x" * 30_000
    reader.close()


def test_csv_limits_name_the_line() -> None:
    with pytest.raises(SpreadsheetError, match="line 3"):
        read_csv(b"a,b\n1,2\n3," + b"x" * 200 + b"\n", Limits(max_cell_chars=100))
    with pytest.raises(SpreadsheetError, match="line 2"):
        read_csv(b"a\n" + b"x" * 200_000 + b"\n")
    with pytest.raises(SpreadsheetError, match="more than 2 rows"):
        read_csv(b"a\nb\nc\n", Limits(max_rows=2))
    with pytest.raises(SpreadsheetError, match="UTF-8"):
        read_csv(b"a\n\xff\n")
    with pytest.raises(SpreadsheetError, match="Upload a .csv or .xlsx"):
        read_table("in.ods", b"x")


def test_a_dtd_is_refused() -> None:
    data = _book({"A1": "x"})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                body = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + body.split(b"?>", 1)[-1]
            dst.writestr(info.filename, body)
    with pytest.raises(SpreadsheetError, match="DTD"):
        XlsxReader(out.getvalue())


def test_csv_writers_quote_formulas_but_not_numbers() -> None:
    out = io.StringIO()
    CsvWriter(out).writerow(["=1+1", "+1", "-1", -1, Decimal("-2.5"), "@a", "\tx", None, "plain"])
    assert out.getvalue() == "'=1+1,+1,-1,-1,-2.5,'@a,'\tx,,plain\r\n"
    assert list(csv_lines([["-x"]])) == ["'-x\r\n"]


def test_workbook_bytes_turns_formulas_into_text_but_keeps_the_callers_own() -> None:
    book = Workbook()
    sheet = book.active
    sheet["A1"] = '=HYPERLINK("http://evil.example/","x")'  # type: ignore[index]
    sheet["A2"] = "=SUM(B1:B2)"  # type: ignore[index]
    sheet["A3"] = "-1+2"  # type: ignore[index]
    sheet["B1"] = -5  # type: ignore[index]
    reread = load_workbook(io.BytesIO(workbook_bytes(book, formulas=[("Sheet", "A2")]))).active
    assert reread["A1"].data_type == "s" and reread["A1"].quotePrefix  # type: ignore[index]
    assert reread["A1"].value.startswith("=HYPERLINK")  # type: ignore[index]
    assert reread["A2"].data_type == "f"  # type: ignore[index]
    assert reread["A3"].quotePrefix  # type: ignore[index]
    assert reread["B1"].value == -5 and reread["B1"].data_type == "n"  # type: ignore[index]
