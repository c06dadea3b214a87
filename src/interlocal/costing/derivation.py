"""Which members' inputs each allocation rule's charges are derived from.

A charge is a figure built from members' inputs, so it can give them away: under "by units used"
a member who knows its own units and its own charge knows the total of units (U = u·c(N)/x), and
every other charge it sees then names that member's units (u_j = x_j·U/c(N)). Each rule declares
here the inputs its charges depend on; `costing.queries.charge_disclosure_for` shows another
member's charge only where every confidential one of them is disclosable for that member (or the
member consented), and the rest only as a total that `lib.disclosure.publishable` allows.

Pure Python: no Django imports (the rules' keys are `costing.models.Rule` values).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "CONFIDENTIAL_INPUTS",
    "GAME_INPUTS",
    "PUBLIC_INPUTS",
    "RULE_INPUTS",
    "confidential_inputs",
    "rule_inputs",
]

# A member's inputs, by the name used here. Population is public (census figures): the pages and
# the API show it by name for everyone. Everything else follows the member's visibility choice.
PUBLIC_INPUTS = frozenset({"population"})
CONFIDENTIAL_INPUTS = frozenset(
    {"units", "own_cost", "service_level", "standalone", "grand_list", "road_miles", "other_weights"}
)
# The cost of a group c(S) = F + Σ a_i + p·U(S)^β + h0·|S|^γ + max r_i reads these of its members.
GAME_INPUTS = frozenset({"units", "own_cost", "service_level"})

# None: depends on the rule's parameters (see rule_inputs).
RULE_INPUTS: dict[str, frozenset[str] | None] = {
    # c(N)/n: nothing of any member's own.
    "equal": frozenset(),
    # c(N)·w_i/Σw: the ratio of the members' weights.
    "population": frozenset({"population"}),
    "grand_list": frozenset({"grand_list"}),
    "units": frozenset({"units"}),
    # In proportion to c({i}), the member's cost alone: its units, onboarding and service level.
    "standalone": GAME_INPUTS,
    # Its parts' weights (rule_params["blend"]).
    "blend": None,
    # An equal base fee, the member's own onboarding a_i and a usage share by units.
    "base_fee_usage": frozenset({"units", "own_cost"}),
    # Built from the costs of groups c(S), hence from every member's game inputs.
    "scrb": GAME_INPUTS,
    "shapley": GAME_INPUTS,
    "nucleolus": GAME_INPUTS,
    "least_core": GAME_INPUTS,
    # The stable allocation nearest to per capita: the game and the populations.
    "closest_stable": GAME_INPUTS | {"population"},
}

# The blend's default parts (costing.analysis.DEFAULT_BLEND) when the scenario names none.
_DEFAULT_BLEND_FIELDS = ("grand_list", "population", "road_miles")
_WEIGHT_FIELDS = {"population", "grand_list", "road_miles", "units"}


def rule_inputs(key: str, params: Mapping[str, Any] | None = None) -> frozenset[str]:
    """The inputs whose values the charges under rule `key` (with `params`) are derived from.

    An unknown rule is taken to depend on every input: a new rule is confidential until declared.
    """
    if key not in RULE_INPUTS:
        return CONFIDENTIAL_INPUTS | PUBLIC_INPUTS
    declared = RULE_INPUTS[key]
    if declared is not None:
        return declared
    parts = (params or {}).get("blend") or dict.fromkeys(_DEFAULT_BLEND_FIELDS, 1)
    fields = set()
    for name, share in dict(parts).items():
        try:
            if float(share) <= 0:
                continue
        except (TypeError, ValueError):
            pass
        # Any other weight is one of the member's "other weights".
        fields.add(name if name in _WEIGHT_FIELDS else "other_weights")
    return frozenset(fields)


def confidential_inputs(key: str, params: Mapping[str, Any] | None = None) -> frozenset[str]:
    """The confidential inputs among `rule_inputs`: empty means the charges reveal nothing."""
    return rule_inputs(key, params) & CONFIDENTIAL_INPUTS
