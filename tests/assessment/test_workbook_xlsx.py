"""The pure workbook package: building, reading back, and every kind of bad file or cell."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from interlocal.assessment.xlsx import (
    LIST_SHEET,
    META_SHEET,
    Identity,
    QuestionSpec,
    SectionSpec,
    WorkbookError,
    WorkbookSpec,
    build_workbook,
    check_file,
    open_workbook,
    read_answers,
)

SECRET = b"test-secret"
LIMIT = 5 * 1024 * 1024

QUESTIONS = [
    QuestionSpec(
        "FIN-1",
        "How satisfied are you with your ERP?",
        "scaled",
        scale_labels=["Very poor", "Poor", "Adequate", "Good", "Excellent"],
        required=True,
    ),
    QuestionSpec("FIN-2", "Is it shared with another town?", "yes_no"),
    QuestionSpec(
        "FIN-3",
        "Annual cost",
        "number",
        unit="USD",
        min_value=Decimal(0),
        max_value=Decimal(5_000_000),
        whole_number=True,
    ),
    QuestionSpec("FIN-4", "Vendor", "single", choices=["Tyler", "Munis", "Other"]),
    QuestionSpec("FIN-5", "Channels", "multiple", choices=["Email", "Phone", "Web"]),
    QuestionSpec("FIN-6", "Contract end", "date"),
    QuestionSpec("FIN-7", "Current system", "text", max_length=50),
    QuestionSpec("FIN-8", "FTE", "number", unit="FTE", min_value=Decimal(0)),
]
SECTIONS = [
    SectionSpec("Financial ERP", QUESTIONS, area="Financial management / ERP"),
    SectionSpec("HR: payroll?", [QuestionSpec("HR-1", "Payroll satisfaction", "scaled")]),
]
BY_CODE = {q.code: q for s in SECTIONS for q in s.questions}


def spec(**overrides) -> WorkbookSpec:
    values = {
        "identity": Identity(campaign_id=11, template_version_id=22, member_id=33),
        "campaign_name": "2026 needs assessment",
        "consortium_name": "Capitol Region",
        "member_name": "Avon",
        "template_name": "Default, version 2",
        "sections": SECTIONS,
        "answers": {"FIN-1": 3, "FIN-2": True, "FIN-3": Decimal(1200), "FIN-5": ["Email", "Web"]},
        "deadline": dt.date(2026, 12, 1),
    }
    values.update(overrides)
    return WorkbookSpec(**values)


def built(**overrides) -> bytes:
    return build_workbook(spec(**overrides), secret=SECRET)


def edited(data: bytes, changes: dict[str, dict[str, object]]) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    for sheet, cells in changes.items():
        for cell, value in cells.items():
            wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read(data: bytes):
    assert check_file(data, filename="w.xlsx", max_bytes=LIMIT) == []
    opened = open_workbook(data, secret=SECRET)
    return read_answers(opened, BY_CODE)


def test_round_trip_keeps_prefilled_answers_and_layout() -> None:
    data = built(
        answers={
            "FIN-1": 3,
            "FIN-2": True,
            "FIN-3": 1200,
            "FIN-5": ["Email", "Web"],
            "FIN-6": dt.date(2027, 6, 30),
            "FIN-7": "Munis 11",
            "FIN-8": Decimal("2.5"),
        }
    )
    values, problems = read(data)
    assert problems == []
    assert values == {
        "FIN-1": 3,
        "FIN-2": True,
        "FIN-3": Decimal(1200),
        "FIN-4": None,
        "FIN-5": ["Email", "Web"],
        "FIN-6": dt.date(2027, 6, 30),
        "FIN-7": "Munis 11",
        "FIN-8": Decimal("2.5"),
        "HR-1": None,
    }


def test_structure_validation_and_protection() -> None:
    wb = load_workbook(io.BytesIO(built()))
    assert wb.sheetnames[:3] == ["Cover", "Financial ERP", "HR payroll"]
    assert wb[META_SHEET].sheet_state == "veryHidden"
    assert wb[LIST_SHEET].sheet_state == "veryHidden"
    assert wb.security.lockStructure
    ws = wb["Financial ERP"]
    assert ws.protection.sheet
    assert [ws[f"A{r}"].value for r in range(5, 13)] == [q.code for q in QUESTIONS]
    assert ws["D5"].value == "3 – Adequate"
    assert ws["D5"].protection.locked is False
    assert ws["B5"].protection.locked is True
    assert ws["E7"].value == "USD"
    kinds = {str(dv.sqref): (dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert kinds["D5"][0] == "list" and kinds["D5"][1].startswith("'_lists'!")
    assert kinds["D7"] == ("whole", "0", "5000000")
    assert kinds["D10"][0] == "date"
    assert kinds["D8"][0] == "list"
    prompts = {str(dv.sqref): dv.prompt for dv in ws.data_validations.dataValidation}
    assert "semicolons" in prompts["D9"]
    cover = wb["Cover"]
    texts = [c.value for row in cover.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Avon" in texts and "2026 needs assessment" in texts
    assert any(t.startswith("=COUNTA('Financial ERP'!D5:D12") for t in texts)


def test_sheet_names_are_valid_and_unique() -> None:
    long = "A very long section title that will not fit in a sheet name"
    sections = [
        SectionSpec(long, [QuestionSpec("A1", "x", "text")]),
        SectionSpec(long, [QuestionSpec("A2", "y", "text")]),
    ]
    wb = load_workbook(io.BytesIO(build_workbook(spec(sections=sections, answers={}), secret=SECRET)))
    names = wb.sheetnames[1:3]
    assert all(len(n) <= 31 for n in names)
    assert names[0] != names[1] and names[1].endswith("(2)")


def test_every_cell_problem_is_reported_with_sheet_and_cell() -> None:
    data = edited(
        built(),
        {
            "Financial ERP": {
                "D5": 7,
                "D6": "maybe",
                "D7": "twelve hundred",
                "D8": "SAP",
                "D9": "Email; Fax",
                "D10": "31/02/2027",
                "D11": "x" * 60,
                "D12": -1,
            },
            "HR payroll": {"D5": 2.5},
        },
    )
    values, problems = read(data)
    located = {p.location: p.reason for p in problems}
    assert set(located) == {
        "Financial ERP!D5",
        "Financial ERP!D6",
        "Financial ERP!D7",
        "Financial ERP!D8",
        "Financial ERP!D9",
        "Financial ERP!D10",
        "Financial ERP!D11",
        "Financial ERP!D12",
        "HR payroll!D5",
    }
    assert located["Financial ERP!D5"] == "7 is outside the scale 1–5."
    assert "not a number" in located["Financial ERP!D7"]
    assert "not one of the choices" in located["Financial ERP!D8"]
    assert "“Fax”" in located["Financial ERP!D9"]
    assert "not a date" in located["Financial ERP!D10"]
    assert "limit is 50" in located["Financial ERP!D11"]
    assert "below the minimum 0" in located["Financial ERP!D12"]
    assert "whole point" in located["HR payroll!D5"]
    assert str(problems[0]) == "Financial ERP!D5: 7 is outside the scale 1–5."


@pytest.mark.parametrize(
    ("cell", "raw", "expected"),
    [
        ("D5", 4, 4),
        ("D5", "5 – Excellent", 5),
        ("D5", "good", 4),
        ("D6", "no", False),
        ("D6", "Y", True),
        ("D7", "1,200", Decimal(1200)),
        ("D7", "  ", None),
        ("D8", "munis", "Munis"),
        ("D9", "web;email;Email", ["Email", "Web"]),
        ("D10", "2027-06-30", dt.date(2027, 6, 30)),
        ("D10", dt.datetime(2027, 6, 30), dt.date(2027, 6, 30)),  # noqa: DTZ001 (Excel dates are naive)
        ("D12", "1.5", Decimal("1.5")),
    ],
)
def test_accepted_spellings(cell: str, raw: object, expected: object) -> None:
    values, problems = read(edited(built(answers={}), {"Financial ERP": {cell: raw}}))
    assert problems == []
    code = QUESTIONS[int(cell[1:]) - 5].code
    assert values[code] == expected


def test_whole_number_refuses_decimals_and_text_in_number_cells() -> None:
    _values, problems = read(edited(built(), {"Financial ERP": {"D7": 12.5, "D12": "about 3"}}))
    assert [str(p) for p in problems] == [
        "Financial ERP!D7: 12.5 is not a whole number.",
        "Financial ERP!D12: “about 3” is not a number.",
    ]


def test_identification_of_another_workbook_is_read() -> None:
    opened = open_workbook(built(identity=Identity(5, 6, 7)), secret=SECRET)
    assert opened.identity == Identity(campaign_id=5, template_version_id=6, member_id=7)
    assert opened.cell_of("FIN-3") == ("Financial ERP", "D7")


def test_altered_identification_is_refused() -> None:
    wb = load_workbook(io.BytesIO(built()))
    wb[META_SHEET]["B4"] = 34  # another member's id
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(WorkbookError) as exc:
        open_workbook(out.getvalue(), secret=SECRET)
    assert "does not match its signature" in str(exc.value)


def test_other_secret_is_refused() -> None:
    with pytest.raises(WorkbookError, match="signature"):
        open_workbook(built(), secret=b"another site")


def test_workbook_without_identification_is_refused() -> None:
    wb = load_workbook(io.BytesIO(built()))
    del wb[META_SHEET]
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(WorkbookError, match="not downloaded from Interlocal"):
        open_workbook(out.getvalue(), secret=SECRET)


def test_moved_rows_are_reported() -> None:
    data = edited(built(), {"Financial ERP": {"A6": "FIN-9"}})
    _values, problems = read(data)
    assert [p.location for p in problems] == ["Financial ERP!A6"]
    assert "rows were moved" in problems[0].reason


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return out.getvalue()


def test_file_checks() -> None:
    good = built()
    assert check_file(good, filename="answers.xlsx", max_bytes=LIMIT) == []
    # Size limit
    assert "limit for a workbook" in str(check_file(good, filename="a.xlsx", max_bytes=1024)[0])
    # Empty, not a zip, CSV, old .xls
    assert "empty" in str(check_file(b"", filename="a.xlsx", max_bytes=LIMIT)[0])
    assert "not an Excel workbook" in str(check_file(b"hello", filename="a.xlsx", max_bytes=LIMIT)[0])
    assert "CSV" in str(check_file(b"a,b\n1,2\n", filename="a.csv", max_bytes=LIMIT)[0])
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert ".xls" in str(check_file(ole, filename="a.xls", max_bytes=LIMIT)[0])
    # Macro-enabled: by name, or a VBA project inside whatever the name
    assert "Macro-enabled" in str(check_file(good, filename="a.xlsm", max_bytes=LIMIT)[0])
    macro = _zip({**_entries(good), "xl/vbaProject.bin": b"\0vba"})
    assert "macros" in str(check_file(macro, filename="a.xlsx", max_bytes=LIMIT)[0])
    # A zip that is not a workbook, and a truncated (damaged) one
    assert "not an Excel workbook" in str(
        check_file(_zip({"a.txt": b"x"}), filename="a.xlsx", max_bytes=LIMIT)[0]
    )
    assert "damaged" in str(check_file(good[: len(good) // 2], filename="a.xlsx", max_bytes=LIMIT)[0])


def test_macro_content_type_is_refused() -> None:
    entries = _entries(built())
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    problems = check_file(_zip(entries), filename="a.xlsx", max_bytes=LIMIT)
    assert "macro-enabled" in str(problems[0])


def test_damaged_part_is_refused() -> None:
    entries = _entries(built())
    entries["xl/workbook.xml"] = b"<not xml"
    data = _zip(entries)
    assert check_file(data, filename="a.xlsx", max_bytes=LIMIT) == []
    with pytest.raises(WorkbookError, match="could not be read"):
        open_workbook(data, secret=SECRET)


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


# --- The fast cell reader ----------------------------------------------------------------------


def test_cell_reader_reads_what_openpyxl_reads() -> None:
    from openpyxl import Workbook

    from interlocal.lib.spreadsheets import XlsxReader as CellReader

    wb = Workbook()
    ws = wb.active
    ws.title = "Data sheet"
    values = {
        "A1": "text",
        "B1": 42,
        "C1": -3.25,
        "D1": True,
        "A2": dt.datetime(2027, 6, 30, 0, 0),  # noqa: DTZ001 (Excel dates are naive)
        "B2": "  spaced  ",
        "C2": "=1+1",
        "D2": "Ünïcödé – “quotes”",
    }
    for ref, value in values.items():
        ws[ref] = value
    ws["B2"].number_format = "@"
    out = io.BytesIO()
    wb.save(out)
    reader = CellReader(out.getvalue())
    assert reader.sheetnames == ["Data sheet"]
    cells = reader.read("Data sheet", "ABCD")
    expected = dict(values)
    # A formula with no cached result: openpyxl's data_only gives None, which would read as a blank
    # answer; the reader marks it so that the import can report it.
    from interlocal.lib.spreadsheets import UNCALCULATED

    expected["C2"] = UNCALCULATED
    assert {ref: cells.get(ref) for ref in expected} == expected
    assert reader.read("Data sheet", "B", first_row=2) == {"B2": "  spaced  "}


def test_cell_reader_inline_and_rich_strings_and_1904_dates() -> None:
    from interlocal.lib.spreadsheets import XlsxReader as CellReader

    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rels = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    entries = {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": (
            f'<workbook {main} {rels}><workbookPr date1904="1"/><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Target="/xl/worksheets/s.xml" Type="x"/></Relationships>'
        ),
        "xl/sharedStrings.xml": (
            f"<sst {main}><si><r><t>Rich </t></r><r><t>text</t></r><rPh><t>ignored</t></rPh></si></sst>"
        ).encode(),
        "xl/styles.xml": (
            f'<styleSheet {main}><numFmts><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
            '<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>'
        ).encode(),
        "xl/worksheets/s.xml": (
            f'<worksheet {main}><sheetData><row r="1">'
            '<c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>inline</t></is></c>'
            '<c r="C1" s="1"><v>1</v></c><c r="D1" t="b"><v>0</v></c><c r="E1" t="e"><v>#N/A</v></c>'
            "</row></sheetData></worksheet>"
        ).encode(),
    }
    cells = CellReader(_zip(entries)).read("S", "ABCDE")
    assert cells == {
        "A1": "Rich text",
        "B1": "inline",
        "C1": dt.datetime(1904, 1, 2),  # noqa: DTZ001
        "D1": False,
        "E1": "#N/A",
    }
