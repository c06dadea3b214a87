"""The one suppression rule for aggregates of members' confidential data."""

from hypothesis import given, settings
from hypothesis import strategies as st

from interlocal.lib.disclosure import publishable, revealing_difference


def test_small_group_with_a_private_member_is_suppressed():
    verdict = publishable({"all": {1, 2, 3, 4}, "small": {1, 2}}, private={2}, k=3)
    assert verdict == {"all": True, "small": False}


def test_small_group_of_members_who_allowed_names_is_published():
    assert publishable({"small": {1, 2}}, private=set(), k=3) == {"small": True}


def test_difference_of_one_private_member_suppresses_the_smaller_group():
    # all - towns = {5}: publishing both would give member 5's value by subtraction.
    verdict = publishable({"all": {1, 2, 3, 4, 5}, "towns": {1, 2, 3, 4}}, private={5}, k=3)
    assert verdict == {"all": True, "towns": False}


def test_difference_made_only_of_named_members_is_harmless():
    verdict = publishable({"all": {1, 2, 3, 4, 5}, "towns": {1, 2, 3, 4}}, private={1}, k=3)
    assert verdict == {"all": True, "towns": True}


def test_equal_sized_groups_keep_the_first():
    verdict = publishable({"a": {1, 2, 3, 4}, "b": {1, 2, 3, 5}}, private={4, 5}, k=3)
    assert verdict == {"a": True, "b": False}


group_sets = st.dictionaries(
    st.integers(0, 6), st.frozensets(st.integers(0, 9), max_size=10), min_size=1, max_size=7
)


# No deadline: the machine is shared, and a slow first call is not a failure of the rule.
@settings(deadline=None)
@given(group_sets, st.frozensets(st.integers(0, 9)), st.integers(2, 4))
def test_no_published_pair_reveals_a_private_member(groups, private, k):
    verdict = publishable(groups, private=private, k=k)
    published = [g for g, ok in verdict.items() if ok]
    for g in published:
        assert len(groups[g]) >= k or not (groups[g] & private)
    for i, a in enumerate(published):
        for b in published[i + 1 :]:
            assert not revealing_difference(groups[a], groups[b], private=private, k=k)


# --- The vectorised variant: same verdicts from counts ------------------------------------------

import numpy as np  # noqa: E402

from interlocal.lib.disclosure import (  # noqa: E402
    atoms,
    guard_linear,
    linear_leaks,
    publishable_counts,
)


def _counts(groups: dict[int, frozenset[int]], private: frozenset[int]) -> tuple[list[int], tuple]:
    keys = list(groups)
    sizes = np.array([[len(groups[g]) for g in keys]])
    psizes = np.array([[len(groups[g] & private) for g in keys]])
    diff = np.array([[[len(groups[a] - groups[b]) for b in keys] for a in keys]])
    pdiff = np.array([[[len((groups[a] - groups[b]) & private) for b in keys] for a in keys]])
    return keys, (sizes, psizes, diff, pdiff)


@settings(deadline=None)
@given(group_sets, st.frozensets(st.integers(0, 9)), st.integers(2, 4))
def test_counts_variant_gives_the_same_verdict(groups, private, k):
    keys, arrays = _counts(groups, private)
    verdict = publishable_counts(*arrays, k=k)[0]
    expected = publishable(groups, private=private, k=k)
    assert {key: bool(v) for key, v in zip(keys, verdict, strict=True)} == expected


def test_atoms_split_members_by_the_groups_they_belong_to():
    groups = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [0, 1, 0, 1]], dtype=bool)
    atom_of, incidence = atoms(groups)
    # Members 0..3 have signatures (1,1,0), (1,1,1), (1,0,0), (1,0,1): four atoms.
    assert len(set(atom_of.tolist())) == 4
    for member in range(4):
        assert (incidence[:, atom_of[member]] == groups[:, member]).all()


def test_a_lone_private_value_isolated_by_three_groups_is_found():
    # Atoms: {a}, {b}, {c}; groups a+b, b+c, a+c: (ab + ac - bc) / 2 = a.
    incidence = np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1]], dtype=bool)
    leaks = linear_leaks(incidence, np.array([1, 1, 1]), np.array([True, True, True]))
    assert leaks.tolist() == [True, True, True]
    # With three private values in each atom, nobody is alone: nothing leaks.
    assert not linear_leaks(incidence, np.array([3, 3, 3]), np.array([True, True, True])).any()


def test_a_private_member_who_knows_its_own_value_counts_as_an_attacker():
    # Groups {a, b} and {a, b, c}... with two atoms of one: the difference gives c to everybody.
    incidence = np.array([[1, 0], [1, 1]], dtype=bool)
    assert linear_leaks(incidence, np.array([3, 1]), np.array([True, True])).tolist() == [False, True]
    # One group over atoms {a} (1 private) and {b} (1 private): a knows its own value, so b leaks.
    single = np.array([[1, 1]], dtype=bool)
    assert linear_leaks(single, np.array([1, 1]), np.array([True])).tolist() == [True, True]


def test_guard_suppresses_until_nothing_leaks():
    incidence = np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1]], dtype=bool)
    unknown = np.array([1, 1, 1])
    sizes = incidence.astype(int) @ unknown
    published = guard_linear(incidence, unknown, np.array([True, True, True]), sizes)
    assert not linear_leaks(incidence, unknown, published).any()
    assert published.sum() < 3
