"""Security issue 11, point 5: a member must not be able to compute another member's confidential
inputs from the charges it can download.

The attacker is bob (staff of Avon). He downloads everything he can reach about the scenario (every
costing page, the PDF's source, the XLSX workbook, the rates in CSV and JSON, every API response)
and tries to solve for the hidden figures: every number he got is taken as a charge, a share or a
savings figure and turned into the input it would imply under each proportional rule, using what he
knows for certain (his own input and his own charge, the total c(N), and the public population).
He also subtracts every charge he can see from c(N): when the rest is one member's, it is that
member's charge. None of the confidential members' values may come out.
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from interlocal.costing.analysis import analyse
from interlocal.costing.models import Scenario, ScenarioParticipant
from tests.api.helpers import make_token
from tests.costing.factories import ScenarioFactory, ScenarioParticipantFactory, add_town

pytestmark = pytest.mark.django_db

K = 3
PUBLIC_RULES = ("equal", "population")
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")

# Distinct inputs, so that a value that comes out can only be that member's.
TOWNS = {
    # name: (units, grand list, visibility)
    "Avon": (16, Decimal("812345678.00"), "aggregate"),  # bob's own member
    "Bolton": (4, Decimal("354321987.00"), "aggregate"),
    "Canton": (11, Decimal("623456123.00"), "aggregate"),
    "Durham": (7, Decimal("275318642.00"), "aggregate"),
    "Essex": (13, Decimal("498765432.00"), "aggregate"),
    "Farmington": (9, Decimal("731246859.00"), "named"),  # allowed its figures by name
}


def _scenario(world: Any, *, towns: dict[str, tuple[int, Decimal, str]] = TOWNS) -> Scenario:
    scenario = ScenarioFactory(
        cost_model__consortium=world.capitol, cost_model__name="Shared backup", rule="units"
    )
    known = {"Avon": world.avon, "Bolton": world.bolton, "Canton": world.canton}
    for i, (name, (units, grand_list, visibility)) in enumerate(towns.items()):
        member = known.get(name) or add_town(world.capitol, name, population=4000 + 731 * i)
        ScenarioParticipantFactory(
            scenario=scenario,
            member=member,
            units_likely=units,
            grand_list=grand_list,
            own_cost_likely=Decimal(3000 + 417 * i),
            standalone_likely=Decimal(60000 + 1913 * i),
            visibility=visibility,
        )
    return scenario


class _CapturePDF:
    """Stands in for WeasyPrint: the PDF is rendered from this HTML, which is what it can reveal."""

    seen: list[str] = []

    def __init__(self, string: str, base_url: str = "") -> None:
        _CapturePDF.seen.append(string)

    def write_pdf(self) -> bytes:
        return b"%PDF-1.7 captured"


def _downloads(world: Any, scenario: Scenario, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every costing page, export and API response bob can reach for the scenario, as text."""
    import weasyprint

    monkeypatch.setattr(weasyprint, "HTML", _CapturePDF)
    _CapturePDF.seen = []
    browser = Client()
    browser.force_login(world.bob)
    api = Client(headers={"Authorization": f"Bearer {make_token(world.bob)}"})
    texts: list[str] = []
    pk = scenario.pk
    siblings = Scenario.objects.filter(cost_model=scenario.cost_model).exclude(pk=pk)
    pages = [
        reverse("costing:cost_model_detail", args=[scenario.cost_model_id]),
        reverse("costing:scenario_detail", args=[pk]),
        reverse("costing:scenario_compare", args=[pk]),
        reverse("costing:scenario_diff", args=[pk]),
        *(f"{reverse('costing:scenario_diff', args=[pk])}?other={s.pk}" for s in siblings),
        *(reverse("costing:scenario_detail", args=[s.pk]) for s in siblings),
        *(reverse("costing:scenario_compare", args=[s.pk]) for s in siblings),
        reverse("costing:participant_edit", args=[pk, world.avon.pk]),
        f"{reverse('costing:scenario_rates', args=[pk])}?format=json",
        f"{reverse('costing:scenario_rates', args=[pk])}?format=csv",
    ]
    for url in pages:
        response = browser.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        texts.append(response.content.decode())
    assert browser.get(reverse("costing:scenario_pdf", args=[pk])).status_code == 200
    texts.extend(_CapturePDF.seen)
    book = load_workbook(io.BytesIO(browser.get(reverse("costing:scenario_xlsx", args=[pk])).content))
    for sheet in book.worksheets:
        texts.append(json.dumps([[str(c) for c in row] for row in sheet.iter_rows(values_only=True)]))
    for s in [scenario, *siblings]:
        for path in ("", "/participants", "/results"):
            response = api.get(f"/api/v1/costing/scenarios/{s.pk}{path}")
            assert response.status_code == 200
            texts.append(response.content.decode())
    return texts


def _numbers(texts: list[str]) -> set[Decimal]:
    out = set()
    for text in texts:
        for match in NUMBER.findall(text):
            try:
                out.add(Decimal(match.replace(",", "")))
            except ArithmeticError:
                continue
    return out


def _hidden(scenario: Scenario, world: Any) -> list[ScenarioParticipant]:
    """Members whose inputs bob may not learn: not his own, not named, no consent given."""
    return [
        p
        for p in ScenarioParticipant.objects.filter(scenario=scenario).select_related("member")
        if p.member_id != world.avon.pk
        and p.visibility != "named"
        and not getattr(p, "charge_consent", False)
    ]


def _attack(world: Any, scenario: Scenario, texts: list[str]) -> list[str]:
    """What bob can solve for; each finding names the member and the figure."""
    numbers = _numbers(texts)
    result = analyse(scenario)
    players = {p.member_id: p for p in result.players}
    grand = result.grand_cost
    hidden = _hidden(scenario, world)
    # Anyone can compute the equal and per-capita charges from public figures (c(N), the number of
    # members, their census populations): a charge equal to one of those reveals nothing.
    public = {
        (m, r.amounts[p.name])
        for r in result.rules
        if r.key in PUBLIC_RULES and r.amounts
        for m, p in players.items()
    }
    found: list[str] = []
    for rule in result.rules:
        if rule.amounts is None or rule.key in PUBLIC_RULES:
            continue
        charge = {m: rule.amounts[p.name] for m, p in players.items()}
        # 1. A hidden member's charge appears somewhere (to the cent or the dollar).
        for p in hidden:
            x = charge[p.member_id]
            if (p.member_id, x) in public:
                continue
            if x in numbers or x.quantize(Decimal(1)) in numbers and x >= 100:
                found.append(f"{rule.key}: {p.member.name}'s charge {x} appears")
        # 2. Subtract every charge bob can see from c(N): one hidden member left is that member.
        visible = {m for m, x in charge.items() if x in numbers and m not in {h.member_id for h in hidden}}
        if visible and grand in numbers:
            rest = [p for p in hidden if p.member_id not in visible]
            if len(rest) == 1 and (rest[0].member_id, charge[rest[0].member_id]) in public:
                continue  # what comes out is its public per-capita or equal charge
            if 0 < len(rest) < K:
                found.append(
                    f"{rule.key}: c(N) minus the visible charges isolates {[p.member.name for p in rest]}"
                )
        # 3. Proportional rules: bob's own input and own charge give the total weight W; every number
        #    read as a charge (n·W/c) or a share (n·W) implies an input.
        field = {"units": "units_likely", "grand_list": "grand_list"}.get(rule.key)
        if field is None or charge[world.avon.pk] == 0:
            continue
        own_weight = Decimal(
            getattr(ScenarioParticipant.objects.get(scenario=scenario, member=world.avon), field)
        )
        if charge[world.avon.pk] not in numbers:
            continue  # bob never sees his own charge under this rule: he cannot scale anything
        total_weight = own_weight * grand / charge[world.avon.pk]
        for p in hidden:
            secret = Decimal(getattr(p, field))
            for n in numbers:
                for implied in (n * total_weight / grand, n * total_weight):
                    if secret and abs(implied - secret) <= secret * Decimal("0.0002"):
                        found.append(f"{rule.key}: {n} implies {p.member.name}'s {field} = {secret}")
                        break
    return sorted(set(found))


def test_bob_cannot_solve_for_hidden_inputs(world, settings, monkeypatch):
    settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS = K
    scenario = _scenario(world)
    texts = _downloads(world, scenario, monkeypatch)
    found = _attack(world, scenario, texts)
    assert not found, "\n".join(found)


def test_bob_cannot_solve_with_a_what_if_without_bolton(world, settings, monkeypatch, client_for):
    """Two scenarios whose hidden groups differ by Bolton alone: the difference would be Bolton's."""
    settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS = K
    scenario = _scenario(world)
    response = client_for("sam").post(
        reverse("costing:scenario_copy", args=[scenario.pk]),
        {"name": "Without Bolton", "kind": "whatif", "drop_members": [str(world.bolton.pk)]},
    )
    assert response.status_code == 302
    texts = _downloads(world, scenario, monkeypatch)
    found = _attack(world, scenario, texts)
    copy = Scenario.objects.get(name="Without Bolton")
    found += _attack(world, copy, texts)
    # Bolton's units are the difference of the two scenarios' hidden totals of units.
    for rule in ("units",):
        a, b = analyse(scenario).rule(rule), analyse(copy).rule(rule)
        numbers = _numbers(texts)
        avon_a = a.amounts[next(p.name for p in analyse(scenario).players if p.member_id == world.avon.pk)]
        avon_b = b.amounts[next(p.name for p in analyse(copy).players if p.member_id == world.avon.pk)]
        if avon_a in numbers and avon_b in numbers:
            # U_a = 16·c_a/x_a, U_b = 16·c_b/x_b: their difference is Bolton's units.
            ua = 16 * analyse(scenario).grand_cost / avon_a
            ub = 16 * analyse(copy).grand_cost / avon_b
            if abs((ua - ub) - 4) < Decimal("0.01"):
                found.append("units: the two scenarios' totals differ by Bolton's 4 units")
    assert not found, "\n".join(found)


def test_one_other_private_member_is_not_revealed_by_the_rest(world, settings, monkeypatch):
    """Avon, Bolton and a named member: c(N) minus Avon's and the named charge would be Bolton's."""
    settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS = K
    towns = {name: TOWNS[name] for name in ("Avon", "Bolton", "Farmington")}
    scenario = _scenario(world, towns=towns)
    texts = _downloads(world, scenario, monkeypatch)
    found = _attack(world, scenario, texts)
    assert not found, "\n".join(found)
