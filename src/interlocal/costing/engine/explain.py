"""One plain sentence about a stability check, for councils rather than game theorists."""

from __future__ import annotations

from .core import CoreCheck

__all__ = ["METHOD_DESCRIPTIONS", "describe_method", "explain_core", "money"]


def money(amount: float) -> str:
    """$179,000 for large amounts (rounded to the thousand: estimates are not exact), else $1,234."""
    amount = abs(amount)
    if amount >= 10_000:
        return f"${round(amount, -3):,.0f}"
    return f"${amount:,.0f}"


def _names(members: list[str], limit: int = 8) -> str:
    if len(members) <= limit:
        shown = members
        rest = 0
    else:
        shown, rest = members[:limit], len(members) - limit
    if rest:
        return ", ".join(shown) + f" and {rest} others"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def explain_core(check: CoreCheck, rule: str, *, period: str = "a year") -> str:
    """E.g. 'Under per capita, these 21 members would save $179,000 a year by splitting off: ...'."""
    if not check.members:
        return f"Under {rule}, there is no smaller group that could split off."
    if check.stable:
        # The subject may be one member or several: the verb phrase agrees with it, no comma between.
        alone = "on its own, and it comes" if len(check.members) == 1 else "on their own, and they come"
        return (
            f"Under {rule}, no group of members would save by splitting off: {_names(check.members)} "
            f"would pay {money(check.excess)} {period} more {alone} closest."
        )
    if len(check.members) == 1:
        return f"Under {rule}, {check.members[0]} would save {money(check.excess)} {period} by going alone."
    return (
        f"Under {rule}, these {len(check.members)} members would save {money(check.excess)} {period} "
        f"by splitting off: {_names(check.members)}."
    )


METHOD_DESCRIPTIONS: dict[str, str] = {
    "equal": (
        "Equal share: every member pays the same amount, the total cost divided by the number of "
        "members. It is the simplest rule to explain, but a small town pays as much as a city, so "
        "small members often find they would do better on their own."
    ),
    "proportional": (
        "Proportional: the total cost is divided in proportion to one number each member records, "
        "such as its population (per capita), its equalized grand list, its units of use or what "
        "the service would cost it alone. This is what most interlocal agreements use. It ignores "
        "which members drive which part of the cost, so it is the rule most likely to leave some "
        "group of members better off on its own."
    ),
    "blend": (
        "Blend: a weighted mix of rules, for example half by grand list, a quarter by population "
        "and a quarter by road miles. Each member pays the same mix of what it would pay under "
        "each rule, so the charges still add up to the total cost. Blends balance ability to pay "
        "against use, but like any formula they can still leave a group better off on its own."
    ),
    "base-fee-usage": (
        "Base fee + usage: the costs that do not grow with use (the shared platform, the cost of "
        "coordinating the group and the service level the group must provide) are split equally "
        "as a base fee; each member then pays its own onboarding and migration costs and a share "
        "of the usage-driven cost in proportion to the units it uses. It reads like a utility "
        "bill and matches the Shapley value when the usage cost grows in a straight line."
    ),
    "scrb": (
        "Separable costs, remaining benefits (SCRB): each member first pays what it adds to the "
        "group's cost by being in it (its separable cost). What is left is shared in proportion "
        "to how much each member gains from the group beyond that, compared with going alone. "
        "It has been used for decades to split the cost of multi-purpose water projects."
    ),
    "shapley": (
        "Shapley value: each member pays the extra cost it brings to the group, averaged over "
        "every order in which the members could have joined. It is the one rule that treats "
        "members with the same needs the same way, charges nothing for what a member does not "
        "use, and adds up across the parts of the cost. When costs grow more slowly than the "
        "group, no group of members can do better on its own under it."
    ),
    "nucleolus": (
        "Nucleolus: the allocation that makes the most dissatisfied group of members as well off "
        "as possible, then the next most dissatisfied, and so on. Whenever some allocation leaves "
        "no group better off on its own, the nucleolus is one of them, so it is the usual choice "
        "when stability matters most. It can move charges a long way from any simple formula."
    ),
    "least-core": (
        "Least core: the allocation that maximises the smallest saving any group of members gets "
        "by staying in the whole group. If that saving is positive, no group would leave; if no "
        "allocation can keep every group, it asks the least possible extra of the group that "
        "gains least. It shows how much room there is for a stable agreement."
    ),
    "closest-stable": (
        "Closest stable allocation: starts from a formula the members prefer, such as per capita, "
        "and moves as few dollars as possible to reach an allocation that leaves no group of "
        "members better off on its own (or, when none exists, as close to that as possible). It "
        "keeps the familiar formula where it is already fair and changes it only where it is not."
    ),
}

_PROPORTIONAL_FIELDS = {
    "population": "population (per capita)",
    "grand_list": "equalized grand list (assessed value)",
    "units": "units of use",
    "standalone": "stand-alone cost",
    "road_miles": "road miles",
}


def describe_method(method: str) -> str:
    """One plain paragraph explaining an allocation rule (engine names: equal, shapley, base-fee-usage, ...).

    `proportional:<field>` names the field it is proportional to; unknown names raise KeyError.
    """
    key = method.strip().lower().replace("_", "-")
    if key.startswith("proportional:"):
        field = method.split(":", 1)[1].strip()
        shown = _PROPORTIONAL_FIELDS.get(field, field.replace("_", " "))
        return (
            f"Proportional to {shown}: the total cost is divided in proportion to each member's "
            f"{shown}. " + METHOD_DESCRIPTIONS["proportional"].split(". ", 2)[2]
        )
    aliases = {"least-core": "least-core", "base-fee": "base-fee-usage", "base-fee+usage": "base-fee-usage"}
    key = aliases.get(key, key)
    if key not in METHOD_DESCRIPTIONS:
        raise KeyError(f"no description for the rule {method!r}")
    return METHOD_DESCRIPTIONS[key]
