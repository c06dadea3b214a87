"""Suppression proof: no published figure lets anyone recover the answer of a member who chose
aggregates only — not from one small group, not by differencing two groups, not by combining
several.

The attacker is any member of the consortium (or the council reading a report): it sees every
published n, mean and standard deviation, knows the answers of members who share by name, and
knows its own answer. A mean times its n is a sum, and a standard deviation gives a sum of squares,
so every published figure is a linear equation in the private members' values (or their squares).
A private value is recoverable exactly when its unit vector lies in the row space of those
equations; the test checks this with its own linear algebra, independent of the implementation.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from interlocal.assessment.engine import summarise


def recoverable(
    groups: np.ndarray, published: np.ndarray, private: np.ndarray, attacker: int | None
) -> set[int]:
    """Private members (other than the attacker) whose value the published sums determine."""
    unknown = [m for m in np.flatnonzero(private) if m != attacker]
    if not unknown:
        return set()
    rows = groups[published][:, unknown].astype(float)
    if rows.size == 0:
        return set()
    rank = np.linalg.matrix_rank(rows)
    found = set()
    for j, m in enumerate(unknown):
        e = np.zeros((1, len(unknown)))
        e[0, j] = 1.0
        if np.linalg.matrix_rank(np.vstack([rows, e])) == rank:
            found.add(int(m))
    return found


def attackers(private: np.ndarray) -> list[int | None]:
    return [None, *[int(m) for m in np.flatnonzero(private)]]


def test_differencing_two_groups_cannot_single_out_a_private_member():
    # Eight towns; Granby (7) and three others (4, 5, 6) chose aggregates only; 0–3 share by
    # name. Each group alone has at least 3 private members, but "all members" minus "towns under
    # 15,000" is Granby alone: publishing both would give her answer by subtraction.
    private = np.array([0, 0, 0, 0, 1, 1, 1, 1], dtype=bool)
    groups = np.array(
        [
            [1, 1, 1, 1, 1, 1, 1, 1],  # all members
            [1, 1, 1, 1, 1, 1, 1, 0],  # towns under 15,000: everybody but Granby
        ],
        dtype=bool,
    )
    values = np.array([3, 4, 2, 5, 3, 1, 2, 5], dtype=float)
    s = summarise(np.arange(8), np.zeros(8, int), values, groups, private, n_figures=1, k=3)
    assert s.published[:, 0].tolist() == [True, False]
    assert s.reason[1, 0] == s.DIFFERENCE
    for attacker in attackers(private):
        assert recoverable(groups, s.published[:, 0], private, attacker) == set()
    # What the attacker would have done with both figures: Granby's value exactly.
    naive = s.mean[0, 0] * s.n[0, 0] - s.mean[1, 0] * s.n[1, 0]
    assert round(naive, 9) == values[7]


def test_three_groups_that_isolate_a_member_together_are_not_all_published():
    # Pairwise every two groups differ by at least 3 private members, yet a + b − c isolates
    # member 0: the linear guard must catch it.
    private = np.ones(7, dtype=bool)
    groups = np.array(
        [
            [1, 1, 1, 1, 0, 0, 0],  # {0, 1, 2, 3}
            [1, 0, 0, 0, 1, 1, 1],  # {0, 4, 5, 6}
            [0, 1, 1, 1, 1, 1, 1],  # {1, …, 6}
        ],
        dtype=bool,
    )
    values = np.arange(1, 8, dtype=float)
    s = summarise(np.arange(7), np.zeros(7, int), values, groups, private, n_figures=1, k=3)
    assert not s.published[:, 0].all()
    for attacker in attackers(private):
        assert recoverable(groups, s.published[:, 0], private, attacker) == set()


def test_named_members_hide_nobody():
    # Four members, only Canton (3) private: the mean of all four minus the three named answers
    # would give Canton's answer, so the figure is hidden although n = 4 >= k.
    private = np.array([0, 0, 0, 1], dtype=bool)
    s = summarise(
        np.arange(4), np.zeros(4, int), [1, 2, 3, 4], np.ones((1, 4), bool), private, n_figures=1, k=3
    )
    assert not s.published[0, 0]
    assert s.reason[0, 0] == s.TOO_FEW
    # With nobody private the same figure is published.
    s2 = summarise(
        np.arange(4),
        np.zeros(4, int),
        [1, 2, 3, 4],
        np.ones((1, 4), bool),
        np.zeros(4, bool),
        n_figures=1,
        k=3,
    )
    assert s2.published[0, 0]


def test_only_contributors_of_the_figure_count():
    # Members who did not answer question 1 are not in its figures: the "all" group has only
    # two private contributors there, so question 1 is hidden while question 0 is shown.
    private = np.array([1, 1, 1, 0], dtype=bool)
    member = [0, 1, 2, 3, 0, 1, 3]
    figure = [0, 0, 0, 0, 1, 1, 1]
    s = summarise(member, figure, [1, 2, 3, 4, 5, 5, 5], np.ones((1, 4), bool), private, n_figures=2, k=3)
    assert s.published[0].tolist() == [True, False]


@settings(max_examples=150, deadline=None)
@given(
    n_members=st.integers(3, 9),
    data=st.data(),
    k=st.integers(2, 4),
)
def test_random_groups_never_reveal_a_private_member(n_members, data, k):
    private = np.array(data.draw(st.lists(st.booleans(), min_size=n_members, max_size=n_members)))
    n_groups = data.draw(st.integers(1, 6))
    groups = np.array(
        [data.draw(st.lists(st.booleans(), min_size=n_members, max_size=n_members)) for _ in range(n_groups)],
        dtype=bool,
    )
    answered = np.array(data.draw(st.lists(st.booleans(), min_size=n_members, max_size=n_members)))
    members = np.flatnonzero(answered)
    values = np.array(
        data.draw(st.lists(st.integers(1, 5), min_size=len(members), max_size=len(members))), float
    )
    s = summarise(members, np.zeros(len(members), int), values, groups, private, n_figures=1, k=k)
    # Only members who answered are contributors.
    contributors = groups & answered[None, :]
    published = s.published[:, 0]
    for g in np.flatnonzero(published):
        p = int((contributors[g] & private).sum())
        assert p == 0 or p >= k
    for attacker in attackers(private & answered):
        assert recoverable(contributors, published, private & answered, attacker) == set()
