"""Building a member's pre-filled workbook for a campaign (openpyxl).

Sheets: a cover (campaign, member, deadline, instructions, a table of sections with live
"answered" counts), one sheet per template section (code, question, guidance, answer, unit,
required), and two very hidden sheets: the lists behind the drop-downs and the signed
identification. Every sheet is protected so that only the answer cells can change; the drop-downs
and number/date rules guide people while they type, and the import checks everything again.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Sequence
from copy import copy
from decimal import Decimal
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from interlocal.assessment.xlsx.signing import FORMAT_VERSION, LIST_SHEET, META_SHEET, sign
from interlocal.assessment.xlsx.spec import (
    DATE,
    MULTIPLE,
    NUMBER,
    SCALED,
    SINGLE,
    TEXT,
    YES_NO,
    QuestionSpec,
    SectionSpec,
    Translate,
    WorkbookSpec,
    noop,
)
from interlocal.assessment.xlsx.spec import noop as _
from interlocal.assessment.xlsx.values import (
    DATE_MAX,
    DATE_MIN,
    MULTIPLE_SEPARATOR,
    display_value,
    scale_options,
    yes_no_options,
)
from interlocal.lib.spreadsheets import workbook_bytes

__all__ = ["ANSWER_COLUMN", "FIRST_ROW", "build_workbook", "sheet_names"]

ANSWER_COLUMN = "D"
CODE_COLUMN = "A"
HEADER_ROW = 4
FIRST_ROW = 5
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_NUMBER_LIMIT = Decimal("1e15")

_TITLE = Font(bold=True, size=16)
_HEADING = Font(bold=True, size=12)
_BOLD = Font(bold=True)
_MUTED = Font(color="555555", italic=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_FILL = PatternFill("solid", fgColor="D9E8F6")
_ANSWER_FILL = PatternFill("solid", fgColor="FFF6D5")
_THIN = Side(style="thin", color="8A8A8A")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNLOCKED = Protection(locked=False)


def _sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, none of []:*?/\\, not case-clashing)."""
    base = " ".join(_FORBIDDEN.sub(" ", title).split()).strip("'") or "Section"
    base = base[:31].rstrip()
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)].rstrip() + suffix
        n += 1
    taken.add(name.casefold())
    return name


def sheet_names(sections: Sequence[SectionSpec], reserved: Iterable[str]) -> list[str]:
    """The sheet name of each section, in order."""
    taken = {r.casefold() for r in reserved}
    return [_sheet_name(section.title, taken) for section in sections]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


class _Lists:
    """Drop-down entries on the hidden list sheet, one column per distinct list."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.ranges: dict[tuple[str, ...], str] = {}

    def range_for(self, options: Sequence[str]) -> str:
        key = tuple(options)
        if key not in self.ranges:
            column = get_column_letter(len(self.ranges) + 1)
            for row, option in enumerate(options, start=1):
                self.ws[f"{column}{row}"] = option
            self.ranges[key] = f"{_quoted(LIST_SHEET)}!${column}$1:${column}${len(options)}"
        return self.ranges[key]


class _Styles:
    """Cell styles by name: set once through openpyxl's style objects, then copied.

    Assigning Font/Border/Fill objects to each cell makes openpyxl hash them every time (most of
    the export's time); copying the style array of a cell styled once is cheap.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, Any] = {}

    def apply(self, cell: Any, name: str) -> None:
        if name in self._arrays:
            cell._style = copy(self._arrays[name])
            return
        cell.border = _BOX
        cell.alignment = _WRAP
        if name.startswith("answer-"):
            kind = name.removeprefix("answer-")
            cell.protection = _UNLOCKED
            cell.fill = _ANSWER_FILL
            cell.alignment = Alignment(wrap_text=kind in (TEXT, MULTIPLE), vertical="top")
            if kind == DATE:
                cell.number_format = "yyyy-mm-dd"
            elif kind in (TEXT, MULTIPLE, SINGLE):
                # Text format keeps entries such as "007" or "1-2" as typed.
                cell.number_format = "@"
        self._arrays[name] = copy(cell._style)


def _number(value: Decimal | None) -> str:
    return format(Decimal(value).normalize(), "f") if value is not None else ""


def _guidance(q: QuestionSpec, translate: Translate) -> str:
    """What to type, in words: shown beside the answer cell and as its input message."""
    if q.kind == SCALED:
        return translate(_("Choose 1–{size} from the list: {options}.")).format(
            size=len(scale_options(q)), options="; ".join(scale_options(q))
        )
    if q.kind == YES_NO:
        return translate(_("Choose Yes or No."))
    if q.kind == NUMBER:
        what = translate(_("A whole number")) if q.whole_number else translate(_("A number"))
        if q.min_value is not None and q.max_value is not None:
            return translate(_("{what} from {minimum} to {maximum}.")).format(
                what=what, minimum=_number(q.min_value), maximum=_number(q.max_value)
            )
        if q.min_value is not None:
            return translate(_("{what}, at least {minimum}.")).format(what=what, minimum=_number(q.min_value))
        if q.max_value is not None:
            return translate(_("{what}, at most {maximum}.")).format(what=what, maximum=_number(q.max_value))
        return f"{what}."
    if q.kind == SINGLE:
        return translate(_("Choose one from the list: {choices}.")).format(choices="; ".join(q.choices))
    if q.kind == MULTIPLE:
        return translate(_("Type one or more of: {choices}. Separate them with semicolons ({sep}).")).format(
            choices="; ".join(q.choices), sep=MULTIPLE_SEPARATOR
        )
    if q.kind == DATE:
        return translate(_("A date, e.g. 2027-06-30."))
    return translate(_("Free text, up to {limit} characters.")).format(limit=q.max_length)


def _validation(q: QuestionSpec, lists: _Lists, translate: Translate) -> DataValidation | None:
    guidance = _guidance(q, translate)
    dv: DataValidation
    if q.kind in (SCALED, YES_NO, SINGLE):
        if q.kind == SCALED:
            options = scale_options(q)
        elif q.kind == YES_NO:
            options = yes_no_options(translate)
        else:
            options = list(q.choices)
        if not options:
            return None
        dv = DataValidation(type="list", formula1=lists.range_for(options), allow_blank=True)
        dv.error = translate(_("Choose a value from the list."))
    elif q.kind == NUMBER:
        kind: Literal["whole", "decimal"] = "whole" if q.whole_number else "decimal"
        low = q.min_value if q.min_value is not None else -_NUMBER_LIMIT
        high = q.max_value if q.max_value is not None else _NUMBER_LIMIT
        dv = DataValidation(
            type=kind, operator="between", formula1=_number(low), formula2=_number(high), allow_blank=True
        )
        dv.error = guidance
    elif q.kind == DATE:
        dv = DataValidation(
            type="date",
            operator="between",
            formula1=str(int(to_excel(DATE_MIN))),
            formula2=str(int(to_excel(DATE_MAX))),
            allow_blank=True,
        )
        dv.error = guidance
    elif q.kind == TEXT:
        dv = DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1=str(q.max_length), allow_blank=True
        )
        dv.error = guidance
    else:
        # Multiple choice has no Excel rule for "several of a list": the input message explains
        # the convention and the import checks each entry.
        dv = DataValidation(allow_blank=True)
    dv.showErrorMessage = q.kind != MULTIPLE
    dv.errorStyle = "stop"
    dv.errorTitle = _clip(translate(_("Not a valid answer")), 32)
    dv.error = _clip(dv.error or guidance, 255)
    dv.showInputMessage = True
    dv.promptTitle = _clip(q.code, 32)
    dv.prompt = _clip(guidance, 255)
    return dv


def _protect(ws: Worksheet, password: str) -> None:
    ws.protection.sheet = True
    ws.protection.password = password
    # People may still resize rows and columns to read long questions.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False


def _print_setup(ws: Worksheet, title_rows: str | None = None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


def _section_sheet(
    ws: Worksheet,
    section: SectionSpec,
    spec: WorkbookSpec,
    lists: _Lists,
    layout: list[tuple[str, str, str]],
    translate: Translate,
) -> None:
    ws["A1"] = section.title
    ws["A1"].font = _TITLE
    intro = [part for part in (section.area, section.description) if part]
    intro.append(translate(_("Answer in the yellow cells of column D; the other cells are locked.")))
    ws["A2"] = " — ".join(intro)
    ws["A2"].font = _MUTED
    ws["A2"].alignment = _WRAP
    ws.merge_cells("A2:F2")
    ws.row_dimensions[2].height = 32
    headers = [
        translate(_("Code")),
        translate(_("Question")),
        translate(_("Guidance")),
        translate(_("Answer")),
        translate(_("Unit")),
        translate(_("Required")),
    ]
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BOX
        cell.alignment = _WRAP
    for width, letter in zip((14, 60, 44, 30, 14, 10), "ABCDEF", strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{FIRST_ROW}"
    required_label = translate(_("Required"))
    styles = _Styles()
    for row, q in enumerate(section.questions, start=FIRST_ROW):
        guidance = _guidance(q, translate)
        texts = (q.code, q.text, f"{q.help}\n{guidance}" if q.help else guidance)
        for col, text in enumerate(texts, start=1):
            styles.apply(ws.cell(row=row, column=col, value=text), "text")
        answer = ws.cell(row=row, column=4, value=display_value(q, spec.answers.get(q.code), translate))
        styles.apply(answer, f"answer-{q.kind}")
        styles.apply(ws.cell(row=row, column=5, value=q.unit or None), "text")
        styles.apply(ws.cell(row=row, column=6, value=required_label if q.required else None), "text")
        dv = _validation(q, lists, translate)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(answer.coordinate)
        layout.append((q.code, ws.title, answer.coordinate))
    _print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}")


def _date_text(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _cover_sheet(ws: Worksheet, spec: WorkbookSpec, names: list[str], translate: Translate) -> list[str]:
    ws["A1"] = translate(_("Needs assessment workbook"))
    ws["A1"].font = _TITLE
    facts = [
        (translate(_("Campaign")), spec.campaign_name),
        (translate(_("Consortium")), spec.consortium_name),
        (translate(_("Member")), spec.member_name),
        (translate(_("Template")), spec.template_name),
        (translate(_("Deadline")), _date_text(spec.deadline)),
        (translate(_("Downloaded")), _date_text(spec.generated_at)),
    ]
    row = 3
    for label, value in facts:
        ws.cell(row=row, column=1, value=label).font = _BOLD
        ws.cell(row=row, column=2, value=value)
        row += 1
    row += 1
    ws.cell(row=row, column=1, value=translate(_("How to fill in this workbook"))).font = _HEADING
    row += 1
    steps = [
        *spec.instructions,
        translate(
            _("Answer in the yellow cells (column D) of each section's sheet; everything else is locked.")
        ),
        translate(_("Use the drop-down lists where there are any; a blank cell means no answer.")),
        translate(_("Multiple choice: type the choices separated by semicolons, e.g. “Email; Phone”.")),
        translate(_("Dates: use an Excel date or type YYYY-MM-DD. Numbers: in the unit shown in column E.")),
        translate(
            _(
                "Do not rename sheets or copy answers into another member's or campaign's workbook: "
                "the upload recognises the workbook it was downloaded as."
            )
        ),
        translate(
            _(
                "Upload the saved .xlsx file on the campaign's upload page. It is checked as a whole: "
                "if anything is wrong you get a list of every problem (sheet, cell and reason) and "
                "nothing is stored until the whole file is right."
            )
        ),
    ]
    if spec.upload_url:
        steps.append(translate(_("Upload page: {url}")).format(url=spec.upload_url))
    for n, step in enumerate(steps, start=1):
        ws.cell(row=row, column=1, value=f"{n}.").alignment = Alignment(horizontal="right", vertical="top")
        cell = ws.cell(row=row, column=2, value=step)
        cell.alignment = _WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        ws.row_dimensions[row].height = 30 if len(step) > 90 else 16
        row += 1
    row += 1
    ws.cell(row=row, column=1, value=translate(_("Sections"))).font = _HEADING
    row += 1
    for col, header in enumerate(
        [
            translate(_("Sheet")),
            translate(_("Service area")),
            translate(_("Questions")),
            translate(_("Answered")),
            translate(_("Required")),
        ],
        start=1,
    ):
        cell = ws.cell(row=row, column=col, value=header)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BOX
    row += 1
    formulas: list[str] = []
    for name, section in zip(names, spec.sections, strict=True):
        count = len(section.questions)
        last = FIRST_ROW + max(count, 1) - 1
        link = ws.cell(row=row, column=1, value=name)
        link.hyperlink = f"#{_quoted(name)}!A1"
        link.font = Font(color="005EA2", underline="single")
        ws.cell(row=row, column=2, value=section.area or None)
        ws.cell(row=row, column=3, value=count)
        answer_range = f"{_quoted(name)}!{ANSWER_COLUMN}{FIRST_ROW}:{ANSWER_COLUMN}{last}"
        formulas.append(ws.cell(row=row, column=4, value=f"=COUNTA({answer_range})").coordinate)
        ws.cell(row=row, column=5, value=sum(1 for q in section.questions if q.required))
        for col in range(1, 6):
            ws.cell(row=row, column=col).border = _BOX
        row += 1
    for letter, width in zip("ABCDE", (24, 40, 12, 12, 12), strict=True):
        ws.column_dimensions[letter].width = width
    _print_setup(ws)
    return formulas


def _meta_sheet(ws: Worksheet, spec: WorkbookSpec, layout: list[tuple[str, str, str]], secret: bytes) -> None:
    identity = spec.identity
    rows: list[tuple[str, Any]] = [
        ("interlocal-workbook", FORMAT_VERSION),
        ("campaign_id", identity.campaign_id),
        ("template_version_id", identity.template_version_id),
        ("member_id", identity.member_id),
        ("generated_at", _date_text(spec.generated_at)),
        ("signature", sign(identity, layout, secret)),
    ]
    for row, (key, value) in enumerate(rows, start=1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=value)
    ws.cell(row=8, column=1, value="code")
    ws.cell(row=8, column=2, value="sheet")
    ws.cell(row=8, column=3, value="cell")
    for row, (code, sheet, cell) in enumerate(layout, start=9):
        ws.cell(row=row, column=1, value=code)
        ws.cell(row=row, column=2, value=sheet)
        ws.cell(row=row, column=3, value=cell)
    ws.sheet_state = "veryHidden"


def build_workbook(spec: WorkbookSpec, *, secret: bytes, translate: Translate = noop) -> bytes:
    """The .xlsx file (bytes) of `spec`: pre-filled, validated, protected and signed."""
    wb = Workbook()
    cover = wb.worksheets[0]
    cover.title = _clip(translate(_("Cover")), 31)
    names = sheet_names(spec.sections, reserved=[cover.title, META_SHEET, LIST_SHEET])
    lists_ws = wb.create_sheet(LIST_SHEET)
    lists_ws.sheet_state = "veryHidden"
    lists = _Lists(lists_ws)
    # Nobody types a password: it only keeps the structure from changing by accident.
    password = secrets.token_urlsafe(12)
    layout: list[tuple[str, str, str]] = []
    for name, section in zip(names, spec.sections, strict=True):
        ws = wb.create_sheet(name)
        _section_sheet(ws, section, spec, lists, layout, translate)
        _protect(ws, password)
    formulas = _cover_sheet(cover, spec, names, translate)
    _protect(cover, password)
    _meta_sheet(wb.create_sheet(META_SHEET), spec, layout, secret)
    # Keep the hidden sheets at the end, where Excel expects no visible tab to follow them.
    wb.move_sheet(LIST_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LIST_SHEET))
    wb.security = WorkbookProtection(workbookPassword=password, lockStructure=True)
    wb.active = 0
    wb.properties.title = f"{spec.campaign_name} — {spec.member_name}"
    wb.properties.creator = "Interlocal"
    # People's text (member, consortium, area and question names) is never a formula; the
    # cover's COUNTA cells are the only formulas, and this code wrote them.
    return workbook_bytes(wb, formulas=[(cover.title, ref) for ref in formulas])
