"""Scenario exports (PDF with inline SVG charts, XLSX with a method appendix), rates and diffs.

Everything here receives figures that the views have already disclosed for the viewer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from interlocal.costing import charts
from interlocal.costing.actions import SCENARIO_FIELDS
from interlocal.costing.analysis import analyse
from interlocal.costing.queries import ChosenRate, pair_disclosure
from interlocal.lib.spreadsheets import csv_text, workbook_bytes

__all__ = ["METHOD_APPENDIX", "diff", "rates_csv", "rates_json", "scenario_pdf", "scenario_xlsx"]

METHOD_APPENDIX = [
    (
        "The cost model",
        "The yearly cost of serving a group S of members is c(S) = F + Σ a_i + p·U(S)^β + h0·|S|^γ + max r_i: "
        "the platform F (with any capital cost annualised by the capital recovery factor i(1+i)^L/((1+i)^L−1)), "
        "each member's onboarding a_i spread over the agreement term, the variable cost of the units used "
        "(or vendor price tiers), the coordination overhead of the group, and the service level of its most "
        "demanding member.",
    ),
    (
        "Savings",
        "Savings are the members' current stand-alone spend minus c(N) for the whole group. With low / likely / "
        "high inputs, 10,000 seeded draws from triangular distributions give the 10th, 50th and 90th percentile "
        "of the savings and the share of draws in which sharing is cheaper. The tornado moves one input at a "
        "time to its low and its high value. Break-even is the smallest group for which some group saves money.",
    ),
    (
        "Stability (core) check",
        "An allocation is stable when no group of members would pay less on its own than it is charged. The "
        "check is exact: it finds the group that would gain most by splitting off and how much.",
    ),
    (
        "Amounts",
        "Charges are rounded to cents so that they add up exactly to c(N). Members' confidential figures are "
        "shown by name only where the member allowed it, otherwise only in totals of at least k members.",
    ),
]


def rates_json(scenario: Any, rates: list[ChosenRate]) -> dict[str, Any]:
    """The chosen rule's rates, for an agreement or billing rule."""
    total = sum((r.amount for r in rates), Decimal(0))
    return {
        "scenario": {"id": scenario.pk, "name": scenario.name, "version": scenario.version},
        "cost_model": {"id": scenario.cost_model_id, "name": scenario.cost_model.name},
        "rule": scenario.rule,
        "rule_params": scenario.rule_params,
        "period": "year",
        "total": str(total),
        "rates": [
            {
                "member_id": r.member_id,
                "member": r.member_name,
                "amount": str(r.amount),
                "share": str(r.share),
            }
            for r in rates
        ],
    }


def rates_csv(scenario: Any, rates: list[ChosenRate]) -> str:
    header = [["member_id", "member", "amount_per_year", "share", "rule"]]
    return csv_text(header + [[r.member_id, r.member_name, r.amount, r.share, scenario.rule] for r in rates])


def diff(user: Any, a: Any, pa: list[Any], b: Any, pb: list[Any]) -> dict[str, Any]:
    """Parameters, members, inputs and results of two scenarios, disclosed for `user`."""
    from interlocal.costing.queries import charge_disclosure_for, disclosure_for

    params = []
    for name in SCENARIO_FIELDS:
        if name in ("notes",):
            continue
        va, vb = getattr(a, name), getattr(b, name)
        if va != vb:
            params.append({"label": a._meta.get_field(name).verbose_name, "a": va, "b": vb})
    da, db = disclosure_for(user, a, pa), disclosure_for(user, b, pb)
    show_a, show_b = pair_disclosure(user, a, pa, b, pb)
    ma = {p.member_id: p for p in pa}
    mb = {p.member_id: p for p in pb}
    ra, rb = analyse(a), analyse(b)
    rule_key = a.rule or "shapley"
    rule_a, rule_b = ra.rule(rule_key), rb.rule(rule_key)
    # Charges are derived from inputs: each side shows a member's charge only where its own page would.
    cda, cdb = charge_disclosure_for(user, a, pa), charge_disclosure_for(user, b, pb)
    ca = (rule_a.amounts or {}) if rule_a else {}
    cb = (rule_b.amounts or {}) if rule_b else {}
    names_a = {p.member_id: p.name for p in ra.players}
    names_b = {p.member_id: p.name for p in rb.players}
    members = []
    for member_id in sorted(set(ma) | set(mb), key=lambda m: (ma.get(m) or mb[m]).member.name):
        x, y = ma.get(member_id), mb.get(member_id)
        shown = da.shows(member_id) and db.shows(member_id)
        changed = []
        if x and y and shown:
            for f in ("units_likely", "own_cost_likely", "service_level_likely", "standalone_likely"):
                if getattr(x, f) != getattr(y, f):
                    changed.append(
                        {"label": x._meta.get_field(f).verbose_name, "a": getattr(x, f), "b": getattr(y, f)}
                    )
        charge_a = ca.get(names_a.get(member_id, "")) if cda.shows(rule_key, member_id) else None
        charge_b = cb.get(names_b.get(member_id, "")) if cdb.shows(rule_key, member_id) else None
        members.append(
            {
                "name": (x or y).member.name,  # type: ignore[union-attr]
                "in_a": x is not None,
                "in_b": y is not None,
                "changed": changed,
                "charge_a": charge_a,
                "charge_b": charge_b,
                "hidden_a": x is not None and charge_a is None,
                "hidden_b": y is not None and charge_b is None,
                "delta": (charge_a - charge_b) if charge_a is not None and charge_b is not None else None,
            }
        )
    return {
        "param_changes": params,
        "members": members,
        "rule_key": rule_key,
        "rule_label": rule_a.label if rule_a else rule_key,
        "result_a": ra,
        "result_b": rb,
        "totals_a": show_a and da.totals,
        "totals_b": show_b and db.totals,
    }


def _svgs(context: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    unc = context.get("uncertainty")
    disclosure = context["disclosure"]
    if unc and not unc.error and disclosure.totals:
        out["tornado_svg"] = charts.svg_bars(
            [
                (f"{r['label']} (low)", r["low"] - float(context["analysis"].savings_total))
                for r in unc.tornado[:6]
            ]
            + [
                (f"{r['label']} (high)", r["high"] - float(context["analysis"].savings_total))
                for r in unc.tornado[:6]
            ],
            title=_("Change in total savings when one input moves to its low or high value"),
        )
        out["break_even_svg"] = charts.svg_bars(
            [(str(r["size"]), r["saving"]) for r in unc.break_even], title=_("Best saving by group size")
        )
    reference = context.get("reference")
    charges = context.get("charges")
    if reference and charges and (charges.by_member or charges.others_total is not None):
        bars = [(r["name"], float(r["charge"])) for r in context["rows"] if r["charge"] is not None]
        if charges.others_total is not None:
            bars.append((_("Other members together"), float(charges.others_total)))
        out["charges_svg"] = charts.svg_bars(
            bars, title=_("Charge per member under %(rule)s") % {"rule": reference.label}
        )
    return out


def scenario_pdf(request: HttpRequest, context: dict[str, Any]) -> bytes:
    """Render the PDF report (WeasyPrint; no JavaScript, so charts are inline SVG)."""
    from weasyprint import HTML

    html = render_to_string(
        "costing/scenario_pdf.html",
        {**context, **_svgs(context), "appendix": METHOD_APPENDIX, "generated": timezone.now()},
        request=request,
    )
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()


def _bold(row: Any) -> None:
    for cell in row:
        cell.font = Font(bold=True)


def scenario_xlsx(context: dict[str, Any]) -> bytes:
    """A workbook: summary, inputs (as disclosed), rules side by side, stability, method."""
    scenario = context["scenario"]
    analysis = context["analysis"]
    disclosure = context["disclosure"]
    book = Workbook()
    summary = book.active
    summary.title = "summary"  # type: ignore[union-attr]
    summary.append([_("Cost model"), scenario.cost_model.name])  # type: ignore[union-attr]
    summary.append([_("Scenario"), str(scenario)])  # type: ignore[union-attr]
    summary.append([_("Chosen rule"), scenario.get_rule_display() or "—"])  # type: ignore[union-attr]
    summary.append([_("Cost of sharing c(N) a year"), float(analysis.grand_cost)])  # type: ignore[union-attr]
    if disclosure.totals:
        summary.append([_("Stand-alone spend a year (total)"), float(analysis.standalone_total)])  # type: ignore[union-attr]
        summary.append([_("Savings a year (likely)"), float(analysis.savings_total)])  # type: ignore[union-attr]
        unc = context.get("uncertainty")
        if unc and not unc.error:
            for label, value in (("P10", unc.p10), ("P50", unc.p50), ("P90", unc.p90)):
                summary.append([_("Savings %(p)s") % {"p": label}, round(value, 2)])  # type: ignore[union-attr]
            summary.append([_("Probability sharing is cheaper"), round(unc.probability_cheaper, 4)])  # type: ignore[union-attr]
    inputs = book.create_sheet("inputs")
    inputs.append(
        [
            "member",
            "units",
            "onboarding",
            "service_level",
            "standalone",
            "population",
            "grand_list",
            "visibility",
        ]
    )
    _bold(inputs[1])
    for row in context["rows"]:
        p = row["participant"]
        if row["shown"]:
            inputs.append(
                [
                    row["name"],
                    p.units_likely,
                    float(p.own_cost_likely),
                    float(p.service_level_likely),
                    float(p.standalone_likely),
                    p.population,
                    float(p.grand_list) if p.grand_list is not None else None,
                    p.visibility,
                ]
            )
        else:
            inputs.append(
                [
                    row["name"],
                    "confidential",
                    "confidential",
                    "confidential",
                    "confidential",
                    p.population,
                    None,
                    p.visibility,
                ]
            )
    rules = book.create_sheet("rules")
    rules.append(["member"] + [r.label for r in context["rules"]])
    _bold(rules[1])
    for row in context["table"]:
        rules.append(
            [row["name"]]
            + [float(c["charge"]) if c["charge"] is not None else "confidential" for c in row["cells"]]
        )
    if not disclosure.full:
        rules.append(
            ["other members together"]
            + [
                "withheld" if c.withheld else (float(c.others_total) if c.others_total is not None else None)
                for c in context["rule_charges"]
            ]
        )
    rules.append(["total"] + [float(t) for t in context["totals"]])
    stability = book.create_sheet("stability")
    stability.append(["rule", "stable", "group that gains most by leaving", "gain a year", "explanation"])
    _bold(stability[1])
    for r, c in zip(context["rules"], context["rule_charges"], strict=True):
        stability.append(
            [
                r.label,
                "yes" if r.stable else "no",
                ", ".join(c.group),
                round(max(c.excess, 0), 2) if c.excess is not None else None,
                c.sentence,
            ]
        )
    method = book.create_sheet("method")
    method.append(["topic", "explanation"])
    _bold(method[1])
    for title, text in METHOD_APPENDIX:
        method.append([title, text])
    for r in analysis.rules:
        method.append([r.label, r.explanation])
    return workbook_bytes(book)
