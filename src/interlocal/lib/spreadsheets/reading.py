"""The one reader of uploaded spreadsheets (.xlsx and .csv): streaming, and capped before
anything is expanded.

A 5 KB .xlsx can declare or hold a cell at XFD1048576, and a zip member can expand a
thousandfold; a reader that builds the grid first (openpyxl pads every row to the widest one)
then needs gigabytes. This reader checks, in this order, and refuses at the first problem with a
message that says what is wrong and where:

1. the file's size;
2. the zip package: the number of parts, each part's declared size, its compression ratio and
   the total (and while reading, the bytes actually decompressed, whatever the header claims);
3. each sheet's declared dimension (``<dimension ref="A1:ZZ100000">``) before any cell;
4. every row and cell reference as it streams past, against the row and column limits;
5. each value's length.

CSV files get the same row, column and cell-length limits, and `csv.Error` (a field over the
parser's limit, a NUL byte) becomes a `SpreadsheetError` naming the line.

Only the cells that exist are kept (a sparse dict) until `rows()` builds the small, bounded
grid. Values come back as openpyxl gives them: str, int, float, bool, datetime (cells with a date
format), or None. No Django here: callers translate `SpreadsheetError.message(translate)`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, cast
from xml.etree.ElementTree import XMLPullParser  # noqa: S405 - parts are size-capped; DTDs are refused

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

__all__ = [
    "UNCALCULATED",
    "Limits",
    "SpreadsheetError",
    "XlsxReader",
    "check_package",
    "column_letters",
    "read_csv",
    "read_table",
]


class _Uncalculated:
    """A formula cell saved without its result (by a program that does not calculate)."""

    def __repr__(self) -> str:
        return "UNCALCULATED"


# Read as blank, such a cell would clear an answer; the reader returns this marker instead, and
# callers report it as a problem of that cell.
UNCALCULATED: Any = _Uncalculated()

MiB = 1024 * 1024
_CHUNK = 64 * 1024
# Below this size a part may compress very well (an empty sheet, repeated styles) without being a bomb.
_RATIO_FLOOR = 1 * MiB


def _(text: str) -> str:
    """Marks a message for translation; the caller translates it (this module has no Django)."""
    return text


def _noop(text: str) -> str:
    return text


@dataclass(frozen=True)
class Limits:
    """How much of a spreadsheet an import accepts. The defaults suit a table of a few thousand rows."""

    max_bytes: int = 5 * MiB
    max_rows: int = 10_000
    max_columns: int = 200
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_parts: int = 1_000
    max_part_bytes: int = 64 * MiB
    max_expanded_bytes: int = 128 * MiB
    max_ratio: int = 100


class SpreadsheetError(ValueError):
    """The spreadsheet is refused: `where` (a part, a cell, a line) and what is wrong."""

    def __init__(self, template: str, *, where: str = "", damaged: bool = False, **params: Any) -> None:
        self.template = template
        self.where = where
        self.damaged = damaged  # broken rather than over a limit
        self.params = params
        super().__init__(self.message())

    def message(self, translate: Callable[[str], str] = _noop) -> str:
        text = translate(self.template).format(**self.params)
        return f"{self.where}: {text}" if self.where else text


def _size(size: int) -> str:
    if size < MiB:
        return f"{size / 1024:.0f} KB"
    return f"{size / MiB:.1f} MB"


def column_letters(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        if not "A" <= char <= "Z":
            raise ValueError(letters)
        index = index * 26 + ord(char) - 64
    return index


def _split_ref(ref: str) -> tuple[int, int]:
    """("ZZ100000") → (row 100000, column 702); ValueError when it is not a cell reference."""
    ref = ref.replace("$", "").upper()
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    if not letters or not digits or len(letters) > 3 or len(digits) > 7:
        raise ValueError(ref)
    return int(digits), _column_index(letters)


def _check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_bytes:
        raise SpreadsheetError(
            _("The file is {size}; the limit is {limit}."),
            size=_size(len(data)),
            limit=_size(limits.max_bytes),
        )
    if not data:
        raise SpreadsheetError(_("The file is empty."))


def check_package(zf: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a zip whose parts are too many, too large, too compressed or encrypted, from its
    directory alone (nothing is decompressed)."""
    infos = zf.infolist()
    if len(infos) > limits.max_parts:
        raise SpreadsheetError(
            _("The package has {count} parts; the limit is {limit}."),
            count=len(infos),
            limit=limits.max_parts,
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise SpreadsheetError(
                _("This part is encrypted; save the workbook without a password."), where=info.filename
            )
        if info.file_size > limits.max_part_bytes:
            raise SpreadsheetError(
                _("This part expands to {size}; the limit is {limit}."),
                where=info.filename,
                size=_size(info.file_size),
                limit=_size(limits.max_part_bytes),
            )
        if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise SpreadsheetError(
                _("This part expands {ratio}-fold ({size}); more than {limit}-fold is a zip bomb."),
                where=info.filename,
                ratio=info.file_size // max(info.compress_size, 1),
                size=_size(info.file_size),
                limit=limits.max_ratio,
            )
        total += info.file_size
    if total > limits.max_expanded_bytes:
        raise SpreadsheetError(
            _("The workbook expands to {size}; the limit is {limit}."),
            size=_size(total),
            limit=_size(limits.max_expanded_bytes),
        )


def _local(tag: str) -> str:
    """The tag without its namespace: transitional and strict OOXML use different ones."""
    return tag.rsplit("}", 1)[-1]


def _attr(element: Any, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (r:id is namespaced)."""
    value = element.get(name)
    if value is not None:
        return str(value)
    for key, val in element.attrib.items():
        if _local(key) == name:
            return str(val)
    return None


class XlsxReader:
    """Reads the cells of an .xlsx package within `limits`; SpreadsheetError for anything else."""

    def __init__(self, data: bytes, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        _check_size(data, self.limits)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
            raise SpreadsheetError(
                _("This is not an .xlsx file (it is not a zip package)."), damaged=True
            ) from None
        try:
            check_package(self._zip, self.limits)
            self._expanded = 0
            self._sheets = self._read_sheet_paths()
            self._strings = self._read_shared_strings()
            self._date_styles = self._read_date_styles()
        except SpreadsheetError:
            self._zip.close()
            raise
        except (KeyError, zipfile.BadZipFile, SyntaxError, ValueError, EOFError, OSError) as exc:
            self._zip.close()
            raise SpreadsheetError(
                _("The workbook is damaged or not an .xlsx file ({error})."), damaged=True, error=exc
            ) from None

    def __enter__(self) -> XlsxReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def sheetnames(self) -> list[str]:
        return list(self._sheets)

    def close(self) -> None:
        self._zip.close()

    def _chunks(self, name: str) -> Iterator[bytes]:
        """The part's bytes, counted as they are decompressed (a header may lie about the size)."""
        read = 0
        with self._zip.open(name) as stream:
            while chunk := stream.read(_CHUNK):
                read += len(chunk)
                self._expanded += len(chunk)
                if read > self.limits.max_part_bytes or self._expanded > self.limits.max_expanded_bytes:
                    raise SpreadsheetError(
                        _("This part expands past the limit of {limit}."),
                        where=name,
                        limit=_size(self.limits.max_part_bytes),
                    )
                if b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk:
                    raise SpreadsheetError(
                        _("The part declares a DTD, which a workbook never does."), where=name
                    )
                yield chunk

    def _pull(self, name: str, events: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
        """(event, element) pairs of a part, parsed as it is decompressed: memory stays small."""
        parser = XMLPullParser(events=events)
        for chunk in self._chunks(name):
            parser.feed(chunk)
            yield from cast("Iterator[tuple[str, Any]]", parser.read_events())
        parser.close()
        yield from cast("Iterator[tuple[str, Any]]", parser.read_events())

    def _ends(self, name: str) -> Iterator[Any]:
        for _event, element in self._pull(name, ("end",)):
            yield element

    def _read_sheet_paths(self) -> dict[str, str]:
        targets: dict[str, str] = {}
        for element in self._ends("xl/_rels/workbook.xml.rels"):
            if _local(element.tag) == "Relationship":
                target = element.get("Target") or ""
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                targets[element.get("Id") or ""] = path
        sheets: dict[str, str] = {}
        self._epoch = CALENDAR_WINDOWS_1900
        for element in self._ends("xl/workbook.xml"):
            tag = _local(element.tag)
            if tag == "sheet":
                sheets[element.get("name") or ""] = targets[_attr(element, "id") or ""]
            elif tag == "workbookPr" and element.get("date1904") in ("1", "true"):
                self._epoch = CALENDAR_MAC_1904
        if not sheets:
            raise SpreadsheetError(_("The workbook has no sheets."))
        return sheets

    def _read_shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self._zip.namelist():
            return []
        strings: list[str] = []
        parts: list[str] = []
        skip = 0
        for event, element in self._pull("xl/sharedStrings.xml", ("start", "end")):
            tag = _local(element.tag)
            if tag == "rPh":  # phonetic guides (East Asian) are not part of the text
                skip += 1 if event == "start" else -1
            elif event == "end" and tag == "t" and not skip:
                parts.append(element.text or "")
            elif event == "end" and tag == "si":
                strings.append("".join(parts))
                parts = []
                element.clear()
        return strings

    def _read_date_styles(self) -> set[int]:
        """Indexes of the cell styles (xf) whose number format is a date."""
        if "xl/styles.xml" not in self._zip.namelist():
            return set()
        custom: dict[int, str] = {}
        dates: set[int] = set()
        in_cell_xfs = False
        index = 0
        for event, element in self._pull("xl/styles.xml", ("start", "end")):
            tag = _local(element.tag)
            if tag == "numFmt" and event == "end":
                custom[int(element.get("numFmtId") or 0)] = element.get("formatCode") or ""
            elif tag == "cellXfs":
                in_cell_xfs = event == "start"
            elif tag == "xf" and in_cell_xfs and event == "start":
                fmt_id = int(element.get("numFmtId") or 0)
                code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, "General"))
                if is_date_format(code):
                    dates.add(index)
                index += 1
        return dates

    def _value(self, kind: str, style: str | None, raw: str | None, inline: str | None) -> Any:
        if kind == "inlineStr":
            return inline
        if raw is None:
            return None
        if kind == "s":
            return self._strings[int(raw)]
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(raw)
            except ValueError:
                return raw
        number: int | float
        number = int(raw) if raw.lstrip("-").isdigit() else float(raw)
        if style is not None and int(style) in self._date_styles:
            try:
                return from_excel(number, self._epoch)
            except (OverflowError, ValueError):
                return number
        return number

    def _outside(self, sheet: str, ref: str, row: int, column: int, *, declared: bool = False) -> None:
        limits = self.limits
        if row > limits.max_rows or column > limits.max_columns:
            what = (
                _("the sheet declares cells up to {ref}; the limit is {rows} rows and {columns} columns.")
                if declared
                else _("the cell {ref} is outside the limit of {rows} rows and {columns} columns.")
            )
            raise SpreadsheetError(
                what, where=f"{sheet}!{ref}", ref=ref, rows=limits.max_rows, columns=limits.max_columns
            )

    def cells(self, sheet: str) -> Iterator[tuple[int, int, str, Any]]:
        """(row, column, "D7", value) of every cell of `sheet` that holds something, in order."""
        try:
            part = self._sheets[sheet]
        except KeyError:
            raise SpreadsheetError(_("The sheet is missing."), where=sheet) from None
        row = 0
        column = 0
        try:
            for event, element in self._pull(part, ("start", "end")):
                tag = _local(element.tag)
                if event == "start":
                    if tag == "dimension":
                        ref = (element.get("ref") or "A1").split(":")[-1]
                        last_row, last_column = _split_ref(ref)
                        self._outside(sheet, ref, last_row, last_column, declared=True)
                    elif tag == "row":
                        row = int(element.get("r") or row + 1)
                        column = 0
                        self._outside(sheet, f"A{row}", row, 1)
                    continue
                if tag == "row":
                    element.clear()  # its cells are read; keep memory flat on long sheets
                    continue
                if tag != "c":
                    continue
                ref = element.get("r")
                if ref:
                    row, column = _split_ref(ref)
                else:
                    column += 1
                    ref = f"{column_letters(column)}{row}"
                self._outside(sheet, ref, row, column)
                raw = inline = None
                formula = False
                for child in element:
                    child_tag = _local(child.tag)
                    if child_tag == "v":
                        raw = child.text
                    elif child_tag == "f":
                        formula = True
                    elif child_tag == "is":
                        inline = "".join(t.text or "" for t in child.iter() if _local(t.tag) == "t")
                if formula and raw is None:
                    element.clear()
                    yield row, column, ref, UNCALCULATED
                    continue
                value = self._value(element.get("t") or "n", element.get("s"), raw, inline)
                element.clear()
                if value is None:
                    continue
                if isinstance(value, str) and len(value) > self.limits.max_cell_chars:
                    raise SpreadsheetError(
                        _("the cell holds more than {limit} characters."),
                        where=f"{sheet}!{ref}",
                        limit=self.limits.max_cell_chars,
                    )
                yield row, column, ref, value
        except SpreadsheetError:
            raise
        except (SyntaxError, ValueError, IndexError, KeyError, zipfile.BadZipFile, EOFError, OSError) as exc:
            raise SpreadsheetError(
                _("The sheet is damaged ({error})."), where=sheet, damaged=True, error=exc
            ) from None

    def read(
        self, sheet: str, columns: Iterable[str], first_row: int = 1, last_row: int | None = None
    ) -> dict[str, Any]:
        """{"D7": value} for the cells of `columns` (letters) in rows first_row..last_row."""
        wanted = {_column_index(c.upper()) for c in columns}
        return {
            ref: value
            for row, column, ref, value in self.cells(sheet)
            if column in wanted and row >= first_row and (last_row is None or row <= last_row)
        }

    def rows(self, sheet: str | int = 0) -> list[list[Any]]:
        """The sheet as rows of values (None for blanks), up to its last row and column in use."""
        name = self.sheetnames[sheet] if isinstance(sheet, int) else sheet
        found = {(row, column): value for row, column, _ref, value in self.cells(name)}
        if not found:
            return []
        height = max(r for r, _c in found)
        width = max(c for _r, c in found)
        return [[found.get((r, c)) for c in range(1, width + 1)] for r in range(1, height + 1)]


def read_csv(data: bytes | str, limits: Limits | None = None) -> list[list[str]]:
    """The rows of a CSV file (UTF-8, a byte-order mark allowed), within `limits`."""
    limits = limits or Limits()
    if isinstance(data, bytes):
        _check_size(data, limits)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError(
                _("The CSV file must be UTF-8 encoded (byte {position} is not)."), position=exc.start + 1
            ) from None
    else:
        text = data
    reader = csv.reader(io.StringIO(text))
    rows: list[list[str]] = []
    try:
        for row in reader:
            where = _("line {line}").format(line=reader.line_num)
            if len(rows) >= limits.max_rows:
                raise SpreadsheetError(
                    _("the file has more than {limit} rows."), where=where, limit=limits.max_rows
                )
            if len(row) > limits.max_columns:
                raise SpreadsheetError(
                    _("the row has {count} columns; the limit is {limit}."),
                    where=where,
                    count=len(row),
                    limit=limits.max_columns,
                )
            for index, value in enumerate(row, start=1):
                if len(value) > limits.max_cell_chars:
                    raise SpreadsheetError(
                        _("the value in column {column} holds more than {limit} characters."),
                        where=where,
                        column=column_letters(index),
                        limit=limits.max_cell_chars,
                    )
            rows.append(row)
    except csv.Error as exc:
        line = reader.line_num
        if "field larger than field limit" in str(exc):
            raise SpreadsheetError(
                _("a value holds more than {limit} characters."),
                where=_("line {line}").format(line=line),
                limit=limits.max_cell_chars,
            ) from None
        raise SpreadsheetError(
            _("the CSV cannot be read ({error})."), where=_("line {line}").format(line=line), error=exc
        ) from None
    return rows


def read_table(
    filename: str, data: bytes, limits: Limits | None = None, *, sheet: str | int = 0
) -> list[list[Any]]:
    """The first sheet of an .xlsx, or a .csv, as rows (chosen by the file name's suffix)."""
    suffix = PurePath(filename).suffix.casefold()
    if suffix == ".xlsx":
        with XlsxReader(data, limits) as reader:
            return reader.rows(sheet)
    if suffix == ".csv":
        return cast("list[list[Any]]", read_csv(data, limits))
    raise SpreadsheetError(_("Upload a .csv or .xlsx file."))
