"""Usage from a CSV or XLSX upload: validated whole, every problem named by row and column.

Columns: member, service, period_start, period_end, quantity. `parse_upload` reads the file with
the shared capped reader; `validate_rows` checks every cell and returns the rows to record or the
problems ("row 4, column quantity: must not be negative"). Nothing is stored here: the view calls
`actions.do_import_usage` only when there is no problem, and that action is all-or-nothing too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from interlocal.lib.spreadsheets import Limits, SpreadsheetError, csv_text, read_table
from interlocal.services.actions import UsageRow
from interlocal.services.models import Service
from interlocal.services.queries import subscribed_during
from interlocal.tenancy.models import Member

__all__ = ["COLUMNS", "MAX_BYTES", "Problem", "UploadError", "parse_upload", "template_csv", "validate_rows"]

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
LIMITS = Limits(max_bytes=MAX_BYTES, max_rows=MAX_ROWS + 100, max_columns=20, max_cell_chars=500)
COLUMNS = ("member", "service", "period_start", "period_end", "quantity")


@dataclass(frozen=True)
class Problem:
    """One problem in an upload: row, column (may be empty) and what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("row %(r)s, column %(c)s: %(m)s") % {"r": self.row, "c": self.column, "m": self.message}
        return _("row %(r)s: %(m)s") % {"r": self.row, "m": self.message}


class UploadError(ValueError):
    """The file cannot be read at all (wrong type, too big, no header)."""


def parse_upload(name: str, data: bytes) -> list[list[Any]]:
    """The upload's rows (first row: headers), read by the shared capped reader."""
    try:
        rows = read_table(name, data, LIMITS)
    except SpreadsheetError as exc:
        raise UploadError(exc.message(_)) from None
    rows = [list(r) for r in rows]
    while rows and not any(str(c or "").strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise UploadError(_("The file is empty."))
    if len(rows) > MAX_ROWS + 1:
        raise UploadError(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        raise ValueError(_("is required"))
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(_("“%(v)s” is not a date (YYYY-MM-DD)") % {"v": text}) from None


def _quantity(value: Any) -> Decimal:
    text = _text(value)
    if not text:
        raise ValueError(_("is required"))
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("“%(v)s” is not a number") % {"v": text}) from None
    if not number.is_finite():
        raise ValueError(_("“%(v)s” is not a number") % {"v": text})
    if number < 0:
        raise ValueError(_("must not be negative"))
    return number


def validate_rows(
    rows: list[list[Any]], members: Iterable[Member], services: Iterable[Service]
) -> tuple[list[UsageRow], list[Problem]]:
    """(rows to record, problems); the rows are only meaningful when there is no problem."""
    header = [_text(h).lower().replace(" ", "_") for h in rows[0]]
    problems: list[Problem] = []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [Problem(1, c, _("the column is missing")) for c in missing]
    position = {c: header.index(c) for c in COLUMNS}
    by_member = {}
    for m in members:
        by_member[m.name.casefold()] = m
        by_member[m.slug.casefold()] = m
    by_service = {s.name.casefold(): s for s in services}
    out: list[UsageRow] = []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(_text(c) for c in raw):
            continue
        cells = {c: (raw[i] if i < len(raw) else None) for c, i in position.items()}
        values: dict[str, Any] = {}
        member = by_member.get(_text(cells["member"]).casefold())
        if member is None:
            problems.append(
                Problem(
                    number,
                    "member",
                    _("“%(v)s” is not a member of this consortium") % {"v": _text(cells["member"])},
                )
            )
        values["member"] = member
        service = by_service.get(_text(cells["service"]).casefold())
        if service is None:
            problems.append(
                Problem(
                    number,
                    "service",
                    _("“%(v)s” is not a service of this consortium") % {"v": _text(cells["service"])},
                )
            )
        values["service"] = service
        for column, parse in (("period_start", _date), ("period_end", _date), ("quantity", _quantity)):
            try:
                values[column] = parse(cells[column])
            except ValueError as exc:
                problems.append(Problem(number, column, str(exc)))
                values[column] = None
        start, end = values["period_start"], values["period_end"]
        if start and end and end < start:
            problems.append(Problem(number, "period_end", _("the period ends before it starts")))
            continue
        if None in values.values():
            continue
        if not subscribed_during(service.pk, member.pk, start, end):  # type: ignore[union-attr]
            problems.append(
                Problem(
                    number,
                    "member",
                    _("%(m)s does not subscribe to %(s)s for the whole period") % {"m": member, "s": service},
                )
            )
            continue
        out.append(UsageRow(member, service, start, end, values["quantity"]))  # type: ignore[arg-type]
    if not out and not problems:
        problems.append(Problem(2, "", _("the file has no rows")))
    return out, problems


def template_csv() -> str:
    """A CSV with the header row and one example line."""
    return csv_text([list(COLUMNS), ["Avon", "Shared backup", "2027-01-01", "2027-01-31", "1520"]])


def problems_from(exc: ValidationError) -> list[str]:
    """An action's refusal as lines to show beside the upload form."""
    return list(exc.messages)
