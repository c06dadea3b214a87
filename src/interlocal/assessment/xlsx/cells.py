"""A small, fast reader of cell values from an .xlsx file: only the cells asked for.

openpyxl builds an object for every element of every sheet (data validations, styles, formats),
which took most of the time of an import: about 0.6 s for a 300-question workbook on the project's
machine. Reading a workbook back needs far less: the sheet names, the shared strings, which
styles are dates, and a few cells per row. This reader streams each sheet's XML with ElementTree
and keeps only the cells asked for (about ten times faster). Values come back as openpyxl gives
them: str, int, float, bool, datetime (cells with a date format), or None.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, cast
from xml.etree.ElementTree import XMLPullParser  # noqa: S405 - input size is limited; no DTDs are expanded

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

__all__ = ["UNCALCULATED", "CellReader", "CellReaderError"]

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CHUNK = 64 * 1024


class _Uncalculated:
    """A formula cell saved without its result (by a program that does not calculate)."""

    def __repr__(self) -> str:
        return "UNCALCULATED"


# Read as blank, such a cell would clear an answer; the reader returns this marker instead.
UNCALCULATED: Any = _Uncalculated()


class CellReaderError(ValueError):
    """The package is not a readable workbook (missing part, bad XML)."""


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


def _pull(data: bytes, events: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """(event, element) pairs, parsed in chunks so memory stays small for any sheet size."""
    parser = XMLPullParser(events=events)
    for start in range(0, len(data), _CHUNK):
        parser.feed(data[start : start + _CHUNK])
        yield from cast("Iterator[tuple[str, Any]]", parser.read_events())
    parser.close()
    yield from cast("Iterator[tuple[str, Any]]", parser.read_events())


def _events(data: bytes) -> Iterator[Any]:
    """The elements of `data` as each one ends."""
    for _event, element in _pull(data, ("end",)):
        yield element


class CellReader:
    """Reads cell values of an .xlsx package that passed the file checks."""

    def __init__(self, data: bytes) -> None:
        import io

        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            self._sheets = self._read_sheet_paths()
            self._strings = self._read_shared_strings()
            self._date_styles = self._read_date_styles()
        except (KeyError, zipfile.BadZipFile, SyntaxError, ValueError) as exc:
            raise CellReaderError(str(exc)) from None

    @property
    def sheetnames(self) -> list[str]:
        return list(self._sheets)

    def close(self) -> None:
        self._zip.close()

    def _part(self, name: str) -> bytes:
        return self._zip.read(name)

    def _read_sheet_paths(self) -> dict[str, str]:
        workbook = self._part("xl/workbook.xml")
        targets: dict[str, str] = {}
        for element in _events(self._part("xl/_rels/workbook.xml.rels")):
            if _local(element.tag) == "Relationship":
                target = element.get("Target") or ""
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                targets[element.get("Id") or ""] = path
        sheets: dict[str, str] = {}
        self._epoch = CALENDAR_WINDOWS_1900
        for element in _events(workbook):
            tag = _local(element.tag)
            if tag == "sheet":
                sheets[element.get("name") or ""] = targets[_attr(element, "id") or ""]
            elif tag == "workbookPr" and element.get("date1904") in ("1", "true"):
                self._epoch = CALENDAR_MAC_1904
        if not sheets:
            raise CellReaderError("the workbook has no sheets")
        return sheets

    def _read_shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self._zip.namelist():
            return []
        strings: list[str] = []
        parts: list[str] = []
        skip = 0
        for event, element in _pull(self._part("xl/sharedStrings.xml"), ("start", "end")):
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
        for event, element in _pull(self._part("xl/styles.xml"), ("start", "end")):
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

    def read(
        self, sheet: str, columns: Iterable[str], first_row: int = 1, last_row: int | None = None
    ) -> dict[str, Any]:
        """{"D7": value} for the cells of `columns` (letters) in rows first_row..last_row."""
        wanted = {c.upper() for c in columns}
        try:
            data = self._part(self._sheets[sheet])
        except KeyError as exc:
            raise CellReaderError(f"missing sheet part {exc}") from None
        cells: dict[str, Any] = {}
        try:
            for element in _events(data):
                tag = _local(element.tag)
                if tag == "row":
                    element.clear()  # cells already read; keep memory flat on long sheets
                    continue
                if tag != "c":
                    continue
                ref = element.get("r") or ""
                column = ref.rstrip("0123456789")
                row = int(ref[len(column) :] or 0)
                if column not in wanted or row < first_row or (last_row is not None and row > last_row):
                    continue
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
                    cells[ref] = UNCALCULATED
                    continue
                cells[ref] = self._value(element.get("t") or "n", element.get("s"), raw, inline)
        except (SyntaxError, ValueError, IndexError) as exc:
            raise CellReaderError(str(exc)) from None
        return cells
