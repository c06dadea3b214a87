"""Stability (core) check: the coalition that would gain most by leaving, exactly.

The excess of a coalition S ≠ ∅, N under an allocation x is x(S) − c(S): what S pays under x
beyond what it would cost on its own. x is stable (in the core) when no excess is positive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .game import ExplicitGame, Game, StructuredModel, subset_sums

__all__ = [
    "CoreCheck",
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
    """(bitmask, excess) of the proper coalition with the largest x(S) − c(S)."""
    n = len(x)
    if n < 2:
        return 0, 0.0
    excess = subset_sums(x) - costs
    inner = excess[1:-1]
    best = int(np.argmax(inner))
    return best + 1, float(inner[best])


def most_dissatisfied_structured(model: StructuredModel, x: np.ndarray) -> tuple[int, float]:
    """(bitmask, excess) of the proper coalition with the largest x(S) − c(S), exactly.

    Members are added in increasing service level. After all members up to level L are in, a
    knapsack table best[k, u] = max Σ_{i∈S}(x_i − a_i) over coalitions of size k and U(S) = u
    gives max excess = best[k, u] − F − h0·k^γ − p·u^β − L. Coalitions whose top level is below
    L are undercharged nothing there (L over-states their max term), and are counted exactly at
    their own level, so the maximum over L is exact. One bit per state and member records
    whether the member was taken, to name the coalition.
    """
    n = model.n
    if n < 2:
        return 0, 0.0
    if model.price > 0:
        model.check_dp_size()
    gain = x - model.member_cost
    order = np.argsort(model.service_level, kind="stable")
    # without a variable cost, unit sums do not matter: one column instead of U(N) + 1
    all_units = model.units if model.price > 0 else np.zeros_like(model.units)
    units = all_units[order].tolist()
    levels = model.service_level[order]
    total = int(all_units.sum())
    best = np.full((n + 1, total + 1), -np.inf)
    best[0, 0] = 0.0
    # charge[k, u] = F + h0·k^γ + p·u^β: the level-independent part of c(S)
    charge = model.symmetric(np.arange(n + 1))[:, None] + model.variable(np.arange(total + 1))[None, :]
    taken: list[tuple[np.ndarray, int]] = []  # (packed bits, columns) per position in `order`
    top_value, top_state = -np.inf, (0, 0, 0)
    seen = 0
    for pos in range(n):
        uj = units[pos]
        seen += uj
        candidate = best[0 : pos + 1, : seen + 1 - uj] + gain[order[pos]]
        current = best[1 : pos + 2, uj : seen + 1]
        improved = candidate > current
        np.copyto(current, candidate, where=improved)
        taken.append((np.packbits(improved, axis=None), improved.shape[1]))
        if pos + 1 < n and levels[pos + 1] == levels[pos]:
            continue
        rows = min(pos + 1, n - 1)  # size n is the grand coalition: not a deviation
        values = best[1 : rows + 1, : seen + 1] - charge[1 : rows + 1, : seen + 1] - levels[pos]
        flat = int(np.argmax(values))
        k, u = divmod(flat, seen + 1)
        if values[k, u] > top_value:
            top_value, top_state = float(values[k, u]), (pos, k + 1, u)
    pos, k, u = top_state
    mask = 0
    while k > 0 and pos >= 0:
        bits, cols = taken[pos]
        uj = units[pos]
        if k <= pos + 1 and u >= uj and (u - uj) < cols:
            index = (k - 1) * cols + (u - uj)
            if bits[index >> 3] >> (7 - (index & 7)) & 1:
                mask |= 1 << int(order[pos])
                k -= 1
                u -= uj
        pos -= 1
    return mask, top_value


def check_core(game: Game, x: np.ndarray) -> CoreCheck:
    """Is x stable? Names the most dissatisfied coalition and its excess either way."""
    if isinstance(game, StructuredModel):
        mask, excess = most_dissatisfied_structured(game, x)
    else:
        costs = game.costs if isinstance(game, ExplicitGame) else game.cost_table()
        mask, excess = most_dissatisfied_explicit(costs, x)
    stable = excess <= core_tolerance(game.grand_cost())
    return CoreCheck(stable=bool(stable), members=game.members(mask), excess=excess)
