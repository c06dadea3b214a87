"""The one way the project reads and writes spreadsheets (.xlsx and .csv); no Django here.

- `reading`: streaming, capped readers for uploads (`read_table`, `read_csv`, `XlsxReader`);
  every limit is checked before anything is expanded.

Every import reads through here.
"""

from interlocal.lib.spreadsheets.reading import (
    Limits,
    SpreadsheetError,
    XlsxReader,
    check_package,
    column_letters,
    read_csv,
    read_table,
)

__all__ = [
    "Limits",
    "SpreadsheetError",
    "XlsxReader",
    "check_package",
    "column_letters",
    "read_csv",
    "read_table",
]
