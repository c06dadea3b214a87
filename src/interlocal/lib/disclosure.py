"""The one rule for publishing figures built from members' confidential data.

A member's answers and money figures appear by name only where the member allowed it.
Otherwise they may only flow into aggregates, and an aggregate is published only when it is
built from at least `k` members (`INTERLOCAL_MIN_AGGREGATE_MEMBERS`, default 3). Publishing two
groups whose contributors differ by fewer than `k` members would reveal those members through
the difference of the two figures, so such a pair is also refused: one of the two is suppressed.

Every app that publishes aggregates (assessment benchmarks, cost inputs, procurement savings)
decides through `publishable`; nothing else decides. Pure Python: no Django imports. Callers
read `k` from settings (`min_members()` in Django code is
`settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS`).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from typing import TypeVar

import numpy as np

__all__ = [
    "atoms",
    "guard_linear",
    "linear_leaks",
    "publishable",
    "publishable_counts",
    "revealing_difference",
]

K = TypeVar("K", bound=Hashable)
M = TypeVar("M", bound=Hashable)


def revealing_difference(a: frozenset[M], b: frozenset[M], *, private: frozenset[M], k: int) -> bool:
    """True if publishing aggregates of both `a` and `b` would single out a private member.

    The difference of the two figures is a figure over `a - b` and `b - a`. If either side is
    non-empty but smaller than `k` and holds a member who chose aggregates only, that member's
    value could be recovered (exactly when the other side is empty, nearly otherwise).
    """
    return any(0 < len(side) < k and bool(side & private) for side in (a - b, b - a))


def publishable(groups: Mapping[K, Collection[M]], *, private: Collection[M], k: int) -> dict[K, bool]:
    """Which groups' aggregates may be published.

    `groups` maps a group key (a peer group, a question in a group…) to the members whose
    values the aggregate would be built from. `private` are the members who chose to appear
    only in aggregates; members who allowed their values by name never cause suppression.

    A group with fewer than `k` contributors is suppressed if any contributor is private.
    Then, while two published groups differ by a revealing difference, the smaller of the two
    (the later one in `groups` order on a tie) is suppressed. The result is deterministic and
    no pair of published groups reveals a private member.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    priv = frozenset(private)
    sets = {key: frozenset(members) for key, members in groups.items()}
    verdict = {key: not (len(s) < k and s & priv) for key, s in sets.items()}
    order = {key: i for i, key in enumerate(sets)}
    changed = True
    while changed:
        changed = False
        live = [key for key in sets if verdict[key]]
        for i, a in enumerate(live):
            if not verdict[a]:
                continue
            for b in live[i + 1 :]:
                if not verdict[b] or not revealing_difference(sets[a], sets[b], private=priv, k=k):
                    continue
                # Keep the bigger group: it is the more useful figure and the harder to attack.
                loser = b if (len(sets[b]), -order[b]) < (len(sets[a]), -order[a]) else a
                verdict[loser] = False
                changed = True
                if loser == a:
                    break
    return verdict


# --- Many groups × many figures at once ---------------------------------------------------------
#
# Benchmarks publish one figure per (peer group, question) and (peer group, area): tens of groups
# times hundreds of questions. The functions below apply the same rule to all of them with numpy,
# from contributor *counts* instead of member sets, and add a guard the pairwise rule alone does not
# give: no combination of published sums (a mean times its n) may isolate one private member.


def atoms(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split members into atoms: members that belong to exactly the same groups.

    `groups` is a boolean matrix (groups × members). Returns `atom_of` (the atom index of each
    member) and `incidence` (groups × atoms, boolean). Every group is a union of atoms, so counts
    per atom are enough to know every group's and every difference's size.
    """
    groups = np.asarray(groups, dtype=bool)
    if groups.ndim != 2:
        raise ValueError("groups must be a (groups × members) matrix")
    if groups.shape[1] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((groups.shape[0], 0), dtype=bool)
    packed = np.packbits(groups, axis=0)  # one column of bytes per member
    uniq, atom_of = np.unique(packed.T, axis=0, return_inverse=True)
    incidence = np.unpackbits(uniq.T, axis=0, count=groups.shape[0]).astype(bool)
    return atom_of.reshape(-1).astype(np.int64), incidence


def publishable_counts(
    sizes: np.ndarray,
    private_sizes: np.ndarray,
    diff_sizes: np.ndarray,
    diff_private: np.ndarray,
    *,
    k: int,
) -> np.ndarray:
    """`publishable` for many figures at once, from contributor counts; the same verdicts.

    For F figures and G groups: `sizes[f, g]` contributors of group g to figure f,
    `private_sizes[f, g]` of whom private; `diff_sizes[f, a, b]` = |a − b| and `diff_private[f, a, b]`
    = |(a − b) ∩ private| among figure f's contributors. Returns a boolean (F × G) verdict that equals
    `publishable` called once per figure with the groups in index order.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    sizes = np.asarray(sizes)
    private_sizes = np.asarray(private_sizes)
    verdict = ~((sizes < k) & (private_sizes > 0))
    revealing = (diff_sizes > 0) & (diff_sizes < k) & (diff_private > 0)
    revealing = revealing | np.swapaxes(revealing, 1, 2)
    # Only figures where two initially published groups reveal someone need the sequential rule.
    live_pairs = revealing & verdict[:, :, None] & verdict[:, None, :]
    for f in np.flatnonzero(live_pairs.any(axis=(1, 2))):
        verdict[f] = _resolve(sizes[f], revealing[f], verdict[f])
    return verdict


def _resolve(size: np.ndarray, revealing: np.ndarray, verdict: np.ndarray) -> np.ndarray:
    """The sequential loop of `publishable` on one figure, on counts (same order, same tie-break)."""
    verdict = verdict.copy()
    n = len(size)
    changed = True
    while changed:
        changed = False
        live = [g for g in range(n) if verdict[g]]
        for i, a in enumerate(live):
            if not verdict[a]:
                continue
            for b in live[i + 1 :]:
                if not verdict[b] or not revealing[a, b]:
                    continue
                loser = b if (size[b], -b) < (size[a], -a) else a
                verdict[loser] = False
                changed = True
                if loser == a:
                    break
    return verdict


def linear_leaks(incidence: np.ndarray, unknown: np.ndarray, published: np.ndarray) -> np.ndarray:
    """Atoms whose private value(s) someone could solve for from the published sums.

    A published mean with its n is a published sum, and a standard deviation a sum of squares, over
    the group's private contributors (named members' values are known by name and subtract out).
    `incidence` is groups × atoms, `unknown[t]` the private contributors in atom t, `published` the
    groups shown. A single unknown value is recoverable when its atom's indicator lies in the row
    space of the published groups' incidence; an attacker who is itself private knows its own value,
    so an atom of two is recoverable by one of them, and an atom of one becomes known to its member.
    Returns a boolean per atom: True where some private value could be recovered.
    """
    incidence = np.asarray(incidence, dtype=float)
    unknown = np.asarray(unknown)
    rows = incidence[np.asarray(published, dtype=bool)]
    leaks = np.zeros(len(unknown), dtype=bool)
    active = np.flatnonzero(unknown > 0)
    if rows.size == 0 or active.size == 0:
        return leaks
    proj = _row_space_projector(rows[:, active])
    diag = np.diag(proj)
    lone = unknown[active] == 1
    # An outsider (or a named member) recovers a lone private value; a private member of an atom of
    # two recovers the other one.
    leaks[active] = _is_one(diag) & (unknown[active] <= 2)
    # A private member alone in its atom s knows x_s: that adds the row e_s to what is published.
    # The projector grows by u u^T / |u|^2 with u = e_s - P e_s, so the new diagonal at t is
    # P_tt + P_ts^2 / (1 - P_ss) (for t != s); where it reaches 1, t's lone value is found.
    rest = 1.0 - diag
    knowers = lone & (rest > 1e-9)
    if knowers.any():
        with np.errstate(divide="ignore", invalid="ignore"):
            grown = diag[None, :] + proj[knowers, :] ** 2 / rest[knowers, None]
        found = _is_one(grown)
        found[:, np.flatnonzero(knowers)] &= ~np.eye(int(knowers.sum()), dtype=bool)
        leaks[active] |= found.any(axis=0) & lone
    return leaks


def _is_one(values: np.ndarray) -> np.ndarray:
    return np.asarray(np.abs(values - 1.0) < 1e-9)


def _row_space_projector(matrix: np.ndarray) -> np.ndarray:
    """The orthogonal projector onto the row space of `matrix` (columns × columns)."""
    _u, s, vt = np.linalg.svd(matrix, full_matrices=False)
    rank = int((s > 1e-9 * max(matrix.shape) * (s[0] if s.size else 1)).sum())
    basis = vt[:rank]
    return np.asarray(basis.T @ basis)


def guard_linear(
    incidence: np.ndarray, unknown: np.ndarray, published: np.ndarray, sizes: np.ndarray
) -> np.ndarray:
    """Suppress further groups until no private value can be solved for (see `linear_leaks`).

    Each round takes a leaking atom, finds the published groups the revealing combination uses
    (a least-squares solution of "which sum of published rows gives this atom alone"), and
    suppresses the one of them with the fewest private contributors (the latest on a tie). So the
    broad figures (all members) stay and the narrow group that completed the puzzle goes.
    """
    published = np.asarray(published, dtype=bool).copy()
    incidence = np.asarray(incidence, dtype=bool)
    unknown = np.asarray(unknown)
    sizes = np.asarray(sizes)
    while True:
        leaks = linear_leaks(incidence, unknown, published)
        if not leaks.any():
            return published
        t = int(np.flatnonzero(leaks)[0])
        live = np.flatnonzero(published)
        used = _combination(incidence[live].astype(float), unknown, t)
        candidates = live[used] if used.any() else live[incidence[live, t]]
        loser = min(candidates, key=lambda g: (sizes[g], -g))
        published[loser] = False


def _combination(rows: np.ndarray, unknown: np.ndarray, t: int) -> np.ndarray:
    """Which rows a combination isolating atom t uses (private members alone in an atom may add
    their own value as a known row)."""
    known = [s for s in np.flatnonzero(unknown == 1) if s != t]
    extra = np.zeros((len(known), rows.shape[1]))
    extra[np.arange(len(known)), known] = 1.0
    system = np.vstack([rows, extra]).T
    target = np.zeros(rows.shape[1])
    target[t] = 1.0
    weights, *_ = np.linalg.lstsq(system, target, rcond=None)
    return np.asarray(np.abs(weights[: rows.shape[0]]) > 1e-9)
