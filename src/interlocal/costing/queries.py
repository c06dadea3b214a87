"""Read paths for costing: scoped querysets, get_*_for_user accessors and the disclosure rule.

Other apps (agreements, billing) read the chosen rule's rates through `chosen_rates(scenario)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from interlocal.costing.analysis import analyse
from interlocal.costing.models import CostModel, Scenario, ScenarioParticipant
from interlocal.lib.disclosure import publishable
from interlocal.tenancy.scoping import get_for_user, grants_for, is_council

__all__ = [
    "ChosenRate",
    "Disclosure",
    "chosen_rates",
    "disclosure_for",
    "get_cost_model_for_user",
    "get_participant_for_user",
    "get_scenario_for_user",
    "is_council_of",
    "participants_of",
]


def get_cost_model_for_user(user: Any, pk: int, *, write: bool = False) -> CostModel:
    """The cost model if `user` may see it (or change it, with write=True); else 404."""
    return get_for_user(CostModel.objects.select_related("consortium", "area"), user, write=write, pk=pk)


def get_scenario_for_user(user: Any, pk: int, *, write: bool = False) -> Scenario:
    """The scenario if `user` may see it (or change it, with write=True); else 404."""
    qs = Scenario.objects.select_related(
        "cost_model", "cost_model__consortium", "cost_model__area", "parent", "rule_chosen_by"
    )
    return get_for_user(qs, user, write=write, pk=pk)


def get_participant_for_user(user: Any, pk: int, *, write: bool = False) -> ScenarioParticipant:
    """One member's inputs if `user` may see them (or change them, with write=True); else 404."""
    qs = ScenarioParticipant.objects.select_related(
        "member", "scenario", "scenario__cost_model", "scenario__cost_model__consortium"
    )
    return get_for_user(qs, user, write=write, pk=pk)


def participants_of(user: Any, scenario: Scenario) -> list[ScenarioParticipant]:
    """Every member's inputs in `scenario`, by member name, if `user` may see the scenario; else [].

    All the rows, not only those `visible_to(user)`: a scenario is shared by its members, and
    which confidential figures a person sees of them is decided afterwards by `disclosure_for`
    (named, own, and only aggregates of the rest). Callers show figures through it.
    """
    # The scenario's own scoping, inside the same query: a scenario got elsewhere reads nothing.
    visible = Scenario.objects.visible_to(user).filter(pk=scenario.pk)
    return list(
        ScenarioParticipant.objects.of_scenario(scenario)
        .filter(scenario__in=visible)
        .order_by("member__name")
    )


def is_council_of(user: Any, consortium_id: int) -> bool:
    """Whether `user` is an admin or staff of the consortium (sees and enters everyone's inputs)."""
    return is_council(user, consortium_id)


def min_members() -> int:
    return int(settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS)


@dataclass(frozen=True)
class Disclosure:
    """What one person may see of a scenario's confidential member figures.

    - `full`: consortium staff: everything by name.
    - `by_name`: member ids whose stand-alone spend, units, own cost and savings may be shown by
      name (members who chose `named`, and the person's own members).
    - `totals`: whether totals over all participants (Σ stand-alone, total savings) may be shown,
      decided by `interlocal.lib.disclosure.publishable`.
    """

    full: bool
    by_name: frozenset[int]
    totals: bool

    def shows(self, member_id: int) -> bool:
        return self.full or member_id in self.by_name


def _own_members(user: Any, consortium_id: int) -> frozenset[int]:
    grants = grants_for(user)
    return frozenset(m for c, m, _r in grants.roles if c == consortium_id and m is not None)


def disclosure_for(user: Any, scenario: Scenario, participants: list[ScenarioParticipant]) -> Disclosure:
    """The assessment rule applied to cost inputs (see Disclosure)."""
    consortium_id = scenario.cost_model.consortium_id
    if is_council_of(user, consortium_id):
        return Disclosure(full=True, by_name=frozenset(p.member_id for p in participants), totals=True)
    own = _own_members(user, consortium_id)
    named = frozenset(p.member_id for p in participants if p.visibility == "named")
    private = frozenset(p.member_id for p in participants if p.visibility != "named") - own
    verdict = publishable({"all": [p.member_id for p in participants]}, private=private, k=min_members())
    return Disclosure(full=False, by_name=named | own, totals=verdict["all"])


def pair_disclosure(user: Any, a: Scenario, pa: list[Any], b: Scenario, pb: list[Any]) -> tuple[bool, bool]:
    """Whether totals of two scenarios may be shown side by side (a diff must not single anyone out)."""
    if is_council_of(user, a.cost_model.consortium_id):
        return True, True
    own = _own_members(user, a.cost_model.consortium_id)
    private = frozenset(p.member_id for p in [*pa, *pb] if p.visibility != "named") - own
    verdict = publishable(
        {"a": [p.member_id for p in pa], "b": [p.member_id for p in pb]}, private=private, k=min_members()
    )
    return verdict["a"], verdict["b"]


@dataclass(frozen=True)
class ChosenRate:
    """What one member pays a year under a scenario's chosen rule (cents exact; sums to c(N))."""

    member_id: int
    member_name: str
    amount: Decimal
    share: Decimal  # of the total, 0..1


def chosen_rates(scenario: Scenario) -> list[ChosenRate]:
    """The chosen rule's annual charge per member, for agreements and billing; [] without a rule.

    Not scoped: callers must have read `scenario` through `get_scenario_for_user` first.
    """
    if not scenario.rule:
        return []
    result = analyse(scenario)
    rule = result.rule(scenario.rule)
    if rule is None or rule.amounts is None:
        return []
    total = sum(rule.amounts.values(), Decimal(0))
    return [
        ChosenRate(
            member_id=p.member_id,
            member_name=p.name,
            amount=rule.amounts[p.name],
            share=(rule.amounts[p.name] / total).quantize(Decimal("0.000001")) if total else Decimal(0),
        )
        for p in result.players
    ]
