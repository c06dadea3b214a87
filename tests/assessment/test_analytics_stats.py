"""The engine's statistics against a straightforward computation, one group and figure at a time.

The engine never loops over groups or answers: counts and sums add up per atom, quartiles of
answers on a 1/12 grid come from histograms and the others from one sort per figure. Whatever the
mix, every figure must equal numpy's own mean, standard deviation and linear-interpolated quartiles
of that group's answers.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlocal.assessment.engine import Sorted, summarise
from interlocal.assessment.engine.scores import Dataset

# Figure kinds: 1–5 scales, yes/no, means of two or three scaled answers, quarters, money.
KINDS = ("scale", "yes_no", "halves", "thirds", "quarters", "money", "mixed")


def _values(rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
    if kind == "scale":
        return rng.integers(1, 6, n).astype(float)
    if kind == "yes_no":
        return rng.integers(0, 2, n).astype(float)
    if kind == "halves":
        return rng.integers(2, 11, n) / 2
    if kind == "thirds":
        return rng.integers(3, 16, n) / 3
    if kind == "quarters":
        return rng.integers(4, 21, n) / 4
    if kind == "money":
        return np.round(rng.lognormal(8, 1.5, n), 2)
    # Mostly on the grid, one answer off it: the whole figure takes the sorted path.
    out = rng.integers(1, 6, n).astype(float)
    out[0] = 2.5001
    return out


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_members=st.integers(1, 40),
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=5),
    n_groups=st.integers(1, 5),
    answer_rate=st.floats(0.3, 1.0),
)
def test_summary_equals_straightforward_statistics(seed, n_members, kinds, n_groups, answer_rate):
    rng = np.random.default_rng(seed)
    member, figure, value = [], [], []
    for f, kind in enumerate(kinds):
        who = np.flatnonzero(rng.random(n_members) < answer_rate)
        member.append(who)
        figure.append(np.full(len(who), f))
        value.append(_values(rng, kind, len(who)) if len(who) else np.zeros(0))
    m, f, v = (np.concatenate(x) for x in (member, figure, value))
    shuffle = rng.permutation(len(m))  # answers in no particular order
    m, f, v = m[shuffle], f[shuffle], v[shuffle]
    groups = rng.random((n_groups, n_members)) < 0.6
    groups[0] = True
    private = rng.random(n_members) < 0.5
    s = summarise(m, f, v, groups, private, n_figures=len(kinds), k=3)
    for g in range(n_groups):
        for fig in range(len(kinds)):
            x = v[(f == fig) & groups[g][m]]
            assert s.n[g, fig] == len(x)
            assert s.private_n[g, fig] == int(private[m[(f == fig) & groups[g][m]]].sum())
            if len(x) == 0:
                assert np.isnan(s.mean[g, fig]) and np.isnan(s.median[g, fig])
                assert not s.published[g, fig]
                continue
            assert s.mean[g, fig] == pytest.approx(x.mean(), rel=1e-12, abs=1e-12)
            sd = x.std(ddof=1) if len(x) > 1 else 0.0
            assert s.sd[g, fig] == pytest.approx(sd, rel=1e-9, abs=1e-9)
            q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75])
            assert s.q1[g, fig] == pytest.approx(q1, rel=1e-12, abs=1e-12)
            assert s.median[g, fig] == pytest.approx(median, rel=1e-12, abs=1e-12)
            assert s.q3[g, fig] == pytest.approx(q3, rel=1e-12, abs=1e-12)


def test_quartiles_on_the_grid_are_exact():
    # Quarters (a member's priority: the mean of two means of two answers) are exact binary
    # fractions: histogram and sort must give bit-for-bit the exact quartile.
    values = np.array([1.25, 4.75, 2.5, 3.0, 3.75, 1.0])
    s = summarise(
        np.arange(6), np.zeros(6, int), values, np.ones((1, 6), bool), np.zeros(6, bool), n_figures=1, k=3
    )
    assert (s.q1[0, 0], s.median[0, 0], s.q3[0, 0]) == (1.5625, 2.75, 3.5625)


def test_sorted_groups_by_figure_then_value():
    member = np.array([0, 1, 2, 3, 4, 5])
    figure = np.array([1, 0, 1, 0, 1, 2])
    value = np.array([5.0, 2.0, 1.0, 1.0, 3.0, 7.0])
    srt = Sorted.build(member, figure, value, 3)
    assert srt.figure.tolist() == [0, 0, 1, 1, 1, 2]
    assert srt.value.tolist() == [1.0, 2.0, 1.0, 3.0, 5.0, 7.0]
    assert srt.member.tolist() == [3, 1, 2, 4, 0, 5]


def test_area_answers_keep_scaled_questions_of_an_area():
    data = Dataset(
        n_members=2,
        n_questions=3,
        n_areas=2,
        private=np.zeros(2, bool),
        question_area=np.array([1, -1, 0]),
        question_dimension=np.array([2, 1, -1]),  # question 2 is not scaled
        member=np.array([0, 0, 1, 1]),
        question=np.array([0, 1, 2, 0]),
        value=np.array([4.0, 3.0, 9.0, 2.0]),
    )
    m, f, v = data.area_answers()
    assert (m.tolist(), f.tolist(), v.tolist()) == ([0, 1], [7, 7], [4.0, 2.0])
