"""Reading an uploaded workbook back: checks of the file itself, its signed identification, and
every answer cell. Every problem is collected (not just the first), located by sheet and cell."""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from interlocal.assessment.xlsx.signing import FORMAT_VERSION, META_SHEET, verify
from interlocal.assessment.xlsx.spec import Identity, Problem, QuestionSpec, Translate, noop
from interlocal.assessment.xlsx.spec import noop as _
from interlocal.assessment.xlsx.values import ParseError, parse_value
from interlocal.lib.spreadsheets import UNCALCULATED, Limits, SpreadsheetError, XlsxReader, check_package

__all__ = [
    "OpenedWorkbook",
    "WorkbookError",
    "check_file",
    "open_workbook",
    "read_answers",
]

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-encrypted .xlsx
_MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlam"}
_REFUSED_SUFFIXES = {".xls": "xls", ".xlsb": "xlsb", ".ods": "ods", ".csv": "csv"}
# A workbook of a few hundred questions expands to well under a megabyte; a zip that expands to
# far more is a decompression bomb, not a workbook.
MAX_EXPANDED_BYTES = 64 * 1024 * 1024
# What the shared reader accepts: thousands of questions, one list column per distinct drop-down.
# The file's own size is checked first by check_file (ASSESSMENT_WORKBOOK_MAX_BYTES).
READ_LIMITS = Limits(
    max_bytes=256 * 1024 * 1024,
    max_rows=20_000,
    max_columns=1_000,
    max_part_bytes=MAX_EXPANDED_BYTES,
    max_expanded_bytes=MAX_EXPANDED_BYTES,
)


class WorkbookError(Exception):
    """The workbook cannot be used; `problems` says everything that is wrong with it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class OpenedWorkbook:
    """A workbook whose file and identification passed the checks."""

    identity: Identity
    layout: list[tuple[str, str, str]]
    generated_at: str
    workbook: XlsxReader = field(repr=False)

    def cell_of(self, code: str) -> tuple[str, str]:
        """(sheet, cell) of the answer to question `code`; ("", "") if it has none."""
        for entry_code, sheet, cell in self.layout:
            if entry_code == code:
                return sheet, cell
        return "", ""


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def check_file(
    data: bytes, *, filename: str = "", max_bytes: int, translate: Translate = noop
) -> list[Problem]:
    """Problems with the file as a file: size, format, macros, damage. Empty when it is an .xlsx."""
    if len(data) > max_bytes:
        return [
            Problem(
                translate(_("The file is {size}; the limit for a workbook is {limit}.")).format(
                    size=_size(len(data)), limit=_size(max_bytes)
                )
            )
        ]
    if not data:
        return [Problem(translate(_("The file is empty.")))]
    suffix = PurePath(filename).suffix.casefold() if filename else ""
    if suffix in _MACRO_SUFFIXES:
        return [
            Problem(
                translate(
                    _("Macro-enabled workbooks ({suffix}) are refused; save it as an Excel Workbook (.xlsx).")
                ).format(suffix=suffix)
            )
        ]
    if data.startswith(_OLE_MAGIC):
        return [
            Problem(
                translate(
                    _(
                        "This is an old-format Excel file (.xls) or a password-protected workbook; "
                        "save it as an Excel Workbook (.xlsx) without a password."
                    )
                )
            )
        ]
    if not data.startswith(_ZIP_MAGIC):
        kind = _REFUSED_SUFFIXES.get(suffix)
        if kind == "csv":
            return [Problem(translate(_("This is a CSV file, not an Excel workbook (.xlsx).")))]
        return [
            Problem(translate(_("This is not an Excel workbook (.xlsx); download the campaign's workbook.")))
        ]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {info.filename.casefold() for info in infos}
            if any(name.endswith("vbaproject.bin") for name in names):
                return [
                    Problem(
                        translate(
                            _(
                                "The workbook contains macros (a VBA project); save it as an Excel "
                                "Workbook (.xlsx) without macros."
                            )
                        )
                    )
                ]
            if "mimetype" in names and b"opendocument" in zf.read("mimetype"):
                return [
                    Problem(translate(_("This is an OpenDocument spreadsheet (.ods); save it as .xlsx.")))
                ]
            if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
                if "xl/workbook.bin" in names:
                    return [Problem(translate(_("This is a binary workbook (.xlsb); save it as .xlsx.")))]
                return [Problem(translate(_("This is a zip file but not an Excel workbook (.xlsx).")))]
            content_types = zf.read("[Content_Types].xml")
            if b"macroEnabled" in content_types or b"vbaProject" in content_types:
                return [
                    Problem(
                        translate(_("The workbook is macro-enabled; save it as an Excel Workbook (.xlsx)."))
                    )
                ]
            try:
                check_package(zf, READ_LIMITS)
            except SpreadsheetError as exc:
                return [
                    Problem(
                        translate(_("The workbook expands to an implausible size; it is refused."))
                        + " "
                        + exc.message(translate)
                    )
                ]
            damaged = zf.testzip()
            if damaged is not None:
                return [
                    Problem(
                        translate(_("The file is damaged (part {part} is corrupt); save it again.")).format(
                            part=damaged
                        )
                    )
                ]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError, NotImplementedError):
        return [Problem(translate(_("The file is damaged or not an Excel workbook (.xlsx).")))]
    return []


def _damaged_identification(translate: Translate) -> WorkbookError:
    return WorkbookError(
        [
            Problem(
                translate(
                    _(
                        "The workbook's hidden identification is damaged; download a new workbook and "
                        "copy your answers into it."
                    )
                )
            )
        ]
    )


def open_workbook(
    data: bytes, *, secret: bytes | Sequence[bytes], translate: Translate = noop
) -> OpenedWorkbook:
    """Open a file that passed `check_file` and verify its identification; WorkbookError if not.

    `secret` may be several keys (the current one first, then retired ones), so that workbooks
    downloaded before a key rotation are still recognised.
    """
    damaged = WorkbookError(
        [Problem(translate(_("The workbook could not be read: it is damaged or not a valid .xlsx file.")))]
    )
    try:
        wb = XlsxReader(data, READ_LIMITS)
    except SpreadsheetError as exc:
        if exc.damaged:
            raise damaged from None
        raise WorkbookError([Problem(exc.message(translate))]) from None
    if META_SHEET not in wb.sheetnames:
        wb.close()
        raise WorkbookError(
            [
                Problem(
                    translate(
                        _(
                            "This workbook was not downloaded from Interlocal for a campaign (its "
                            "identification is missing); download the campaign's workbook and enter "
                            "your answers there."
                        )
                    )
                )
            ]
        )
    try:
        meta = wb.read(META_SHEET, "ABC")
    except SpreadsheetError as exc:
        wb.close()
        if exc.damaged:
            raise damaged from None
        raise WorkbookError([Problem(exc.message(translate))]) from None
    last_row = max((int(ref[1:]) for ref in meta), default=0)
    rows = [tuple(meta.get(f"{col}{row}") for col in "ABC") for row in range(1, last_row + 1)]
    head: dict[str, Any] = {str(r[0]): r[1] for r in rows[:7] if r[0] is not None}
    try:
        if int(head.get("interlocal-workbook") or 0) != FORMAT_VERSION:
            raise ValueError
        identity = Identity(
            campaign_id=int(head["campaign_id"]),
            template_version_id=int(head["template_version_id"]),
            member_id=int(head["member_id"]),
        )
        layout = [(str(r[0]), str(r[1]), str(r[2])) for r in rows[8:] if r[0] is not None]
        signature = str(head.get("signature") or "")
    except (KeyError, TypeError, ValueError, IndexError):
        wb.close()
        raise _damaged_identification(translate) from None
    keys = [secret] if isinstance(secret, bytes) else list(secret)
    if not any(verify(identity, layout, signature, key) for key in keys):
        wb.close()
        raise WorkbookError(
            [
                Problem(
                    translate(
                        _(
                            "The workbook's identification does not match its signature: it was altered "
                            "or comes from another Interlocal site. Download a new workbook."
                        )
                    )
                )
            ]
        )
    return OpenedWorkbook(
        identity=identity, layout=layout, generated_at=str(head.get("generated_at") or ""), workbook=wb
    )


def read_answers(
    opened: OpenedWorkbook, questions: Mapping[str, QuestionSpec], *, translate: Translate = noop
) -> tuple[dict[str, Any], list[Problem]]:
    """The typed answer of every question (None for blank) and every problem found, by cell."""
    wb = opened.workbook
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    by_sheet: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for code, sheet, coordinate in opened.layout:
        column, row = coordinate_from_string(coordinate)
        by_sheet[sheet].append((code, row, column_index_from_string(column)))
    try:
        for sheet, entries in by_sheet.items():
            if sheet not in wb.sheetnames:
                problems.append(
                    Problem(translate(_("The sheet “{sheet}” is missing.")).format(sheet=sheet), sheet=sheet)
                )
                continue
            first = min(row for _c, row, _col in entries)
            last = max(row for _c, row, _col in entries)
            columns = {"A", *(get_column_letter(col) for _c, _row, col in entries)}
            try:
                grid = wb.read(sheet, columns, first_row=first, last_row=last)
            except SpreadsheetError as exc:
                message = (
                    translate(_("The sheet “{sheet}” could not be read: it is damaged.")).format(sheet=sheet)
                    if exc.damaged
                    else exc.message(translate)
                )
                problems.append(Problem(message, sheet=sheet))
                continue
            for code, row, col in entries:
                cell = f"{get_column_letter(col)}{row}"
                found_code = grid.get(f"A{row}")
                if str(found_code or "").strip() != code:
                    problems.append(
                        Problem(
                            translate(
                                _(
                                    "Expected the question {code} on this row (found “{found}”); the sheet's "
                                    "rows were moved. Download a new workbook."
                                )
                            ).format(code=code, found=found_code or ""),
                            sheet=sheet,
                            cell=f"A{row}",
                            code=code,
                        )
                    )
                    continue
                question = questions.get(code)
                if question is None:
                    problems.append(
                        Problem(
                            translate(_("The question {code} is not in the campaign's template.")).format(
                                code=code
                            ),
                            sheet=sheet,
                            cell=cell,
                            code=code,
                        )
                    )
                    continue
                raw = grid.get(cell)
                if raw is UNCALCULATED:
                    problems.append(
                        Problem(
                            translate(
                                _(
                                    "This cell holds a formula with no saved result; open the workbook in "
                                    "Excel (or LibreOffice), let it calculate and save it, or type the value."
                                )
                            ),
                            sheet=sheet,
                            cell=cell,
                            code=code,
                        )
                    )
                    continue
                try:
                    values[code] = parse_value(question, raw, translate)
                except ParseError as exc:
                    problems.append(Problem(str(exc), sheet=sheet, cell=cell, code=code))
    finally:
        wb.close()
    missing = [code for code in questions if code not in {c for c, _s, _cell in opened.layout}]
    for code in missing:
        problems.append(
            Problem(
                translate(_("The question {code} has no answer cell in this workbook.")).format(code=code)
            )
        )
    return values, problems
