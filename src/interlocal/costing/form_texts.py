"""Plain-words labels and help texts of the costing forms, with a worked example where the cost
formula uses a symbol (the symbol stays in the help text as a reference to docs/costing.md).

The cost of a group: c(S) = F + Σ a_i + p·U^β + h0·k^γ + max r_i (docs/costing.md).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

__all__ = ["PARTICIPANT_HELP", "PARTICIPANT_LABELS", "SCENARIO_HELP", "SCENARIO_LABELS"]

_LOW = _("Optional: the lowest value you think likely. Leave empty when the figure is known.")
_HIGH = _("Optional: the highest value you think likely. Leave empty when the figure is known.")

SCENARIO_LABELS = {
    "name": _("Name of the scenario"),
    "status": _("Status"),
    "notes": _("Notes"),
    "platform_low": _("Shared platform cost a year, lowest estimate"),
    "platform_likely": _("Shared platform cost a year"),
    "platform_high": _("Shared platform cost a year, highest estimate"),
    "capex": _("One-off investment"),
    "capex_life_years": _("Years the investment lasts"),
    "capex_rate": _("Interest rate on the investment"),
    "price_low": _("Price of one unit a year, lowest estimate"),
    "price_likely": _("Price of one unit a year"),
    "price_high": _("Price of one unit a year, highest estimate"),
    "exponent_low": _("Economies of scale, lowest estimate"),
    "exponent_likely": _("Economies of scale"),
    "exponent_high": _("Economies of scale, highest estimate"),
    "coordination_low": _("Coordination cost per member a year, lowest estimate"),
    "coordination_likely": _("Coordination cost per member a year"),
    "coordination_high": _("Coordination cost per member a year, highest estimate"),
    "coordination_exponent": _("How fast coordination grows with the group"),
    "term_years": _("Length of the agreement (years)"),
}

SCENARIO_HELP = {
    "name": _("For example “Baseline” or “Without Bolton”."),
    "status": _("A final scenario is locked: its figures no longer change (copy it to change them)."),
    "notes": _("Anything the members should know about these figures."),
    "platform_low": _LOW,
    "platform_likely": _(
        "What the shared platform costs the whole group a year: licences, hosting, disaster-recovery site, "
        "security (F in the formula). Example: $120,000."
    ),
    "platform_high": _HIGH,
    "capex": _(
        "A one-off purchase such as servers, turned into a yearly amount with the interest rate and the "
        "years below and added to the platform cost. Example: $300,000 over 10 years at 4 % is about "
        "$36,987 a year."
    ),
    "capex_life_years": _("How many years the investment is paid off over. Example: 10."),
    "capex_rate": _(
        "A fraction: 0.04 for 4 %. Use 0 for no interest (the cost is then divided by the years)."
    ),
    "price_low": _LOW,
    "price_likely": _(
        "What one unit (a user, a terabyte, a device) costs a year before economies of scale (p in p·U^β, "
        "U being all members' units). Example: $500 a unit and 40 units in all cost $20,000 a year when "
        "the economies of scale are 1."
    ),
    "price_high": _HIGH,
    "exponent_low": _LOW,
    "exponent_likely": _(
        "A number above 0 and at most 1 (β in p·U^β). 1: every unit costs the same; below 1: each extra "
        "unit costs less. Example: at $500 a unit, 100 units cost $50,000 with 1 and 500 × 100^0.9 ≈ "
        "$31,548 with 0.9."
    ),
    "exponent_high": _HIGH,
    "coordination_low": _LOW,
    "coordination_likely": _(
        "What coordinating the group costs a year, per member when it grows in proportion (h0 in h0·k^γ, k "
        "being the number of members). Example: $1,000 and 10 members cost $10,000 a year."
    ),
    "coordination_high": _HIGH,
    "coordination_exponent": _(
        "1: coordination grows in proportion to the number of members; above 1: faster, as larger groups "
        "are harder to coordinate (γ in h0·k^γ). Example: $1,000 per member, 10 members and 1.2 give "
        "1,000 × 10^1.2 ≈ $15,849 a year."
    ),
    "term_years": _(
        "Members' one-off onboarding costs are spread over it. Example: $25,000 of onboarding over 5 years "
        "counts $5,000 a year."
    ),
}

PARTICIPANT_LABELS = {
    "units_low": _("Units used, lowest estimate"),
    "units_likely": _("Units used"),
    "units_high": _("Units used, highest estimate"),
    "own_cost_low": _("One-off onboarding and migration, lowest estimate"),
    "own_cost_likely": _("One-off onboarding and migration"),
    "own_cost_high": _("One-off onboarding and migration, highest estimate"),
    "service_level_low": _("Cost of the service level you need a year, lowest estimate"),
    "service_level_likely": _("Cost of the service level you need a year"),
    "service_level_high": _("Cost of the service level you need a year, highest estimate"),
    "standalone_low": _("What you spend on this service today a year, lowest estimate"),
    "standalone_likely": _("What you spend on this service today a year"),
    "standalone_high": _("What you spend on this service today a year, highest estimate"),
    "population": _("Population"),
    "grand_list": _("Equalized grand list (assessed value)"),
    "road_miles": _("Road miles"),
    "visibility": _("Who may see these figures"),
}

PARTICIPANT_HELP = {
    "units_low": _LOW,
    "units_likely": _(
        "How much of the service you would use: users, terabytes, devices — a whole number (u_i in the "
        "formula). Example: 40 users."
    ),
    "units_high": _HIGH,
    "own_cost_low": _LOW,
    "own_cost_likely": _(
        "What joining costs you once: onboarding, data migration, training (a_i, spread over the agreement "
        "term). Example: $25,000 over a 5-year term counts $5,000 a year."
    ),
    "own_cost_high": _HIGH,
    "service_level_low": _LOW,
    "service_level_likely": _(
        "The yearly cost of the service level you need, such as round-the-clock recovery (r_i). The most "
        "demanding member sets it for the whole group. Example: $15,000 a year."
    ),
    "service_level_high": _HIGH,
    "standalone_low": _LOW,
    "standalone_likely": _(
        "Your current yearly spend on the service on your own; your savings are this minus your charge. "
        "Example: $60,000."
    ),
    "standalone_high": _HIGH,
    "population": _("Residents (public census figure), used by the per-capita rule."),
    "grand_list": _("Used by the rule by grand list and in blends. Example: 812,345,678."),
    "road_miles": _("Used in blends that share some of the cost by road miles. Example: 96.5."),
    "visibility": _(
        "By name: other members see your figures. Only in aggregates: they appear only inside totals of "
        "several members."
    ),
}
