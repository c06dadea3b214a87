"""interlocal workbook, benchmark and generate commands."""
