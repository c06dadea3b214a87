"""Costing pages: cost models, scenarios (inputs, savings, uncertainty), rule comparison, what-ifs,
diffs, uploads and exports.

Reads go through costing.queries (get_*_for_user, visible_to); writes through costing.actions.
Members' confidential figures pass through `queries.disclosure_for` before they reach a page.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.core.tables import Column, Table
from interlocal.costing import charts, exports, imports
from interlocal.costing.actions import (
    can_enter_for,
    do_choose_rule,
    do_copy_scenario,
    do_create_cost_model,
    do_delete_scenario,
    do_import_participants,
    do_remove_participant,
    do_save_participant,
    do_update_cost_model,
    do_update_scenario,
    participant_to_enter,
)
from interlocal.costing.analysis import Analysis, analyse, uncertainty
from interlocal.costing.forms import (
    ChooseRuleForm,
    CopyScenarioForm,
    CostModelForm,
    ParticipantForm,
    ScenarioForm,
    UploadForm,
)
from interlocal.costing.models import CostModel, Rule, Scenario, ScenarioParticipant
from interlocal.costing.queries import (
    Disclosure,
    charge_disclosure_for,
    charges_for,
    chosen_rates,
    disclosed_rates,
    disclosure_for,
    get_cost_model_for_user,
    get_scenario_for_user,
    is_council_of,
    participants_of,
)
from interlocal.costing.views.consent import consent_choices as _consent_choices
from interlocal.costing.views.consent import participant_charge_consent
from interlocal.tenancy.models import Member
from interlocal.tenancy.queries import get_consortium_for_user

HIDDEN = _("confidential")
WITHHELD_MESSAGE = _(
    "The charges under the chosen rule are not shown to members: too few of the other members allow "
    "their figures, so any charge (even yours) would reveal theirs."
)


def _consortium(request: HttpRequest) -> Any:
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None:
        raise Http404(_g("You do not hold a role in any consortium yet."))
    if tenant.is_vendor:
        raise PermissionDenied(_g("Cost models are for the consortium's members, not for vendors."))
    return get_consortium_for_user(request.user, tenant.consortium.pk)


def _require_council(request: HttpRequest, consortium_id: int) -> None:
    if not is_council_of(request.user, consortium_id):
        raise PermissionDenied(_g("Only the consortium's admins and staff may do this."))


# --- Cost models ---------------------------------------------------------------------------------


def _model_url(model: CostModel) -> str:
    return reverse("costing:cost_model_detail", args=[model.pk])


class CostModelTable(Table):
    columns = [
        Column("name", _("Name"), sort="name", link=_model_url),
        Column("area", _("Service area"), accessor="area.name", sort="area__name"),
        Column("description", _("Description"), accessor=lambda m: (m.description or "")[:120]),
        Column("scenarios", _("Scenarios"), accessor="scenario_count", sort="scenario_count", numeric=True),
        Column(
            "updated", _("Updated"), accessor=lambda m: m.updated_at.date().isoformat(), sort="updated_at"
        ),
    ]
    search_fields = ("name", "description", "area__name")
    search_label = _("Search by name, area or description")
    default_sort = "name"
    export_name = "cost-models"
    caption = _("Cost models")
    empty_text = _(
        "No cost models yet. A cost model estimates what a shared service costs and who pays what."
    )


@login_required
def cost_model_list(request: HttpRequest) -> HttpResponse:
    """The consortium's cost models: search, sort, export."""
    consortium = _consortium(request)
    models = (
        CostModel.objects.visible_to(request.user)
        .filter(consortium=consortium)
        .select_related("area")  # each row names its service area
        .annotate(scenario_count=Count("scenarios"))  # one aggregate query, not one per row
    )
    return CostModelTable(request, models).response(
        "costing/cost_model_list.html",
        {"consortium": consortium, "can_create": is_council_of(request.user, consortium.pk)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cost_model_create(request: HttpRequest) -> HttpResponse:
    """Start a cost model (the council); it comes with an empty Baseline scenario."""
    consortium = _consortium(request)
    _require_council(request, consortium.pk)
    form = CostModelForm(request.POST or None, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        try:
            model = do_create_cost_model(
                consortium,
                name=form.cleaned_data["name"],
                area=form.cleaned_data["area"],
                description=form.cleaned_data["description"],
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _g("Cost model created. Add the members' inputs to its Baseline scenario.")
            )
            return redirect("costing:scenario_detail", pk=model.scenarios.get().pk)
    return render(request, "costing/cost_model_form.html", {"form": form, "consortium": consortium})


@login_required
def cost_model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A cost model and its scenarios (versions and what-ifs)."""
    model = get_cost_model_for_user(request.user, pk)
    scenarios = list(
        Scenario.objects.visible_to(request.user)
        .filter(cost_model=model)
        .select_related("parent")  # each row names what it was copied from
        .annotate(participant_count=Count("participants"))
        .order_by("name", "-version")
    )
    return render(
        request,
        "costing/cost_model_detail.html",
        {
            "model": model,
            "scenarios": scenarios,
            "can_edit": is_council_of(request.user, model.consortium_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cost_model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename or describe a cost model (the council)."""
    model = get_cost_model_for_user(request.user, pk)
    _require_council(request, model.consortium_id)
    form = CostModelForm(
        request.POST or None,
        # A copy of its own: the page keeps showing `model` as saved while the form changes this one.
        instance=get_cost_model_for_user(request.user, pk),
        consortium=model.consortium,
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        fresh = get_cost_model_for_user(request.user, pk, write=True)
        try:
            if changes:
                do_update_cost_model(fresh, acting_user=request.user, **changes)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("Saved."))
            return redirect("costing:cost_model_detail", pk=pk)
    return render(request, "costing/cost_model_form.html", {"form": form, "model": model})


# --- Scenario page ---------------------------------------------------------------------------------


def _money(value: Any) -> str:
    return f"${float(value):,.0f}"


def _reference(scenario: Scenario, analysis: Analysis) -> Any:
    """The chosen rule's result, or the Shapley value while nothing is chosen."""
    return analysis.rule(scenario.rule or "shapley")


def scenario_context(
    request: HttpRequest, scenario: Scenario, *, with_uncertainty: bool = True
) -> dict[str, Any]:
    """Everything the scenario page (and its PDF) shows, disclosed for this viewer."""
    participants = participants_of(request.user, scenario)
    disclosure = disclosure_for(request.user, scenario, participants)
    analysis = analyse(scenario, participants)
    reference = _reference(scenario, analysis)
    charge_disclosure = charge_disclosure_for(request.user, scenario, participants)
    charges = charges_for(charge_disclosure, analysis, reference) if reference and reference.amounts else None
    by_member = {p.member_id: p for p in analysis.players}
    rows: list[dict[str, Any]] = []
    for p in participants:
        shown = disclosure.shows(p.member_id)
        charge = charges.by_member.get(p.member_id) if charges else None
        rows.append(
            {
                "participant": p,
                "name": p.member.name,
                "shown": shown,
                "can_edit": can_enter_for(request.user, scenario, p.member),
                "charge": charge,
                "savings": (p.standalone_likely - charge) if shown and charge is not None else None,
            }
        )
    unc = uncertainty(scenario, participants=participants) if with_uncertainty else None
    context: dict[str, Any] = {
        "scenario": scenario,
        "model": scenario.cost_model,
        "analysis": analysis,
        "reference": reference,
        "rows": rows,
        "disclosure": disclosure,
        "is_council": disclosure.full,
        "can_upload": _may_upload(request, scenario),
        "uncertainty": unc,
        "charge_disclosure": charge_disclosure,
        "charges": charges,
        "consent": _consent_choices(request, scenario, participants),
        "hidden_count": sum(1 for r in rows if not r["shown"]),
        "own_member": _own_member(request, scenario, participants),
        "addable": _addable(scenario, participants) if disclosure.full else [],
        "add_select_limit": ADD_SELECT_LIMIT,
    }
    if unc and not unc.error and disclosure.totals:
        context["histogram_spec"] = charts.histogram_spec(unc.histogram, _g("Simulated total savings"))
        context["tornado_spec"] = charts.tornado_spec(
            unc.tornado, float(analysis.savings_total), _g("What moves the savings most")
        )
        context["break_even_spec"] = charts.bar_spec(
            [{"size": str(r["size"]), "saving": r["saving"]} for r in unc.break_even],
            x="size",
            y="saving",
            title=_g("Best saving by group size"),
            x_title=_g("Members in the group"),
            y_title=_g("Best saving a year ($)"),
        )
        context["member_pct"] = [
            {"name": r["name"], "pct": unc.member_percentiles.get(by_member[r["participant"].member_id].name)}
            for r in rows
            if r["shown"] and r["participant"].member_id in by_member
        ]
    return context


# Past this many members the "add a member" choice is a name box: a select of 20,000 towns is a
# megabyte of HTML (and most of the page's time).
ADD_SELECT_LIMIT = 200


def _addable(scenario: Scenario, participants: list[ScenarioParticipant]) -> list[Member]:
    """Members of the consortium not in the scenario yet (the council may add them one by one)."""
    taken = {p.member_id for p in participants}
    return [m for m in _consortium_members(scenario) if m.pk not in taken]


def _own_member(
    request: HttpRequest, scenario: Scenario, participants: list[ScenarioParticipant]
) -> Member | None:
    """The member the person acts for, when they may enter its figures and it is not in yet."""
    member = request.tenant.member  # type: ignore[attr-defined]
    if member is None or any(p.member_id == member.pk for p in participants):
        return None
    return member if can_enter_for(request.user, scenario, member) else None


@login_required
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Inputs, savings (likely and simulated), tornado, break-even and the chosen rule's rates."""
    scenario = get_scenario_for_user(request.user, pk)
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied
    return render(request, "costing/scenario_detail.html", scenario_context(request, scenario))


@login_required
@require_http_methods(["GET", "POST"])
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the shared parameters of a scenario (the council)."""
    scenario = get_scenario_for_user(request.user, pk)
    _require_council(request, scenario.cost_model.consortium_id)
    form = ScenarioForm(request.POST or None, instance=get_scenario_for_user(request.user, pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        fresh = get_scenario_for_user(request.user, pk, write=True)
        try:
            if changes:
                do_update_scenario(fresh, acting_user=request.user, **changes)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("Scenario saved."))
            return redirect("costing:scenario_detail", pk=pk)
    return render(request, "costing/scenario_form.html", {"form": form, "scenario": scenario})


# --- Inputs ---------------------------------------------------------------------------------------


@login_required
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose a member to add (the council: any member not in yet; members: their own), then its form."""
    scenario = get_scenario_for_user(request.user, pk)
    council = is_council_of(request.user, scenario.cost_model.consortium_id)
    if not (council or request.tenant.can_write_member):  # type: ignore[attr-defined]
        raise PermissionDenied(_g("Observers may not add members to a scenario."))
    member_pk = request.GET.get("member", "")
    if member_pk.isdigit():
        return redirect("costing:participant_edit", pk=scenario.pk, member_pk=int(member_pk))
    addable = [
        m
        for m in _addable(scenario, participants_of(request.user, scenario))
        if can_enter_for(request.user, scenario, m)
    ]
    name = request.GET.get("name", "").strip()
    name_error = ""
    if name:  # typed instead of chosen (consortia with more members than a list can show)
        named = [m for m in addable if m.name.casefold() == name.casefold()]
        if len(named) == 1:
            return redirect("costing:participant_edit", pk=scenario.pk, member_pk=named[0].pk)
        name_error = _g("No member you may add is called “%(name)s”.") % {"name": name}
    context = {
        "scenario": scenario,
        "addable": addable,
        "add_select_limit": ADD_SELECT_LIMIT,
        "name": name,
        "name_error": name_error,
    }
    return render(request, "costing/participant_add.html", context, status=400 if name_error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def participant_edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """One member's inputs: the council for anyone, a member's admins and staff for their own."""
    scenario = get_scenario_for_user(request.user, pk)
    member = get_object_or_404(
        Member.objects.visible_to(request.user).filter(
            participations__consortium_id=scenario.cost_model.consortium_id
        ),
        pk=member_pk,
    )
    row = participant_to_enter(request.user, scenario, member)
    form = ParticipantForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ParticipantForm.Meta.fields}
        try:
            do_save_participant(scenario, member, acting_user=request.user, **fields)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("The figures of %(m)s were saved.") % {"m": member.name})
            return redirect("costing:scenario_detail", pk=scenario.pk)
    return render(
        request,
        "costing/participant_form.html",
        {
            "form": form,
            "scenario": scenario,
            "member": member,
            "row": row,
            "consent": _consent_choices(request, scenario, [row]) if row else [],
        },
    )


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """Take a member out of a scenario."""
    scenario = get_scenario_for_user(request.user, pk)
    row = get_object_or_404(
        ScenarioParticipant.objects.visible_to(request.user), scenario=scenario, member_id=member_pk
    )
    if not can_enter_for(request.user, scenario, row.member):
        raise PermissionDenied
    do_remove_participant(row, acting_user=request.user)  # type: ignore[arg-type]
    messages.success(request, _g("%(m)s no longer takes part in this scenario.") % {"m": row.member.name})
    return redirect("costing:scenario_detail", pk=scenario.pk)


def _consortium_members(scenario: Scenario) -> list[Member]:
    return list(
        Member.objects.filter(
            participations__consortium_id=scenario.cost_model.consortium_id, participations__is_active=True
        ).order_by("name")
    )


def _may_upload(request: HttpRequest, scenario: Any) -> bool:
    """The council, or a member's writer (who loads their own member's rows): not observers."""
    tenant = request.tenant  # type: ignore[attr-defined]
    return bool(is_council_of(request.user, scenario.cost_model.consortium_id) or tenant.can_write_member)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Load members' inputs from CSV or XLSX: all rows or none, every problem named by cell."""
    scenario = get_scenario_for_user(request.user, pk)
    if not _may_upload(request, scenario):
        raise PermissionDenied(_g("Observers may not upload figures."))
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[imports.Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = imports.parse_upload(upload.name, upload.read(imports.MAX_BYTES + 1))
        except imports.UploadError as exc:
            form.add_error("file", str(exc))
        else:
            parsed, problems = imports.validate_rows(rows, _consortium_members(scenario))
            if not problems:
                try:
                    count = do_import_participants(
                        scenario,
                        parsed,
                        acting_user=request.user,  # type: ignore[arg-type]
                        source=upload.name,
                    )
                except PermissionDenied as exc:
                    form.add_error("file", str(exc))
                except ValidationError as exc:
                    form.add_error("file", "; ".join(exc.messages))
                else:
                    messages.success(request, _g("%(n)s members' figures were loaded.") % {"n": count})
                    return redirect("costing:scenario_detail", pk=scenario.pk)
    return render(
        request,
        "costing/upload.html",
        {"form": form, "scenario": scenario, "problems": problems, "columns": imports.COLUMN_HELP},
    )


@login_required
def scenario_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The upload template (?format=xlsx or csv), one row per member of the consortium."""
    scenario = get_scenario_for_user(request.user, pk)
    members = _consortium_members(scenario)
    if request.GET.get("format") == "csv":
        response = HttpResponse(imports.template_csv(members), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cost-inputs-template.csv"'
        return response
    response = HttpResponse(
        imports.template_xlsx(members),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="cost-inputs-template.xlsx"'
    return response


# --- Comparison -------------------------------------------------------------------------------------


def comparison_context(request: HttpRequest, scenario: Scenario) -> dict[str, Any]:
    """Every rule side by side per member, with the stability check of each rule."""
    participants = participants_of(request.user, scenario)
    disclosure = disclosure_for(request.user, scenario, participants)
    analysis = analyse(scenario, participants)
    computed = [r for r in analysis.rules if r.amounts is not None]
    charge_disclosure = charge_disclosure_for(request.user, scenario, participants)
    charges = {r.key: charges_for(charge_disclosure, analysis, r) for r in computed}
    table = []
    for player in analysis.players:
        shown = disclosure.shows(player.member_id)
        cells: list[dict[str, Any]] = []
        for r in computed:
            charge = charges[r.key].by_member.get(player.member_id)
            if charge is None:
                cells.append({"charge": None, "savings": None, "change": None, "loses": False})
                continue
            savings = player.standalone - charge if shown else None
            change = (
                (savings / player.standalone * 100).quantize(Decimal("0.1"))
                if shown and player.standalone and savings is not None
                else None
            )
            cells.append(
                {
                    "charge": charge,
                    "savings": savings,
                    "change": change,
                    "loses": shown and charge > player.standalone,
                }
            )
        table.append(
            {
                "name": player.name,
                "shown": shown,
                "standalone": player.standalone if shown else None,
                "cells": cells,
            }
        )
    totals = [sum(r.amounts.values(), Decimal(0)) for r in computed]  # type: ignore[union-attr]
    chart_rules = [r for r in computed if r.key in ("population", "grand_list", "scrb", "shapley", "equal")]
    chart_rows = [
        {"member": p.name, "rule": r.label, "charge": float(charges[r.key].by_member[p.member_id])}
        for p in analysis.players
        for r in chart_rules
        if p.member_id in charges[r.key].by_member
    ]
    others_label = _g("Other members together")
    chart_rows += [
        {"member": others_label, "rule": r.label, "charge": float(charges[r.key].others_total)}  # type: ignore[arg-type]
        for r in chart_rules
        if charges[r.key].others_total is not None
    ]
    rates = chosen_rates(scenario)
    return {
        "scenario": scenario,
        "model": scenario.cost_model,
        "analysis": analysis,
        "rules": computed,
        "unavailable": [r for r in analysis.rules if r.amounts is None],
        "rule_charges": [charges[r.key] for r in computed],
        "charge_disclosure": charge_disclosure,
        "consent": _consent_choices(request, scenario, participants),
        "table": table,
        "totals": totals,
        "disclosure": disclosure,
        "is_council": disclosure.full,
        "chart_spec": charts.bar_spec(
            chart_rows,
            x="member",
            y="charge",
            color="rule",
            title=_g("Charge per member under five rules"),
            x_title=_g("Member"),
            y_title=_g("Charge a year ($)"),
        ),
        "form": ChooseRuleForm(initial={"rule": scenario.rule or "shapley"}),
        "rates": disclosed_rates(charge_disclosure, scenario, rates),
        "rates_withheld": bool(rates) and not disclosed_rates(charge_disclosure, scenario, rates),
    }


@login_required
def scenario_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """All rules side by side; who loses; which groups would split off; choose the rule."""
    scenario = get_scenario_for_user(request.user, pk)
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied
    return render(request, "costing/compare.html", comparison_context(request, scenario))


@login_required
@require_POST
def scenario_choose_rule(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the scenario's rule (the council); audited with the resulting rates."""
    scenario = get_scenario_for_user(request.user, pk)
    _require_council(request, scenario.cost_model.consortium_id)
    form = ChooseRuleForm(request.POST)
    if form.is_valid():
        try:
            do_choose_rule(
                scenario,
                rule=form.cleaned_data["rule"],
                params=form.params(),
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(
                request, _g("%(rule)s is now the chosen rule.") % {"rule": Rule(scenario.rule).label}
            )
    else:
        messages.error(request, _g("Choose one of the rules."))
    return redirect("costing:scenario_compare", pk=scenario.pk)


@login_required
def scenario_rates(request: HttpRequest, pk: int) -> HttpResponse:
    """The chosen rule's rates per member, as JSON (?format=json) or CSV, for agreements and billing."""
    scenario = get_scenario_for_user(request.user, pk)
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied
    all_rates = chosen_rates(scenario)
    if not all_rates:
        messages.error(request, _g("Choose a rule first: there are no rates to export."))
        return redirect("costing:scenario_compare", pk=scenario.pk)
    participants = participants_of(request.user, scenario)
    rates = disclosed_rates(charge_disclosure_for(request.user, scenario, participants), scenario, all_rates)
    if not rates:
        messages.error(request, WITHHELD_MESSAGE)
        return redirect("costing:scenario_compare", pk=scenario.pk)
    if request.GET.get("format") == "json":
        body = exports.rates_json(scenario, rates)
        response = HttpResponse(json.dumps(body, indent=2), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="rates-scenario-{scenario.pk}.json"'
        return response
    response = HttpResponse(exports.rates_csv(scenario, rates), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rates-scenario-{scenario.pk}.csv"'
    return response


# --- Versions, what-ifs, diffs ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scenario_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version or a what-if copy: drop members, change β, price or platform."""
    scenario = get_scenario_for_user(request.user, pk)
    _require_council(request, scenario.cost_model.consortium_id)
    members = [(p.member_id, p.member.name) for p in participants_of(request.user, scenario)]
    form = CopyScenarioForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            copy = do_copy_scenario(
                scenario,
                acting_user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"] or None,
                as_version=form.cleaned_data["kind"] == "version",
                drop_members=[int(x) for x in form.cleaned_data["drop_members"]],
                changes=form.changes(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("Created %(s)s.") % {"s": copy})
            return redirect(f"{reverse('costing:scenario_diff', args=[copy.pk])}?other={scenario.pk}")
    return render(request, "costing/copy_form.html", {"form": form, "scenario": scenario})


@login_required
@require_http_methods(["GET", "POST"])
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete a scenario and its inputs (the council; a model keeps one scenario)."""
    scenario = get_scenario_for_user(request.user, pk)
    _require_council(request, scenario.cost_model.consortium_id)
    if request.method == "POST":
        model_pk = scenario.cost_model_id
        label = str(scenario)
        try:
            do_delete_scenario(get_scenario_for_user(request.user, pk, write=True), acting_user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return redirect("costing:scenario_detail", pk=pk)
        messages.success(request, _g("%(s)s was deleted.") % {"s": label})
        return redirect("costing:cost_model_detail", pk=model_pk)
    return render(request, "costing/scenario_delete.html", {"scenario": scenario})


@login_required
def scenario_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """Two scenarios of one cost model side by side: parameters, members, inputs and results."""
    scenario = get_scenario_for_user(request.user, pk)
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied
    siblings = list(
        Scenario.objects.visible_to(request.user)
        .filter(cost_model=scenario.cost_model)
        .exclude(pk=scenario.pk)
    )
    other_id = request.GET.get("other") or (str(scenario.parent_id) if scenario.parent_id else "")
    other = None
    if other_id.isdigit():
        other = next((s for s in siblings if s.pk == int(other_id)), None)
        if other is None:
            raise Http404(_g("Compare with a scenario of the same cost model."))
    context: dict[str, Any] = {
        "scenario": scenario,
        "siblings": siblings,
        "other": other,
        "model": scenario.cost_model,
    }
    if other is not None:
        context.update(
            exports.diff(
                request.user,
                scenario,
                participants_of(request.user, scenario),
                other,
                participants_of(request.user, other),
            )
        )
    return render(request, "costing/diff.html", context)


# --- Exports ----------------------------------------------------------------------------------------


@login_required
def scenario_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The scenario as a PDF report with its comparison and method appendix."""
    scenario = get_scenario_for_user(request.user, pk)
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied
    context = scenario_context(request, scenario)
    context.update({k: v for k, v in comparison_context(request, scenario).items() if k not in context})
    pdf = exports.scenario_pdf(request, context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="scenario-{scenario.pk}.pdf"'
    return response


@login_required
def scenario_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The scenario as a workbook: inputs (as disclosed), every rule, core checks, method appendix."""
    scenario = get_scenario_for_user(request.user, pk)
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied
    context = scenario_context(request, scenario)
    context.update({k: v for k, v in comparison_context(request, scenario).items() if k not in context})
    response = HttpResponse(
        exports.scenario_xlsx(context),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="scenario-{scenario.pk}.xlsx"'
    return response


def cost_models_card(request: HttpRequest) -> dict[str, Any] | None:
    """Cost models: how many the consortium has, and the latest."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None or tenant.is_vendor:
        return None
    models = CostModel.objects.visible_to(request.user).filter(consortium=tenant.consortium)
    return {"count": models.count(), "latest": models.order_by("-updated_at").first()}


__all__ = [
    "Disclosure",
    "Q",
    "cost_model_create",
    "cost_model_detail",
    "cost_model_edit",
    "cost_model_list",
    "cost_models_card",
    "participant_add",
    "participant_charge_consent",
    "participant_edit",
    "participant_remove",
    "scenario_choose_rule",
    "scenario_compare",
    "scenario_context",
    "scenario_copy",
    "scenario_delete",
    "scenario_detail",
    "scenario_diff",
    "scenario_edit",
    "scenario_pdf",
    "scenario_rates",
    "scenario_template",
    "scenario_upload",
    "scenario_xlsx",
]
