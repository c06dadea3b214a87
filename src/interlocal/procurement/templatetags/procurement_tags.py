"""Template tags of the procurement pages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from decimal import Context as DecimalContext
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()

_PROBE = Decimal("-1234567.125")
_WIDE = DecimalContext(prec=80)


def _fast_formats(places: int) -> tuple[Any, Any]:
    """(unit price, extended price) formatters equal to `floatformat:places` and
    `floatformat:2|intcomma`. Those filters cost about 30 µs a cell; when the active locale
    formats plainly (the probe below gives what the plain formatting gives) this formats the
    Decimal directly, else it falls back to the filters."""
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.template.defaultfilters import floatformat

    unit_exp, ext_exp = Decimal(1).scaleb(-places), Decimal("0.01")

    def unit(value: Decimal) -> str:
        return f"{value.quantize(unit_exp, ROUND_HALF_UP, _WIDE) + 0:f}"

    def extended(value: Decimal) -> str:
        return f"{value.quantize(ext_exp, ROUND_HALF_UP, _WIDE) + 0:,.2f}"

    if floatformat(_PROBE, places) == unit(_PROBE) and intcomma(floatformat(_PROBE, 2)) == extended(_PROBE):
        return unit, extended
    return (lambda v: floatformat(v, places)), (lambda v: intcomma(floatformat(v, 2)))


@register.simple_tag
def tabulation_cells(cells: list[Any], places: int) -> SafeString:
    """The <td> cells of one tabulation row (one cell per bid: unit price, extended price, rank
    or "excluded"; "no offer"). At 500 items x 50 bids the same markup written with per-cell
    template tags and filters took about 1.5 s; this formats each cell with one format_html."""
    unit, extended = _fast_formats(places)
    excluded, no_offer = gettext("excluded"), gettext("no offer")

    def cell_html(cell: Any) -> SafeString:
        if cell is None:
            return format_html('<td class="text-right"><span class="text-base">{}</span></td>', no_offer)
        note = f" · #{cell.rank}" if cell.rank else ("" if cell.responsive else f" · {excluded}")
        return format_html(
            '<td class="text-right{}">{}<br><span class="font-sans-3xs">{}{}</span></td>',
            " text-bold bg-success-lighter" if cell.rank == 1 else "",
            unit(cell.unit_price),
            extended(cell.extended_price),
            note,
        )

    return format_html_join("", "{}", ((cell_html(cell),) for cell in cells))
