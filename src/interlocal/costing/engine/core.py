"""Stability (core) check: the coalition that would gain most by leaving, exactly.

The excess of a coalition S ≠ ∅, N under an allocation x is x(S) − c(S): what S pays under x
beyond what it would cost on its own. x is stable (in the core) when no excess is positive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .game import ExplicitGame, Game, StructuredModel
from .table import top_excesses

__all__ = [
    "CoreCheck",
    "best_by_size",
    "check_core",
    "core_tolerance",
    "most_dissatisfied_explicit",
    "most_dissatisfied_structured",
]


@dataclass(frozen=True)
class CoreCheck:
    """The result of a stability check."""

    stable: bool
    members: list[str]
    excess: float

    def as_dict(self) -> dict[str, object]:
        return {"stable": self.stable, "most_dissatisfied": {"members": self.members, "excess": self.excess}}


def core_tolerance(grand_cost: float) -> float:
    """Excesses below this count as zero (rounding in the allocation rules and LPs)."""
    return 1e-7 * max(1.0, abs(grand_cost))


def most_dissatisfied_explicit(costs: np.ndarray, x: np.ndarray) -> tuple[int, float]:
    """(bitmask, excess) of the proper coalition with the largest x(S) − c(S) (smallest mask on ties).

    One vectorised pass over the table in chunks (table.top_excesses): an n = 25 table needs
    no second table of excesses.
    """
    n = len(x)
    if n < 2:
        return 0, 0.0
    ((mask, excess),) = top_excesses(costs, np.asarray(x, dtype=float), 1)
    return mask, excess


# rows of the knapsack table are updated in blocks of about this many sizes (see best_by_size)
BLOCKS_PER_STEP = 24


def _blocks(rows: int) -> list[tuple[int, int]]:
    """Sizes 1 .. rows in consecutive blocks (k0, k1), both ends included."""
    step = max(2, -(-rows // BLOCKS_PER_STEP))
    return [(k0, min(k0 + step - 1, rows)) for k0 in range(1, rows + 1, step)]


def best_by_size(model: StructuredModel, gain: np.ndarray, max_size: int) -> tuple[np.ndarray, list[int]]:
    """For k = 1 .. max_size: the largest Σ_{i∈S} gain_i − (c(S) − Σ_{i∈S} a_i) over |S| = k, and that S.

    With gain = x − a this is the largest excess x(S) − c(S) of a k-member coalition (the core
    check); with gain = stand-alone spend − a it is the best saving of a k-member group
    (break-even). Returns (values, masks) indexed by k (index 0 unused; −inf where no coalition).

    Members are added in increasing service level. A knapsack table best[k, u] holds the largest
    Σ gain over coalitions of the members added so far with k members and U(S) = u. After the
    last member of each service level L is added, best[k, u] − F − h0·k^γ − f(u) − L bounds every
    such coalition's value from below (L is at least its top level) and is exact for those
    whose top level is L, so the maximum over the levels is exact. One bit per state and member
    records whether the member was taken, to name the coalition.

    Speed: a k-member coalition of the members seen so far has U(S) between the sum of the k
    smallest and the k largest of their units, so only that band of row k can be reached
    (about a third of the table for spread-out units). Rows are updated in a few blocks of
    neighbouring sizes, each over the union of its rows' bands: numpy slices, not per-row loops.
    """
    n = model.n
    max_size = min(max_size, n)
    values_by_size = np.full(max_size + 1, -np.inf)
    states: list[tuple[int, int]] = [(-1, 0)] * (max_size + 1)  # (position, unit sum) per size
    if max_size < 1:
        return values_by_size, [0] * (max_size + 1)
    if model.has_variable:
        model.check_dp_size()
    order = np.argsort(model.service_level, kind="stable")
    # without a variable cost, unit sums do not matter: one column instead of U(N) + 1
    all_units = model.units if model.has_variable else np.zeros_like(model.units)
    units = all_units[order].tolist()
    levels = model.service_level[order]
    gains = np.asarray(gain, dtype=float)[order]
    total = int(all_units.sum())
    rows_all = max_size + 1
    best = np.full((rows_all, total + 1), -np.inf)
    best[0, 0] = 0.0
    # charge[k, u] = F + h0·k^γ + f(u): the level-independent part of c(S) beyond Σ a_i
    charge = model.symmetric(np.arange(rows_all))[:, None] + model.variable(np.arange(total + 1))[None, :]
    scratch = np.empty((rows_all, total + 1))
    flags = np.empty((rows_all, total + 1), dtype=bool)
    # per position: (k0, k1, first column, width, packed bits) per block of sizes
    taken: list[list[tuple[int, int, int, int, np.ndarray]]] = []
    seen_sorted = np.zeros(0, dtype=np.int64)
    low = top = np.zeros(1, dtype=np.int64)  # sum of the k smallest / largest units seen, k = 0 ..
    for pos in range(n):
        uj = units[pos]
        prev_low, prev_top = low, top
        seen_sorted = np.insert(seen_sorted, np.searchsorted(seen_sorted, uj), uj)
        low = np.concatenate([[0], np.cumsum(seen_sorted)])
        top = np.concatenate([[0], np.cumsum(seen_sorted[::-1])])
        rows = min(pos + 1, max_size)
        entries = []
        # largest sizes first: a block reads the row below it, which must not be updated yet
        for k0, k1 in reversed(_blocks(rows)):
            # new states of sizes k0..k1 come from sizes k0−1..k1−1 of the members before this one
            c0 = int(prev_low[k0 - 1]) + uj
            c1 = int(prev_top[k1 - 1]) + uj
            width = c1 - c0 + 1
            height = k1 - k0 + 1
            candidate = scratch[:height, :width]
            np.add(best[k0 - 1 : k1, c0 - uj : c1 - uj + 1], gains[pos], out=candidate)
            current = best[k0 : k1 + 1, c0 : c1 + 1]
            improved = flags[:height, :width]
            np.greater(candidate, current, out=improved)
            np.copyto(current, candidate, where=improved)
            entries.append((k0, k1, c0, width, np.packbits(improved, axis=None)))
        taken.append(entries)
        if pos + 1 < n and levels[pos + 1] == levels[pos]:
            continue
        for k0, k1 in _blocks(rows):
            c0, c1 = int(low[k0]), int(top[k1])
            height = k1 - k0 + 1
            values = scratch[:height, : c1 - c0 + 1]
            np.subtract(best[k0 : k1 + 1, c0 : c1 + 1], charge[k0 : k1 + 1, c0 : c1 + 1], out=values)
            cols = np.argmax(values, axis=1)
            top_values = values[np.arange(height), cols] - levels[pos]
            for r in np.flatnonzero(top_values > values_by_size[k0 : k1 + 1]).tolist():
                values_by_size[k0 + r] = top_values[r]
                states[k0 + r] = (pos, c0 + int(cols[r]))
    masks = [0] * (max_size + 1)
    for size in range(1, max_size + 1):
        pos, u = states[size]
        k, mask = size, 0
        while k > 0 and pos >= 0:
            for k0, k1, c0, width, bits in taken[pos]:
                if k0 <= k <= k1 and c0 <= u < c0 + width:
                    index = (k - k0) * width + (u - c0)
                    if bits[index >> 3] >> (7 - (index & 7)) & 1:
                        mask |= 1 << int(order[pos])
                        k -= 1
                        u -= units[pos]
                    break
            pos -= 1
        masks[size] = mask
    return values_by_size, masks


def most_dissatisfied_structured(model: StructuredModel, x: np.ndarray) -> tuple[int, float]:
    """(bitmask, excess) of the proper coalition with the largest x(S) − c(S), exactly (see best_by_size)."""
    n = model.n
    if n < 2:
        return 0, 0.0
    values, masks = best_by_size(model, np.asarray(x, dtype=float) - model.member_cost, n - 1)
    k = int(np.argmax(values[1:])) + 1
    return masks[k], float(values[k])


def check_core(game: Game, x: np.ndarray) -> CoreCheck:
    """Is x stable? Names the most dissatisfied coalition and its excess either way."""
    if isinstance(game, StructuredModel):
        mask, excess = most_dissatisfied_structured(game, x)
    else:
        costs = game.costs if isinstance(game, ExplicitGame) else game.cost_table()
        mask, excess = most_dissatisfied_explicit(costs, x)
    stable = excess <= core_tolerance(game.grand_cost())
    return CoreCheck(stable=bool(stable), members=game.members(mask), excess=excess)
