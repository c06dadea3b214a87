"""Nucleolus, least core and the closest stable allocation: linear programs solved by HiGHS.

All three are solved by constraint generation: an LP over a small working set of coalitions,
then an exact search for the coalitions whose constraint the LP's answer breaks (the
"separation oracle"), which join the working set, until none is broken. The answer is then
exactly that of the LP over every coalition. The oracle is the core check itself: for the
structured model the knapsack of core.py (one most-dissatisfied coalition per size), for an
explicit game a vectorised pass over the whole cost table in chunks (table.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from scipy.optimize import linprog

from .core import best_by_size
from .game import MAX_EXPLICIT_PLAYERS, ExplicitGame, Game, GameError, StructuredModel
from .table import SpanFilter, top_excesses

__all__ = [
    "MAX_LP_PLAYERS",
    "closest_stable",
    "least_core",
    "nucleolus",
    "nucleolus_enumerated",
]

# The nucleolus needs the whole cost table: 2^25 float64 costs are 256 MiB.
MAX_LP_PLAYERS = MAX_EXPLICIT_PLAYERS
# Constraint generation gives up (with a message) after this many rounds of cuts.
MAX_CUT_ROUNDS = 500
# The closest stable allocation converges slowly from a formula far outside the core (n = 40: about
# 160 rounds; n = 169 did not finish in 10 minutes), so it gives up sooner.
MAX_CLOSEST_ROUNDS = 250

# x -> candidate coalitions (mask, excess x(S) − c(S)), proper and non-empty, the worst first
Oracle = Callable[[np.ndarray], list[tuple[int, float]]]


def _solve(c: np.ndarray, a_ub, b_ub, a_eq, b_eq, bounds) -> Any:
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if res.status != 0:
        raise GameError(f"the linear program could not be solved: {res.message}")
    return res


def _balance(x: np.ndarray, grand: float) -> np.ndarray:
    # the LP meets x(N) = c(N) to solver tolerance; spread the remainder so sums are exact
    return x + (grand - x.sum()) / len(x)


def _rows(masks: Iterable[int], n: int) -> np.ndarray:
    """Indicator rows of coalitions given as bitmasks (Python ints: any number of players)."""
    masks = list(masks)
    if n <= 62:
        array = np.array(masks, dtype=np.int64)
        return ((array[:, None] >> np.arange(n)[None, :]) & 1).astype(float)
    out = np.zeros((len(masks), n))
    for r, mask in enumerate(masks):
        out[r, [i for i, bit in enumerate(reversed(bin(mask))) if bit == "1"]] = 1.0
    return out


def _tolerance(grand: float) -> float:
    # the core check's tolerance: excesses below it are rounding, not reasons to leave
    return 1e-7 * max(1.0, abs(grand))


class _Costs:
    """c(S) for the coalitions the LPs meet, and the separation oracle, for either kind of game."""

    def __init__(self, game: Game, what: str, *, table: bool) -> None:
        self.game = game
        self.n = game.n
        self.table: np.ndarray | None = None
        if not (isinstance(game, StructuredModel) and not table):
            if game.n > MAX_LP_PLAYERS:
                raise GameError(
                    f"{what} needs every coalition: {game.n} players is more than {MAX_LP_PLAYERS}; "
                    "use shapley, scrb or a proportional rule, and check it with --check-core"
                )
            self.table = game.costs if isinstance(game, ExplicitGame) else game.cost_table()
        self.grand = game.grand_cost()

    def cost(self, masks: Iterable[int]) -> np.ndarray:
        masks = list(masks)
        if self.table is not None:
            return self.table[np.array(masks, dtype=np.int64)]
        return np.array([self.game.cost_mask(m) for m in masks])

    def violated(
        self, x: np.ndarray, above: float, limit: int, span: SpanFilter | None = None
    ) -> list[tuple[int, float]]:
        """Up to `limit` coalitions with excess above `above` under x (outside `span`), worst first."""
        if self.table is not None:
            return top_excesses(self.table, x, limit, span, above)
        model = self.game
        if not isinstance(model, StructuredModel):  # pragma: no cover - __init__ keeps a table otherwise
            raise TypeError("no cost table and not a structured model")
        values, masks = best_by_size(model, x - model.member_cost, self.n - 1)
        found = [(masks[k], float(values[k])) for k in range(1, self.n) if masks[k] and values[k] > above]
        return sorted(found, key=lambda t: -t[1])[:limit]

    def start(self) -> list[int]:
        """A first working set: the single members and everyone but one."""
        full = (1 << self.n) - 1
        masks = {1 << i for i in range(self.n)} | {full & ~(1 << i) for i in range(self.n)}
        masks.discard(full)
        masks.discard(0)
        return sorted(masks)


def least_core(game: Game) -> tuple[np.ndarray, float]:
    """(x, ε): an allocation with x(S) ≤ c(S) + ε for every S ≠ ∅, N and the smallest such ε.

    ε ≤ 0 means the core is non-empty (−ε is the least any coalition gains by staying).
    Exact for explicit games (n ≤ 25) and for the structured model at any size.
    """
    costs = _Costs(game, "least core", table=False)
    n, grand = game.n, costs.grand
    if n == 1:
        return np.array([grand]), 0.0
    x, eps, _, _ = _least_core_lp(costs, [(None, None)] * n)
    return _balance(x, grand), eps


def _least_core_lp(
    costs: _Costs,
    bounds: list[tuple[float | None, float | None]],
    *,
    working: list[int] | None = None,
    fixed_rows: list[np.ndarray] | None = None,
    fixed_rhs: list[float] | None = None,
    span: SpanFilter | None = None,
) -> tuple[np.ndarray, float, list[int], np.ndarray]:
    """min ε s.t. x(S) − c(S) ≤ ε for every coalition outside `span`, fixed equalities, bounds.

    Returns (x, ε, working set, duals of the working set's constraints).
    """
    n, grand = costs.n, costs.grand
    tol = _tolerance(grand)
    working = list(working) if working is not None else costs.start()
    in_work = set(working)
    fixed_rows = fixed_rows if fixed_rows is not None else [np.ones(n)]
    fixed_rhs = fixed_rhs if fixed_rhs is not None else [grand]
    a_eq = np.hstack([np.array(fixed_rows), np.zeros((len(fixed_rows), 1))])
    c = np.zeros(n + 1)
    c[-1] = 1.0
    limit = max(2 * n, 16)
    rows = _rows(working, n) if working else np.zeros((0, n))
    rhs = costs.cost(working) if working else np.zeros(0)
    for _ in range(MAX_CUT_ROUNDS):
        a_ub = np.hstack([rows, -np.ones((len(rows), 1))])
        res = _solve(c, a_ub, rhs, a_eq, np.array(fixed_rhs), [*bounds, (None, None)])
        x, eps = res.x[:n], float(res.x[-1])
        cuts = [m for m, _ in costs.violated(x, eps + tol, limit, span) if m not in in_work]
        if not cuts:
            return x, eps, working, -np.asarray(res.ineqlin.marginals)
        working += cuts
        in_work.update(cuts)
        rows = np.vstack([rows, _rows(cuts, n)])
        rhs = np.concatenate([rhs, costs.cost(cuts)])
    raise GameError(f"the least core did not converge in {MAX_CUT_ROUNDS} rounds of cuts")


def nucleolus(game: Game) -> np.ndarray:
    """The nucleolus by sequential LPs: lexicographically minimise the sorted excesses x(S) − c(S).

    Over the imputations x_i ≤ c({i}) when there are any (Σ c({i}) ≥ c(N)), else over all
    allocations (the prenucleolus). Each round minimises the largest free excess by
    constraint generation over the whole cost table; coalitions with a positive dual price
    are tight at every optimum and are fixed; coalitions whose indicator lies in the span of
    the fixed ones are then determined and leave the search (a random-projection test over the
    table, see table.SpanFilter). At most n rounds. Explicit games up to n = 25 (a structured
    model is tabulated first).
    """
    costs = _Costs(game, "the nucleolus", table=True)
    n, grand = game.n, costs.grand
    if n == 1:
        return np.array([grand])
    singles = costs.cost((1 << np.arange(n)).tolist())
    bounds: list[tuple[float | None, float | None]] = (
        [(None, float(s)) for s in singles]
        if singles.sum() >= grand - 1e-9 * max(1.0, grand)
        else [(None, None)] * n
    )
    fixed_rows = [np.ones(n)]
    fixed_rhs = [grand]
    working = costs.start()
    span: SpanFilter | None = None
    x = np.full(n, grand / n)
    tol = _tolerance(grand)
    for _ in range(n + 1):
        if not working and span is not None and span.full:
            break
        x, eps, working, duals = _least_core_lp(
            costs, bounds, working=working, fixed_rows=fixed_rows, fixed_rhs=fixed_rhs, span=span
        )
        work = np.array(working, dtype=np.int64)
        tight = work[duals > 1e-9]
        if len(tight) == 0:  # degenerate dual: fall back on tightness of the primal optimum
            slack = eps - (_rows(working, n) @ x - costs.cost(working))
            tight = work[slack <= tol]
        for t, row in zip(tight.tolist(), _rows(tight.tolist(), n), strict=True):
            fixed_rows.append(row)
            fixed_rhs.append(float(costs.cost([t])[0] + eps))
        span = SpanFilter(np.array(fixed_rows), seed=len(fixed_rows))
        if span.full:
            break
        working = [m for m in working if not span.contains_rows(_rows([m], n))[0]]
        if not working:
            working = [m for m in costs.start() if not span.contains_rows(_rows([m], n))[0]]
    return _balance(x, grand)


def nucleolus_enumerated(game: Game) -> np.ndarray:
    """The nucleolus with every coalition in every LP (the naive baseline; n ≤ 15 in practice)."""
    costs = game.cost_table()
    n, grand = game.n, float(costs[-1])
    if n == 1:
        return np.array([grand])
    masks = np.arange(1, (1 << n) - 1, dtype=np.int64)
    a = ((masks[:, None] >> np.arange(n)[None, :]) & 1).astype(float)
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
        if len(tight) == 0:
            slack = rhs[rows] + eps - a[rows] @ x
            tight = rows[slack <= 1e-9 * max(1.0, abs(grand))]
        for t in tight:
            fixed_rows.append(a[t])
            fixed_rhs.append(float(rhs[t] + eps))
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
    """(x, ε): the allocation in the core (or the least core when it is empty) nearest to target in L1.

    One LP over x and d ≥ |x − target|, minimising Σ d subject to x(S) ≤ c(S) + ε, by
    constraint generation like the least core. For the structured model this is fast up to a few
    dozen members; with many members and a target far outside the core it can need more than
    MAX_CLOSEST_ROUNDS rounds of cuts, and then says so (GameError) rather than run for minutes.
    """
    costs = _Costs(game, "the closest stable allocation", table=False)
    n, grand = game.n, costs.grand
    if n == 1:
        return np.array([grand]), 0.0
    _, eps_least, working, _ = _least_core_lp(costs, [(None, None)] * n)
    # a non-empty core (ε ≤ 0 up to rounding) is used as is; else the least core's ε
    eps = eps_least if eps_least > _tolerance(grand) else 0.0
    target = np.asarray(target, dtype=float)
    tol = _tolerance(grand)
    in_work = set(working)
    rows = _rows(working, n)
    rhs = costs.cost(working)
    eye = np.eye(n)
    bands = np.vstack([np.hstack([eye, -eye]), np.hstack([-eye, -eye])])
    a_eq = np.hstack([np.ones((1, n)), np.zeros((1, n))])
    c = np.concatenate([np.zeros(n), np.ones(n)])
    for _ in range(MAX_CLOSEST_ROUNDS):
        a_ub = np.vstack([np.hstack([rows, np.zeros_like(rows)]), bands])
        b_ub = np.concatenate([rhs + eps, target, -target])
        res = _solve(c, a_ub, b_ub, a_eq, [grand], [(None, None)] * n + [(0, None)] * n)
        x = res.x[:n]
        # a little slack so that the LP's own tolerance does not generate the same cut again
        cuts = [m for m, _ in costs.violated(x, eps + tol, max(2 * n, 16)) if m not in in_work]
        if not cuts:
            return _balance(x, grand), eps
        in_work.update(cuts)
        rows = np.vstack([rows, _rows(cuts, n)])
        rhs = np.concatenate([rhs, costs.cost(cuts)])
    raise GameError(
        f"the closest stable allocation did not converge in {MAX_CLOSEST_ROUNDS} rounds of cuts "
        f"({n} members); use the least core or the nucleolus instead"
    )
