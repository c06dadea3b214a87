"""The plain-language sentence for a stability check."""

from __future__ import annotations

from interlocal.costing.engine import explain_core
from interlocal.costing.engine.core import CoreCheck


def test_unstable_group_is_named_with_its_saving():
    check = CoreCheck(stable=False, members=[f"Town {i}" for i in range(21)], excess=179_321.5)
    assert explain_core(check, "per capita") == (
        "Under per capita, these 21 members would save $179,000 a year by splitting off: "
        "Town 0, Town 1, Town 2, Town 3, Town 4, Town 5, Town 6, Town 7 and 13 others."
    )


def test_one_member_leaving():
    check = CoreCheck(stable=False, members=["Avon"], excess=812.4)
    assert explain_core(check, "equal shares") == (
        "Under equal shares, Avon would save $812 a year by going alone."
    )


def test_stable_allocation_names_the_closest_group():
    check = CoreCheck(stable=True, members=["Avon", "Bolton"], excess=-40_069.5)
    assert explain_core(check, "the Shapley value") == (
        "Under the Shapley value, no group of members would save by splitting off: Avon and Bolton "
        "would pay $40,000 a year more on their own, and they come closest."
    )


def test_single_member_group():
    assert explain_core(CoreCheck(stable=True, members=[], excess=0.0), "SCRB") == (
        "Under SCRB, there is no smaller group that could split off."
    )
