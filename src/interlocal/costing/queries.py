"""Read paths for costing: scoped querysets, get_*_for_user accessors and the disclosure rule.

Other apps (agreements, billing) read the chosen rule's rates through `chosen_rates(scenario)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from interlocal.costing.analysis import Analysis, RuleResult, analyse
from interlocal.costing.derivation import confidential_inputs
from interlocal.costing.models import CostModel, Rule, Scenario, ScenarioParticipant
from interlocal.lib.disclosure import publishable
from interlocal.tenancy.scoping import get_for_user, grants_for, is_council

__all__ = [
    "ChargeDisclosure",
    "ChosenRate",
    "Disclosure",
    "RuleDisclosure",
    "charge_disclosure_for",
    "Charges",
    "charges_for",
    "chosen_rates",
    "disclosure_for",
    "disclosed_rates",
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


# --- Charges ---------------------------------------------------------------------------------------
#
# A charge is derived from members' inputs (costing.derivation says which, per rule), so another
# member's charge is shown only where those inputs are disclosable for that member: it chose
# `named`, or it consented to its charges being seen (`charge_consent`). The others' charges are
# shown only as one total, and only when `publishable` allows that group: the viewer's own charge,
# c(N) and the charges it sees always give the others' total (c(N) minus what is shown), so when
# that group is too small — one member, say — nothing per member is shown under the rule at all,
# not even the viewer's own charge. The groups of every scenario of the cost model are decided
# together, so that two scenarios whose hidden groups differ by one member (a what-if without
# Bolton) cannot be subtracted to find that member's figures.


@dataclass(frozen=True)
class RuleDisclosure:
    """What one person may see of the charges under one rule.

    - `inputs`: the confidential inputs the rule's charges are derived from (empty: none).
    - `by_name`: the members whose charge is shown by name.
    - `hidden`: the members whose charges are only in the others' total (or withheld).
    - `others_total`: whether the total of the hidden members' charges may be shown.
    - `withheld`: nothing per member may be shown (the hidden group is too small).
    """

    key: str
    inputs: frozenset[str]
    by_name: frozenset[int]
    hidden: frozenset[int]
    others_total: bool
    withheld: bool

    def shows(self, member_id: int) -> bool:
        return member_id in self.by_name


@dataclass(frozen=True)
class ChargeDisclosure:
    """The RuleDisclosure of every rule of a scenario for one person (`full` for the council)."""

    full: bool
    rules: dict[str, RuleDisclosure]
    open_members: frozenset[int]  # own, named and consenting members: their inputs are known

    def rule(self, key: str) -> RuleDisclosure:
        return self.rules[key]

    def shows(self, key: str, member_id: int) -> bool:
        return self.full or (key in self.rules and self.rules[key].shows(member_id))


def _hidden_of(
    rows: list[tuple[int, str, bool]], own: frozenset[int], inputs: frozenset[str]
) -> frozenset[int]:
    """Members (id, visibility, consent) whose charge derived from `inputs` must not be shown."""
    if not inputs:
        return frozenset()
    return frozenset(
        m for m, visibility, consent in rows if m not in own and visibility != "named" and not consent
    )


def charge_disclosure_for(
    user: Any, scenario: Scenario, participants: list[ScenarioParticipant]
) -> ChargeDisclosure:
    """Which members' charges `user` may see under each rule of `scenario` (see RuleDisclosure)."""
    consortium_id = scenario.cost_model.consortium_id
    everyone = frozenset(p.member_id for p in participants)
    if is_council_of(user, consortium_id):
        rules = {
            key: RuleDisclosure(
                key, confidential_inputs(key, scenario.rule_params), everyone, frozenset(), True, False
            )
            for key in Rule.values
        }
        return ChargeDisclosure(full=True, rules=rules, open_members=everyone)
    own = _own_members(user, consortium_id)
    mine = [(p.member_id, p.visibility, p.charge_consent) for p in participants]
    # Every scenario of the cost model this person can read, each with its own participants.
    others: dict[int, tuple[dict[str, Any], list[tuple[int, str, bool]]]] = {
        scenario.pk: (scenario.rule_params or {}, mine)
    }
    sibling_rows = (
        ScenarioParticipant.objects.filter(
            scenario__cost_model_id=scenario.cost_model_id,
            scenario__in=Scenario.objects.visible_to(user),
        )
        .exclude(scenario_id=scenario.pk)
        .values_list("scenario_id", "scenario__rule_params", "member_id", "visibility", "charge_consent")
        .order_by("scenario_id")
    )
    for sid, params, member_id, visibility, consent in sibling_rows:
        others.setdefault(sid, (params or {}, []))[1].append((member_id, visibility, consent))
    rules = {}
    for key in Rule.values:
        inputs = confidential_inputs(key, scenario.rule_params)
        groups = {
            sid: _hidden_of(rows, own, confidential_inputs(key, params))
            for sid, (params, rows) in sorted(others.items())
        }
        hidden = groups[scenario.pk]
        if not hidden:
            rules[key] = RuleDisclosure(key, inputs, everyone, hidden, False, False)
            continue
        private = frozenset().union(*groups.values())
        verdict = publishable({sid: g for sid, g in groups.items() if g}, private=private, k=min_members())
        if verdict[scenario.pk]:
            rules[key] = RuleDisclosure(key, inputs, everyone - hidden, hidden, True, False)
        else:
            rules[key] = RuleDisclosure(key, inputs, frozenset(), hidden, False, True)
    open_members = own | frozenset(m for m, visibility, consent in mine if visibility == "named" or consent)
    return ChargeDisclosure(full=False, rules=rules, open_members=open_members)


@dataclass(frozen=True)
class Charges:
    """One rule's charges as one person may see them."""

    by_member: dict[int, Decimal]  # member id -> charge, only those shown
    others_total: Decimal | None  # the hidden members' total, when it may be shown
    others_count: int
    withheld: bool
    sentence: str  # the stability check, with amounts and names only if they reveal nothing hidden
    group: list[str]  # the group that gains most by leaving, when it may be named
    excess: float | None


def charges_for(disclosure: ChargeDisclosure, analysis: Analysis, rule: RuleResult) -> Charges:
    """`rule`'s charges and stability check, disclosed per `disclosure`."""
    amounts = rule.amounts or {}
    by_name = {p.member_id: p.name for p in analysis.players}
    if disclosure.full:
        return Charges(
            {m: amounts[n] for m, n in by_name.items() if n in amounts},
            None,
            0,
            False,
            rule.core_sentence,
            list(rule.core_members),
            rule.core_excess,
        )
    view = disclosure.rule(rule.key)
    shown = {m: amounts[n] for m, n in by_name.items() if n in amounts and view.shows(m)}
    others = None
    if view.others_total and not view.withheld:
        others = sum(
            (amounts[n] for m, n in by_name.items() if m in view.hidden and n in amounts), Decimal(0)
        )
    # The stability check names a group and what it would save: x(S) − c(S). c(S) is built from the
    # group's inputs, so both are shown only when every member of the group is open to this person.
    names_to_ids = {n: m for m, n in by_name.items()}
    group_open = all(names_to_ids.get(n) in disclosure.open_members for n in rule.core_members)
    if group_open and not view.withheld:
        sentence, group, excess = rule.core_sentence, list(rule.core_members), rule.core_excess
    else:
        sentence, group, excess = _stability_only(rule), [], None
    return Charges(shown, others, len(view.hidden), view.withheld, sentence, group, excess)


def _stability_only(rule: RuleResult) -> str:
    if rule.stable:
        return str(
            _("Under %(rule)s, no group of members would save by splitting off.") % {"rule": rule.label}
        )
    return str(
        _(
            "Under %(rule)s, some group of members would save by splitting off (which, and how much, would reveal members' confidential figures)."
        )
        % {"rule": rule.label}
    )


def disclosed_rates(
    disclosure: ChargeDisclosure, scenario: Scenario, rates: list[ChosenRate]
) -> list[ChosenRate]:
    """The chosen rule's rates this person may see: shown members, then one row for the others' total."""
    if disclosure.full or not scenario.rule or not rates:
        return rates
    view = disclosure.rule(scenario.rule)
    if view.withheld:
        return []
    out = [r for r in rates if view.shows(r.member_id)]
    hidden = [r for r in rates if r.member_id in view.hidden]
    if hidden and view.others_total:
        amount = sum((r.amount for r in hidden), Decimal(0))
        total = sum((r.amount for r in rates), Decimal(0))
        out.append(
            ChosenRate(
                member_id=0,
                member_name=str(_("The other %(n)s members together") % {"n": len(hidden)}),
                amount=amount,
                share=(amount / total).quantize(Decimal("0.000001")) if total else Decimal(0),
            )
        )
    return out


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
