"""The one way the project reads and writes spreadsheets (.xlsx and .csv); no Django here.

- `reading`: streaming, capped readers for uploads (`read_table`, `read_csv`, `XlsxReader`);
  every limit is checked before anything is expanded.
- `writing`: CSV writers and `workbook_bytes` that keep people's text from becoming formulas.

`tests/test_architecture.py` fails on a csv reader or writer, or an openpyxl workbook load or
save, anywhere else in `src/`.
"""

from interlocal.lib.spreadsheets.reading import (
    UNCALCULATED,
    Limits,
    SpreadsheetError,
    XlsxReader,
    check_package,
    column_letters,
    read_csv,
    read_table,
)
from interlocal.lib.spreadsheets.writing import (
    FORMULA_START,
    CsvDictWriter,
    CsvWriter,
    csv_cell,
    csv_lines,
    csv_text,
    is_formula_like,
    neutralise,
    workbook_bytes,
)

__all__ = [
    "FORMULA_START",
    "UNCALCULATED",
    "CsvDictWriter",
    "CsvWriter",
    "Limits",
    "SpreadsheetError",
    "XlsxReader",
    "check_package",
    "column_letters",
    "csv_cell",
    "csv_lines",
    "csv_text",
    "is_formula_like",
    "neutralise",
    "read_csv",
    "read_table",
    "workbook_bytes",
]
