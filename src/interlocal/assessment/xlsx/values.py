"""Reading one answer cell: the typed value for each question kind, or the reason it is wrong.

Conventions (also written on the workbook's cover sheet):
- scaled: the drop-down's "3 – Adequate", or just the point 3;
- yes/no: Yes or No (also Y/N, True/False);
- number: a number, in the question's unit; thousands separators are allowed in text ("1,200");
- single choice: exactly one of the listed choices (case does not matter);
- multiple choice: listed choices separated by semicolons ("Email; Phone");
- date: an Excel date, or text as YYYY-MM-DD;
- free text: anything, up to the question's length limit.
A blank cell means "no answer" (it clears an answer given before).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from interlocal.assessment.xlsx.spec import (
    DATE,
    MULTIPLE,
    NUMBER,
    SCALED,
    SINGLE,
    TEXT,
    YES_NO,
    QuestionSpec,
    Translate,
)
from interlocal.assessment.xlsx.spec import noop as _

__all__ = [
    "MULTIPLE_SEPARATOR",
    "ParseError",
    "display_value",
    "parse_value",
    "scale_options",
    "yes_no_options",
]

MULTIPLE_SEPARATOR = ";"
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)
_SCALE_POINT = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:[–—\-:.)]\s*.*)?$", re.DOTALL)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}


class ParseError(ValueError):
    """The cell's content does not fit the question; the message says why."""


def scale_size(q: QuestionSpec) -> int:
    return len(q.scale_labels) or 5


def scale_options(q: QuestionSpec) -> list[str]:
    """The drop-down entries of a scaled question: "1 – Very poor" … "5 – Excellent"."""
    labels = list(q.scale_labels) or [""] * 5
    return [f"{i} – {label}" if label else str(i) for i, label in enumerate(labels, start=1)]


def yes_no_options(translate: Translate) -> list[str]:
    return [translate(_("Yes")), translate(_("No"))]


def _format_number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def display_value(q: QuestionSpec, value: Any, translate: Translate) -> Any:
    """The value to write in the answer cell for a stored answer (None leaves the cell blank)."""
    if value is None or value == "" or value == []:
        return None
    if q.kind == SCALED:
        options = scale_options(q)
        try:
            point = int(value)
        except (TypeError, ValueError):
            return None
        return options[point - 1] if 1 <= point <= len(options) else point
    if q.kind == YES_NO:
        return yes_no_options(translate)[0 if value else 1]
    if q.kind == NUMBER:
        number = Decimal(str(value))
        # Whole numbers as int so Excel shows "12", not "12.0"; others keep their digits.
        return int(number) if number == number.to_integral_value() else number
    if q.kind == MULTIPLE:
        items = value if isinstance(value, list | tuple) else [value]
        return f"{MULTIPLE_SEPARATOR} ".join(str(v) for v in items)
    if q.kind == DATE:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    return str(value)


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _show(raw: Any) -> str:
    text = str(raw).strip().replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"


def parse_value(q: QuestionSpec, raw: Any, translate: Translate) -> Any:
    """The typed answer for cell content `raw` (None when blank); ParseError when it is wrong."""
    if _blank(raw):
        return None
    parser = _PARSERS.get(q.kind, _parse_text)
    return parser(q, raw, translate)


def _parse_scaled(q: QuestionSpec, raw: Any, translate: Translate) -> int:
    size = scale_size(q)
    if isinstance(raw, bool):
        raise ParseError(translate(_("Choose a point on the scale 1–{size}.")).format(size=size))
    point: Decimal | None = None
    if isinstance(raw, int | float | Decimal):
        point = Decimal(str(raw))
    else:
        text = str(raw).strip()
        match = _SCALE_POINT.match(text)
        if match:
            point = Decimal(match.group(1).replace(",", "."))
        else:
            # The label alone ("Adequate") is understood too.
            for i, label in enumerate(q.scale_labels, start=1):
                if label and text.casefold() == label.strip().casefold():
                    return i
            raise ParseError(
                translate(
                    _("“{value}” is not a point on the scale 1–{size}; choose one from the list.")
                ).format(value=_show(raw), size=size)
            )
    if point != point.to_integral_value():
        raise ParseError(
            translate(_("{value} is not a whole point on the scale 1–{size}.")).format(value=point, size=size)
        )
    if not 1 <= point <= size:
        raise ParseError(
            translate(_("{value} is outside the scale 1–{size}.")).format(value=int(point), size=size)
        )
    return int(point)


def _parse_yes_no(q: QuestionSpec, raw: Any, translate: Translate) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().casefold()
    yes, no = (o.casefold() for o in yes_no_options(translate))
    if text in _YES or text == yes:
        return True
    if text in _NO or text == no:
        return False
    raise ParseError(translate(_("“{value}” is not Yes or No.")).format(value=_show(raw)))


def _parse_number(q: QuestionSpec, raw: Any, translate: Translate) -> Decimal:
    if isinstance(raw, bool):
        raise ParseError(translate(_("Enter a number, not TRUE/FALSE.")))
    if isinstance(raw, int | float | Decimal):
        number = Decimal(str(raw))
    elif isinstance(raw, dt.date | dt.time):
        raise ParseError(translate(_("Enter a number, not a date.")))
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        if q.unit and text.casefold().endswith(q.unit.casefold()):
            text = text[: -len(q.unit)]
        text = text.lstrip("$€£")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ParseError(translate(_("“{value}” is not a number.")).format(value=_show(raw))) from None
        if not number.is_finite():
            raise ParseError(translate(_("“{value}” is not a number.")).format(value=_show(raw)))
    if q.whole_number and number != number.to_integral_value():
        raise ParseError(translate(_("{value} is not a whole number.")).format(value=_format_number(number)))
    if q.min_value is not None and number < q.min_value:
        raise ParseError(
            translate(_("{value} is below the minimum {minimum}.")).format(
                value=_format_number(number), minimum=_format_number(Decimal(q.min_value))
            )
        )
    if q.max_value is not None and number > q.max_value:
        raise ParseError(
            translate(_("{value} is above the maximum {maximum}.")).format(
                value=_format_number(number), maximum=_format_number(Decimal(q.max_value))
            )
        )
    return number


def _match_choice(q: QuestionSpec, text: str) -> str | None:
    wanted = " ".join(text.split()).casefold()
    for choice in q.choices:
        if " ".join(choice.split()).casefold() == wanted:
            return choice
    return None


def _choices_hint(q: QuestionSpec) -> str:
    hint = ", ".join(q.choices)
    return hint if len(hint) <= 200 else hint[:199] + "…"


def _parse_single(q: QuestionSpec, raw: Any, translate: Translate) -> str:
    text = str(raw).strip()
    choice = _match_choice(q, text)
    if choice is None:
        raise ParseError(
            translate(_("“{value}” is not one of the choices ({choices}).")).format(
                value=_show(raw), choices=_choices_hint(q)
            )
        )
    return choice


def _parse_multiple(q: QuestionSpec, raw: Any, translate: Translate) -> list[str]:
    chosen: list[str] = []
    unknown: list[str] = []
    for part in str(raw).split(MULTIPLE_SEPARATOR):
        if not part.strip():
            continue
        choice = _match_choice(q, part)
        if choice is None:
            unknown.append(part.strip())
        elif choice not in chosen:
            chosen.append(choice)
    if unknown:
        raise ParseError(
            translate(
                _("Not among the choices: {values} (choices: {choices}; separate several with semicolons).")
            ).format(values=", ".join(f"“{_show(u)}”" for u in unknown), choices=_choices_hint(q))
        )
    # The template's order, so the same choices always store the same list.
    order = {c: i for i, c in enumerate(q.choices)}
    return sorted(chosen, key=order.__getitem__)


def _parse_date(q: QuestionSpec, raw: Any, translate: Translate) -> dt.date:
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        raise ParseError(
            translate(_("{value} is a number, not a date; enter a date such as 2027-06-30.")).format(
                value=_show(raw)
            )
        )
    else:
        text = str(raw).strip()
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise ParseError(
                translate(_("“{value}” is not a date; enter it as YYYY-MM-DD, e.g. 2027-06-30.")).format(
                    value=_show(raw)
                )
            ) from None
    if not DATE_MIN <= value <= DATE_MAX:
        raise ParseError(translate(_("{value} is not a plausible date.")).format(value=value.isoformat()))
    return value


def _parse_text(q: QuestionSpec, raw: Any, translate: Translate) -> str:
    if isinstance(raw, dt.datetime):
        text = raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    elif isinstance(raw, dt.date):
        text = raw.isoformat()
    elif isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    else:
        text = str(raw)
    text = text.strip()
    if len(text) > q.max_length:
        raise ParseError(
            translate(_("The text is {length} characters long; the limit is {limit}.")).format(
                length=len(text), limit=q.max_length
            )
        )
    return text


_PARSERS = {
    SCALED: _parse_scaled,
    YES_NO: _parse_yes_no,
    NUMBER: _parse_number,
    SINGLE: _parse_single,
    MULTIPLE: _parse_multiple,
    DATE: _parse_date,
    TEXT: _parse_text,
}
