"""Participants' inputs from a CSV or XLSX upload: validated whole, problems named by cell.

`parse_upload` reads the file into rows of text, `validate_rows` checks every cell and matches
members by name or short name (suggesting close names for unknown ones), and returns either the
rows to store or every problem with its cell ("C7") and reason. Nothing is stored here: the view
calls `actions.do_import_participants` only when there is no problem at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from rapidfuzz import fuzz, process

from interlocal.lib.spreadsheets import Limits, SpreadsheetError, csv_text, read_table, workbook_bytes
from interlocal.tenancy.models import Member

__all__ = ["COLUMNS", "Problem", "parse_upload", "template_csv", "template_xlsx", "validate_rows"]

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
# One header row, the rows, and room for blank rows at the end; a few spare columns for notes.
LIMITS = Limits(max_bytes=MAX_BYTES, max_rows=MAX_ROWS + 100, max_columns=60, max_cell_chars=1000)

# (header, model field, kind); "member" is the key. Ranged fields: low / likely / high.
COLUMNS: list[tuple[str, str, str]] = [
    ("member", "member", "member"),
    ("units_low", "units_low", "int"),
    ("units", "units_likely", "int"),
    ("units_high", "units_high", "int"),
    ("onboarding_low", "own_cost_low", "money"),
    ("onboarding", "own_cost_likely", "money"),
    ("onboarding_high", "own_cost_high", "money"),
    ("service_level_low", "service_level_low", "money"),
    ("service_level", "service_level_likely", "money"),
    ("service_level_high", "service_level_high", "money"),
    ("standalone_low", "standalone_low", "money"),
    ("standalone", "standalone_likely", "money"),
    ("standalone_high", "standalone_high", "money"),
    ("population", "population", "int"),
    ("grand_list", "grand_list", "money"),
    ("road_miles", "road_miles", "number"),
    ("visibility", "visibility", "visibility"),
]
REQUIRED = {"member", "units", "standalone"}
LIKELY = {"units_likely", "own_cost_likely", "service_level_likely", "standalone_likely"}


@dataclass(frozen=True)
class Problem:
    """One problem in an upload: the cell (or row) and what is wrong."""

    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}"


class UploadError(ValueError):
    """The file cannot be read at all (wrong type, too big, no header)."""


def parse_upload(name: str, data: bytes) -> list[list[str]]:
    """The upload's rows as text (first row: headers). CSV (UTF-8) or XLSX, by file name.

    Read by the shared, capped reader (`lib.spreadsheets`): a file that declares or holds cells
    past the limits, expands too far or has an over-long value is refused before it is expanded.
    """
    try:
        table = read_table(name, data, LIMITS)
    except SpreadsheetError as exc:
        raise UploadError(exc.message(_)) from None
    rows = [["" if v is None else _cell_text(v) for v in row] for row in table]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise UploadError(_("The file is empty."))
    if len(rows) > MAX_ROWS + 1:
        raise UploadError(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
    return rows


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _suggest(name: str, members: list[Member]) -> str:
    choices = {m.pk: m.name for m in members}
    found = process.extract(name, choices, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    return ", ".join(f"“{match}”" for match, _score, _key in found)


def validate_rows(
    rows: list[list[str]], members: Iterable[Member]
) -> tuple[list[tuple[Member, dict[str, Any]]], list[Problem]]:
    """(rows to store, problems). Rows are only meaningful when there are no problems."""
    members = list(members)
    by_name = {m.name.casefold(): m for m in members}
    by_slug = {m.slug.casefold(): m for m in members}
    header = [h.strip().lower().replace(" ", "_") for h in rows[0]]
    known = {c[0]: c for c in COLUMNS}
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        letter = get_column_letter(index + 1)
        if not name:
            continue
        if name not in known:
            problems.append(
                Problem(f"{letter}1", _("unknown column “%(c)s”; see the template") % {"c": rows[0][index]})
            )
        elif name in positions:
            problems.append(Problem(f"{letter}1", _("column “%(c)s” appears twice") % {"c": name}))
        else:
            positions[name] = index
    for needed in sorted(REQUIRED - set(positions)):
        problems.append(Problem("1", _("the column “%(c)s” is missing") % {"c": needed}))
    if problems:
        return [], problems
    out: list[tuple[Member, dict[str, Any]]] = []
    seen: dict[int, int] = {}
    for r, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        fields: dict[str, Any] = {}
        member: Member | None = None
        for header_name, index in positions.items():
            _h, field, kind = known[header_name]
            cell = f"{get_column_letter(index + 1)}{r}"
            raw = row[index].strip() if index < len(row) else ""
            if kind == "member":
                if not raw:
                    problems.append(Problem(cell, _("the member's name is empty")))
                    continue
                member = by_name.get(raw.casefold()) or by_slug.get(raw.casefold())
                if member is None:
                    hint = _suggest(raw, members)
                    message = _("“%(n)s” is not a member of this consortium") % {"n": raw}
                    if hint:
                        message += "; " + _("did you mean %(s)s?") % {"s": hint}
                    problems.append(Problem(cell, message))
                elif member.pk in seen:
                    problems.append(
                        Problem(
                            cell,
                            _("%(n)s is already on row %(r)s") % {"n": member.name, "r": seen[member.pk]},
                        )
                    )
                else:
                    seen[member.pk] = r
                continue
            if kind == "visibility":
                value = raw.lower() or "aggregate"
                if value not in ("named", "aggregate"):
                    problems.append(Problem(cell, _("visibility must be “named” or “aggregate”")))
                fields[field] = value
                continue
            if not raw:
                if header_name in REQUIRED:
                    problems.append(Problem(cell, _("a value is required")))
                elif field in LIKELY:
                    fields[field] = 0
                else:
                    fields[field] = None
                continue
            cleaned = raw.replace(",", "").replace("$", "").strip()
            try:
                number = Decimal(cleaned)
            except InvalidOperation:
                problems.append(Problem(cell, _("“%(v)s” is not a number") % {"v": raw}))
                continue
            if not number.is_finite() or number < 0:
                problems.append(Problem(cell, _("must be a number ≥ 0")))
                continue
            if kind == "int":
                if number != number.to_integral_value():
                    problems.append(Problem(cell, _("must be a whole number")))
                    continue
                fields[field] = int(number)
            else:
                if abs(number) >= Decimal("1e12"):
                    problems.append(Problem(cell, _("is too large")))
                    continue
                fields[field] = number.quantize(Decimal("0.01"))
        for base in ("units", "own_cost", "service_level", "standalone"):
            low, likely, high = (fields.get(f"{base}_{k}") for k in ("low", "likely", "high"))
            label = {"own_cost": "onboarding"}.get(base, base)
            if low is not None and likely is not None and low > likely:
                problems.append(
                    Problem(_cell(positions, f"{label}_low", r), _("low is above the likely value"))
                )
            if high is not None and likely is not None and high < likely:
                problems.append(
                    Problem(_cell(positions, f"{label}_high", r), _("high is below the likely value"))
                )
        if member is not None:
            out.append((member, fields))
    if not out and not problems:
        problems.append(Problem("2", _("the file has no rows of figures")))
    return out, problems


def _cell(positions: dict[str, int], header: str, row: int) -> str:
    index = positions.get(header)
    return f"{get_column_letter(index + 1)}{row}" if index is not None else str(row)


def _template_rows(members: Iterable[Member]) -> list[list[Any]]:
    rows: list[list[Any]] = [[c[0] for c in COLUMNS]]
    for m in members:
        rows.append([m.name] + [""] * 12 + [m.population or ""] + ["", "", "aggregate"])
    return rows


def template_csv(members: Iterable[Member]) -> bytes:
    """The upload template as CSV: every column, one row per member with its population."""
    return csv_text(_template_rows(members)).encode("utf-8")


def template_xlsx(members: Iterable[Member]) -> bytes:
    """The upload template as XLSX, with a second sheet explaining each column."""
    book = Workbook()
    sheet = book.active
    sheet.title = "inputs"  # type: ignore[union-attr]
    for row in _template_rows(members):
        sheet.append(row)  # type: ignore[union-attr]
    notes = book.create_sheet("columns")
    notes.append(["column", "meaning"])
    for header, meaning in COLUMN_HELP:
        notes.append([header, meaning])
    return workbook_bytes(book)


COLUMN_HELP = [
    ("member", "The member's name or short name, as in the member directory."),
    ("units, units_low, units_high", "Units the member would use (users, TB, devices): whole numbers."),
    ("onboarding, _low, _high", "One-off onboarding and migration cost; spread over the agreement term."),
    (
        "service_level, _low, _high",
        "Yearly cost of the service level the member needs (the most demanding sets it).",
    ),
    ("standalone, _low, _high", "What the member spends a year today doing it alone (for savings)."),
    ("population", "Population (for per-capita shares)."),
    ("grand_list", "Equalized grand list / assessed value."),
    ("road_miles", "Road miles (for blends)."),
    (
        "visibility",
        "named: other members may see these figures by name; aggregate (default): only in totals.",
    ),
]
