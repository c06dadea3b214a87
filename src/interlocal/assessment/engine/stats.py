"""Per-figure statistics for many peer groups at once, from compact arrays.

A *figure* is what one benchmark row is about: a question, or an (area, dimension) pair whose value
for a member is the mean of that member's answers there. Answers come as three parallel arrays
(member index, figure index, value); peer groups as a boolean matrix (groups × members).

The work is done once for all groups: counts, sums and sums of squares are gathered per *atom*
(members in exactly the same groups) with one `bincount` and then added up per group by a matrix
product. Quartiles of answers on a small grid (scales, yes/no, means of a few scaled answers) come
from histograms per atom added up the same way; other answers (money, counts) are sorted by
(figure, value) once and each group's ranks found with a running count and `searchsorted`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from interlocal.lib.disclosure import atoms, guard_linear, publishable_counts

__all__ = ["Sorted", "Summary", "member_means", "percentile_of", "summarise"]

QUANTILES = (0.25, 0.5, 0.75)


@dataclass
class Summary:
    """Statistics per (group, figure); arrays of shape (groups, figures). NaN where n = 0."""

    n: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    q1: np.ndarray
    median: np.ndarray
    q3: np.ndarray
    private_n: np.ndarray
    published: np.ndarray  # the disclosure rule's verdict
    reason: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int8))

    # reason codes for a suppressed figure
    SHOWN, NO_ANSWERS, TOO_FEW, DIFFERENCE, COMBINATION = 0, 1, 2, 3, 4

    def cell(self, g: int, f: int) -> dict[str, float | int | bool | None]:
        """One published figure as plain numbers (None where suppressed or empty)."""
        shown = bool(self.published[g, f]) and bool(self.n[g, f] > 0)
        out: dict[str, float | int | bool | None] = {
            "published": shown,
            "n": int(self.n[g, f]) if shown else None,
        }
        for name in ("mean", "sd", "q1", "median", "q3"):
            value = float(getattr(self, name)[g, f])
            out[name] = round(value, 4) if shown and np.isfinite(value) else None
        return out


@dataclass
class Sorted:
    """Answers sorted once by (figure, value); shared by quantiles and percentiles."""

    member: np.ndarray
    figure: np.ndarray
    value: np.ndarray
    n_figures: int

    @classmethod
    def build(cls, member: np.ndarray, figure: np.ndarray, value: np.ndarray, n_figures: int) -> Sorted:
        member = np.asarray(member)
        figure = np.asarray(figure)
        value = np.asarray(value, dtype=np.float64)
        # A stable argsort on a small integer type is a radix sort: group by figure first, then
        # sort each figure's values apart (cache-sized pieces: about half the time of sorting all
        # values at once and then grouping). Equal values may come in any order: the values at
        # each rank, all that quantiles read, do not depend on it.
        fig_dtype = np.uint16 if n_figures < 65536 else np.int64
        order = np.argsort(figure.astype(fig_dtype), kind="stable")
        counts = np.bincount(figure, minlength=n_figures) if figure.size else np.zeros(n_figures, np.int64)
        ends = np.cumsum(counts)
        by_figure = value[order]
        for f in np.flatnonzero(counts > 1):
            lo, hi = ends[f] - counts[f], ends[f]
            perm = np.argsort(by_figure[lo:hi])
            order[lo:hi] = order[lo:hi][perm]
            by_figure[lo:hi] = by_figure[lo:hi][perm]
        sorted_figure = np.repeat(np.arange(n_figures, dtype=figure.dtype), counts)
        return cls(member[order], sorted_figure, by_figure, n_figures)

    def running(self, selected: np.ndarray | None) -> np.ndarray | None:
        """The running count of selected answers in sorted order (None: all are selected)."""
        if selected is None:
            return None
        return np.cumsum(selected, dtype=np.int32)

    def quantiles(self, counts: np.ndarray, running: np.ndarray | None) -> np.ndarray:
        """(len(QUANTILES), figures) linear-interpolated quantiles of the selected answers."""
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        out = np.full((len(QUANTILES), self.n_figures), np.nan)
        has = counts > 0
        for i, p in enumerate(QUANTILES):
            pos = p * (counts[has] - 1)
            lo = np.floor(pos).astype(np.int64)
            frac = pos - lo
            hi = np.minimum(lo + 1, counts[has] - 1)
            a = self._at(starts[has] + lo, running)
            b = self._at(starts[has] + hi, running)
            out[i, has] = a + frac * (b - a)
        return out

    def _at(self, rank: np.ndarray, running: np.ndarray | None) -> np.ndarray:
        """Values at these 0-based ranks among the selected answers (in sorted order)."""
        if running is None:
            return self.value[rank]
        # Same dtype as `running`, or numpy would convert the whole running count per call.
        return self.value[np.searchsorted(running, (rank + 1).astype(running.dtype), side="left")]


def summarise(
    member: np.ndarray,
    figure: np.ndarray,
    value: np.ndarray,
    groups: np.ndarray,
    private: np.ndarray,
    *,
    n_figures: int,
    k: int,
    split: tuple[np.ndarray, np.ndarray] | None = None,
) -> Summary:
    """n, mean, standard deviation and quartiles per (group, figure), with the disclosure verdict.

    `groups` is (groups × members) boolean; `private[m]` is True for members who chose aggregates
    only. Each member contributes at most one value per figure. Named members' values are visible
    by name, so they hide nobody: the disclosure rule is applied to each group's *private*
    contributors (see docs/assessment.md, "Suppression"). `split` is `atoms(groups)` when the
    caller has it already (it summarises several sets of figures over the same groups).
    """
    member = np.asarray(member, dtype=np.int64)
    figure = np.asarray(figure, dtype=np.int64)
    value = np.asarray(value, dtype=np.float64)
    groups = np.asarray(groups, dtype=bool)
    private = np.asarray(private, dtype=bool)
    n_groups, n_members = groups.shape
    atom_of, incidence = split if split is not None else atoms(groups)
    n_atoms = incidence.shape[1]
    inc = incidence.astype(np.float64)

    # Counts, sums and sums of squares per (atom, figure): one pass over the answers.
    key = atom_of[member] * n_figures + figure if n_members else figure
    size = n_atoms * n_figures
    cnt = np.bincount(key, minlength=size).reshape(n_atoms, n_figures).astype(np.float64)
    tot = np.bincount(key, weights=value, minlength=size).reshape(n_atoms, n_figures)
    sq = np.bincount(key, weights=value * value, minlength=size).reshape(n_atoms, n_figures)
    priv = private[member] if n_members else np.zeros(0, dtype=bool)
    pcnt = np.bincount(key[priv], minlength=size).reshape(n_atoms, n_figures).astype(np.float64)

    n = inc @ cnt
    sums = inc @ tot
    sumsq = inc @ sq
    private_n = inc @ pcnt
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, sums / n, np.nan)
        var = np.where(n > 1, (sumsq - n * mean * mean) / (n - 1), np.nan)
    sd = np.sqrt(np.clip(var, 0, None))
    sd[n == 1] = 0.0

    q = _quartiles(member, figure, value, key, groups, atom_of, inc, n, n_figures)
    published, reason = _verdict(n, private_n, incidence, pcnt, k)
    return Summary(
        n=n.astype(np.int64),
        mean=mean,
        sd=sd,
        q1=q[0],
        median=q[1],
        q3=q[2],
        private_n=private_n.astype(np.int64),
        published=published,
        reason=reason,
    )


# Answers on the 1–5 scales, yes/no and means of a few of them (halves, thirds, quarters, sixths)
# are multiples of 1/12 between 0 and 10: their quartiles come from histograms, which add up per
# atom like sums do.
GRID = 12
BINS = 10 * GRID + 1


def _quartiles(
    member: np.ndarray,
    figure: np.ndarray,
    value: np.ndarray,
    key: np.ndarray,
    groups: np.ndarray,
    atom_of: np.ndarray,
    inc: np.ndarray,
    n: np.ndarray,
    n_figures: int,
) -> np.ndarray:
    """(3, groups, figures) first quartile, median and third quartile (linear interpolation).

    Figures whose answers are all multiples of 1/12 in [0, 10] use one histogram per (atom, figure)
    and a cumulative count per group; other figures (money, counts) sort their answers once and
    keep one running count per group. `key` is atom × n_figures + figure per answer.

    On the grid, the quantile is computed from the bins' integer codes and divided by GRID once at
    the end: the correctly rounded value of the exact quantile, which is what sorting the values
    gives too whenever they are exact binary fractions (integers, halves, quarters).
    """
    n_groups, n_atoms = inc.shape
    out = np.full((len(QUANTILES), n_groups, n_figures), np.nan)
    scaled = value * GRID
    code = np.rint(scaled)
    np.subtract(scaled, code, out=scaled)
    off_grid = np.abs(scaled, out=scaled) >= 1e-9
    off_grid |= code < 0
    off_grid |= code >= BINS
    continuous = np.bincount(figure[off_grid], minlength=n_figures) > 0
    discrete_figures = ~continuous
    if discrete_figures.any() and figure.size:
        # Continuous figures' answers are counted in clipped bins too (cheaper than leaving them
        # out); their quartiles come from the sorted path below.
        np.clip(code, 0, BINS - 1, out=code)
        size = n_atoms * n_figures * BINS
        hist = np.bincount(key * BINS + code.astype(np.int64), minlength=size).reshape(
            n_atoms, n_figures * BINS
        )
        cum = np.cumsum(_per_group(inc, hist).reshape(n_groups, n_figures, BINS), axis=2)
        last = np.maximum(n - 1, 0)
        mask = (n > 0) & discrete_figures[None, :]
        for i, p in enumerate(QUANTILES):
            pos = p * last
            lo = np.floor(pos)
            hi = np.minimum(lo + 1, last)
            # The bin holding the answer of rank r is the number of bins whose cumulative count is <= r.
            b_lo = (cum <= lo[..., None]).sum(axis=2)
            b_hi = (cum <= hi[..., None]).sum(axis=2)
            values = (b_lo + (pos - lo) * (b_hi - b_lo)) / GRID
            out[i][mask] = values[mask]
    cont = np.flatnonzero(continuous)
    if cont.size:
        pick = continuous[figure]
        remap = np.full(n_figures, -1, dtype=np.int64)
        remap[cont] = np.arange(cont.size)
        srt = Sorted.build(member[pick], remap[figure[pick]], value[pick], int(cont.size))
        for g in range(n_groups):
            row = groups[g]
            selected = None if row.all() else row[srt.member]
            out[:, g, cont] = srt.quantiles(n[g, cont].astype(np.int64), srt.running(selected))
    return out


def _per_group(inc: np.ndarray, per_atom: np.ndarray) -> np.ndarray:
    """(groups, …) sums of the atoms' rows of an integer count array, exactly, in integers.

    The same as `inc @ per_atom`, but without a BLAS call: for a few dozen atoms adding the rows
    costs as little, stays in integers, and runs on one thread (threaded BLAS spins idle cores).
    """
    out = np.zeros((inc.shape[0], *per_atom.shape[1:]), dtype=per_atom.dtype)
    for g, row in enumerate(inc.astype(bool)):
        np.sum(per_atom[row], axis=0, out=out[g])
    return out


def _verdict(
    n: np.ndarray, private_n: np.ndarray, incidence: np.ndarray, pcnt: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """The disclosure verdict per (group, figure) and why a figure is suppressed."""
    n_groups, n_figures = n.shape
    # Private contributors per figure and atom; the pairwise differences from the atoms.
    diff = incidence[:, None, :] & ~incidence[None, :, :]  # (G, G, T): atoms in a but not in b
    diff_private = np.einsum("tf,abt->fab", pcnt, diff.astype(np.float64))
    psizes = private_n.T  # (F, G)
    # Named members' values are known by name: only private contributors count (see summarise).
    pairwise = publishable_counts(psizes, psizes, diff_private, diff_private, k=k)
    published = pairwise.T.copy()
    reason = np.zeros((n_groups, n_figures), dtype=np.int8)
    reason[(private_n > 0) & (private_n < k)] = Summary.TOO_FEW
    reason[(reason == 0) & ~published] = Summary.DIFFERENCE
    # The linear guard only matters where a private value sits alone (or in a pair) in an atom.
    # It depends on nothing but the figure's private counts per atom and its verdict so far, which
    # most figures share (every member answering every question): decide each distinct case once.
    risky = np.flatnonzero(((pcnt > 0) & (pcnt <= 2)).any(axis=0))
    if risky.size:
        cases = np.concatenate([pcnt[:, risky], published[:, risky], private_n[:, risky]]).T
        distinct, which = np.unique(cases, axis=0, return_inverse=True)
        which = which.reshape(-1)
        for c in range(len(distinct)):
            first = risky[np.flatnonzero(which == c)[0]]
            before = published[:, first].copy()
            after = guard_linear(incidence, pcnt[:, first], before, private_n[:, first])
            cols = risky[which == c]
            published[:, cols] = after[:, None]
            reason[:, cols] = np.where((before & ~after)[:, None], Summary.COMBINATION, reason[:, cols])
    empty = n == 0
    reason[empty] = Summary.NO_ANSWERS
    published &= ~empty
    return published, reason


def member_means(
    member: np.ndarray, figure: np.ndarray, value: np.ndarray, n_members: int, n_figures: int
) -> np.ndarray:
    """(members × figures) mean of each member's values per figure; NaN where it has none."""
    key = np.asarray(member, dtype=np.int64) * n_figures + np.asarray(figure, dtype=np.int64)
    size = n_members * n_figures
    cnt = np.bincount(key, minlength=size).astype(np.float64)
    tot = np.bincount(key, weights=np.asarray(value, dtype=np.float64), minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, tot / cnt, np.nan).reshape(n_members, n_figures)


def percentile_of(values: np.ndarray, x: float) -> float:
    """Percent of `values` below x, counting ties as half (the mid-rank percentile)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0 or not np.isfinite(x):
        return float("nan")
    below = float((values < x).sum())
    ties = float((values == x).sum())
    return 100.0 * (below + 0.5 * ties) / values.size
