"""Nucleolus, least core and the closest stable allocation: linear programs solved by HiGHS."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import linprog

from .game import Game, GameError

__all__ = ["MAX_LP_PLAYERS", "closest_stable", "least_core", "nucleolus"]

# 2**15 coalition constraints per LP keeps each HiGHS solve well under a second.
MAX_LP_PLAYERS = 15


def _coalition_matrix(n: int) -> np.ndarray:
    """Rows: indicator vectors of every proper non-empty coalition (bitmasks 1 .. 2^n − 2)."""
    masks = np.arange(1, (1 << n) - 1, dtype=np.int64)
    return ((masks[:, None] >> np.arange(n)[None, :]) & 1).astype(float)


def _table(game: Game, what: str) -> np.ndarray:
    if game.n > MAX_LP_PLAYERS:
        raise GameError(
            f"{what} needs every coalition: {game.n} players is more than {MAX_LP_PLAYERS}; "
            "use shapley, scrb or a proportional rule, and check it with --check-core"
        )
    return game.cost_table()


def _solve(c: np.ndarray, a_ub, b_ub, a_eq, b_eq, bounds) -> Any:
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if res.status != 0:
        raise GameError(f"the linear program could not be solved: {res.message}")
    return res


def _balance(x: np.ndarray, grand: float) -> np.ndarray:
    # the LP meets x(N) = c(N) to solver tolerance; spread the remainder so sums are exact
    return x + (grand - x.sum()) / len(x)


def least_core(game: Game) -> tuple[np.ndarray, float]:
    """(x, ε): an allocation with x(S) ≤ c(S) + ε for every S ≠ ∅, N and the smallest such ε.

    ε ≤ 0 means the core is non-empty (−ε is the least any coalition gains by staying).
    """
    costs = _table(game, "least core")
    n, grand = game.n, float(costs[-1])
    if n == 1:
        return np.array([grand]), 0.0
    a = _coalition_matrix(n)
    # variables x_1..x_n, ε; minimise ε subject to x(S) − ε ≤ c(S), x(N) = c(N)
    a_ub = np.hstack([a, -np.ones((len(a), 1))])
    a_eq = np.hstack([np.ones((1, n)), np.zeros((1, 1))])
    c = np.zeros(n + 1)
    c[-1] = 1.0
    res = _solve(c, a_ub, costs[1:-1], a_eq, [grand], [(None, None)] * (n + 1))
    return _balance(res.x[:n], grand), float(res.x[-1])


def nucleolus(game: Game) -> np.ndarray:
    """The nucleolus by sequential LPs: lexicographically minimise the sorted excesses x(S) − c(S).

    Over the imputations x_i ≤ c({i}) when there are any (Σ c({i}) ≥ c(N)), else over all
    allocations (the prenucleolus). Each round minimises the largest free excess; coalitions
    with a positive dual price are tight at every optimum and are fixed; coalitions whose
    indicator lies in the span of the fixed ones are then determined and drop out. At most n
    rounds.
    """
    costs = _table(game, "the nucleolus")
    n, grand = game.n, float(costs[-1])
    if n == 1:
        return np.array([grand])
    a = _coalition_matrix(n)
    rhs = costs[1:-1]
    singles = costs[1 << np.arange(n)]
    bounds: list[tuple[float | None, float | None]] = (
        [(None, float(s)) for s in singles]
        if singles.sum() >= grand - 1e-9 * max(1.0, grand)
        else [(None, None)] * n
    )
    fixed_rows = [np.ones(n)]
    fixed_rhs = [grand]
    free = np.ones(len(a), dtype=bool)
    x = np.full(n, grand / n)
    for _ in range(n + 1):
        if not free.any():
            break
        rows = np.flatnonzero(free)
        a_ub = np.hstack([a[rows], -np.ones((len(rows), 1))])
        a_eq = np.hstack([np.array(fixed_rows), np.zeros((len(fixed_rows), 1))])
        c = np.zeros(n + 1)
        c[-1] = 1.0
        res = _solve(c, a_ub, rhs[rows], a_eq, np.array(fixed_rhs), [*bounds, (None, None)])
        x, eps = res.x[:n], float(res.x[-1])
        duals = -np.asarray(res.ineqlin.marginals)
        tight = rows[duals > 1e-9]
        if len(tight) == 0:  # degenerate dual: fall back on tightness of the primal optimum
            slack = rhs[rows] + eps - a[rows] @ x
            tight = rows[slack <= 1e-9 * max(1.0, abs(grand))]
        for t in tight:
            fixed_rows.append(a[t])
            fixed_rhs.append(float(rhs[t] + eps))
        # orthonormal basis of the fixed coalitions' span; coalitions inside it are determined
        left, sing, _ = np.linalg.svd(np.array(fixed_rows).T, full_matrices=False)
        rank = int(np.sum(sing > 1e-9 * sing[0]))
        basis = left[:, :rank]
        residual = a - (a @ basis) @ basis.T
        free &= np.linalg.norm(residual, axis=1) > 1e-7
        free[tight] = False
        if rank >= n:
            break
    return _balance(x, grand)


def closest_stable(game: Game, target: np.ndarray) -> tuple[np.ndarray, float]:
    """(x, ε): the allocation in the core (or the least core when it is empty) nearest to target in L1."""
    costs = _table(game, "the closest stable allocation")
    n, grand = game.n, float(costs[-1])
    if n == 1:
        return np.array([grand]), 0.0
    _, eps = least_core(game)
    # a non-empty core (ε ≤ 0 up to rounding) is used as is; else the least core's ε
    eps = eps if eps > 1e-9 * max(1.0, abs(grand)) else 0.0
    a = _coalition_matrix(n)
    # variables x (n), d (n) with d ≥ |x − target|; minimise Σ d
    a_ub = np.vstack(
        [
            np.hstack([a, np.zeros_like(a)]),
            np.hstack([np.eye(n), -np.eye(n)]),
            np.hstack([-np.eye(n), -np.eye(n)]),
        ]
    )
    b_ub = np.concatenate([costs[1:-1] + eps, target, -target])
    a_eq = np.hstack([np.ones((1, n)), np.zeros((1, n))])
    c = np.concatenate([np.zeros(n), np.ones(n)])
    res = _solve(c, a_ub, b_ub, a_eq, [grand], [(None, None)] * n + [(0, None)] * n)
    return _balance(res.x[:n], grand), eps
