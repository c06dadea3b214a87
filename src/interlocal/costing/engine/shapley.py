"""Shapley value: exact over every coalition for a table, exact by decomposition for the structured model."""

from __future__ import annotations

import numpy as np

from .game import ExplicitGame, Game, StructuredModel

__all__ = [
    "airport_shapley",
    "shapley",
    "shapley_explicit",
    "shapley_sampled",
    "shapley_structured",
    "variable_shapley",
]


def shapley_explicit(costs: np.ndarray, n: int) -> np.ndarray:
    """φ_i = Σ_{S∌i} |S|!(n-|S|-1)!/n! · (c(S∪i) − c(S)), vectorised over bitmasks."""
    from .game import popcounts

    sizes = popcounts(n)
    # weight of a coalition of size k not containing i: 1 / (n · C(n-1, k))
    weights = np.array([1.0 / (n * _binom(n - 1, k)) for k in range(n)])
    phi = np.empty(n)
    for i in range(n):
        # reshape so axis 1 says whether bit i is set: [low bits | bit i | high bits]
        table = costs.reshape(-1, 2, 1 << i)
        without = sizes.reshape(-1, 2, 1 << i)[:, 0, :]
        phi[i] = float(np.sum(weights[without] * (table[:, 1, :] - table[:, 0, :])))
    return phi


def _binom(n: int, k: int) -> float:
    from math import comb

    return float(comb(n, k))


def airport_shapley(levels: np.ndarray) -> np.ndarray:
    """Littlechild–Owen: each increment between sorted levels is split among those who need it."""
    n = len(levels)
    order = np.argsort(levels, kind="stable")
    ordered = levels[order]
    increments = np.diff(np.concatenate([[0.0], ordered]))
    shares = np.cumsum(increments / (n - np.arange(n)))
    phi = np.empty(n)
    phi[order] = shares
    return phi


def variable_shapley(units: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Shapley value of the game v(S) = f(U(S)) (f(0) = 0) for integer units, exactly.

    φ_i = (1/n) Σ_k E[f(U(S)+u_i) − f(U(S))] over S a uniform random k-subset of the others.
    Q[k, u] = P(U(S) = u) for S a uniform random k-subset of all n players is built by a DP over
    players, scaled so that it holds probabilities (raw counts would overflow); the others' distribution R is peeled off
    Q per distinct unit value, upward in k for k ≤ n/2 and downward above, so that every
    recursion coefficient is at most 1 and rounding errors do not grow.
    """
    n = len(units)
    total = int(units.sum())
    phi = np.zeros(n)
    if n == 0 or total == 0:
        return phi
    # q[k] holds (number of k-subsets of the players so far with sum u) / C(n, k): adding a player
    # is then one scaled, shifted add, nothing overflows, and after all n players q[k, u] is the
    # probability that a uniform random k-subset has U(S) = u.
    q = np.zeros((n + 1, total + 1))
    q[0, 0] = 1.0
    ks = np.arange(1, n + 1, dtype=float)
    ratio = (ks / (n - ks + 1))[:, None]  # C(n, k−1) / C(n, k)
    seen = 0
    for j, uj in enumerate(units.tolist(), start=1):
        seen += uj
        q[1 : j + 1, uj : seen + 1] += q[0:j, : seen + 1 - uj] * ratio[:j]
    half = n // 2
    # R_k lives in [0, sum of the k largest units] and in [sum of the k smallest, ...]: the
    # upward pass (hi only grows) and downward pass (lo only shrinks) work on that band alone
    ordered = np.sort(units)
    top = np.concatenate([[0], np.cumsum(ordered[::-1])])
    low = np.concatenate([[0], np.cumsum(ordered)])
    for v in np.unique(units[units > 0]).tolist():
        width = total - v + 1
        gain = f[v:] - f[:width]  # f(u + v) − f(u) for u = 0 .. total − v
        prev, cur = np.zeros(width), np.zeros(width)
        prev[0] = 1.0
        acc = float(gain[0])
        for k in range(1, min(half, n - 1) + 1):
            hi = min(width - 1, int(top[k])) + 1
            np.multiply(q[k, :hi], n / (n - k), out=cur[:hi])
            if hi > v:
                cur[v:hi] -= (k / (n - k)) * prev[: hi - v]
            acc += float(_dot(cur[:hi], gain[:hi]))
            prev, cur = cur, prev
        if n - 1 > half:
            prev, cur = np.zeros(width), np.zeros(width)
            lo = int(low[n - 1])
            prev[lo:] = q[n, v + lo :]  # R[n-1][u] = Q[n][u + v]
            acc += float(_dot(prev[lo:], gain[lo:]))
            for k in range(n - 1, half + 1, -1):
                lo = min(int(low[k - 1]), width)
                np.multiply(q[k, v + lo :], n / k, out=cur[lo:])
                if width - v > lo:
                    cur[lo : width - v] -= ((n - k) / k) * prev[lo + v :]
                acc += float(_dot(cur[lo:], gain[lo:]))
                prev, cur = cur, prev
        phi[units == v] = acc / n
    return phi


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    # not np.dot: OpenBLAS splits dot products of more than ~10,000 numbers across threads, and
    # on a busy server (web workers, other jobs) those threads wait on each other: 10-50× slower
    return float(np.einsum("i,i->", a, b))


def shapley_structured(model: StructuredModel) -> np.ndarray:
    """Sum of the Shapley values of the model's parts (the value is additive over games)."""
    n = model.n
    phi = np.full(n, float(model.symmetric(n)) / n)
    phi += model.member_cost
    phi += airport_shapley(model.service_level)
    if model.has_variable:
        model.check_dp_size()
        f = model.variable(np.arange(int(model.units.sum()) + 1))
        phi += variable_shapley(model.units, f)
    return phi


def shapley(game: Game) -> np.ndarray:
    if isinstance(game, StructuredModel):
        return shapley_structured(game)
    if isinstance(game, ExplicitGame):
        return shapley_explicit(game.costs, game.n)
    return shapley_explicit(game.cost_table(), game.n)


def shapley_sampled(
    game: Game, samples: int = 20_000, *, seed: int = 0, batch: int = 2_000
) -> tuple[np.ndarray, np.ndarray]:
    """(estimate, error bound): Shapley by random orders of arrival, for games too big to enumerate.

    Each sampled order charges every player its marginal cost, so every sample, and therefore
    the estimate, sums exactly to c(N). The bound is 1.96 standard errors per player: the true
    value lies within it with about 95 % probability. Costs come from the table when the game
    has one, else from game.cost_mask (slow: use it for n well above 20 only).
    """
    if samples < 2:
        raise ValueError("samples: at least 2")
    n = game.n
    if n > 62:
        raise ValueError("sampling keeps coalitions as 64-bit masks: at most 62 players")
    rng = np.random.default_rng(seed)
    table = game.costs if isinstance(game, ExplicitGame) else None
    total = np.zeros(n)
    squares = np.zeros(n)
    done = 0
    while done < samples:
        m = min(batch, samples - done)
        orders = np.argsort(rng.random((m, n)), axis=1)
        masks = np.cumsum(np.left_shift(1, orders, dtype=np.int64), axis=1)
        after = table[masks] if table is not None else np.vectorize(game.cost_mask, otypes=[float])(masks)
        before = np.concatenate([np.zeros((m, 1)), after[:, :-1]], axis=1)
        marginal = np.empty((m, n))
        np.put_along_axis(marginal, orders, after - before, axis=1)
        total += marginal.sum(axis=0)
        squares += (marginal**2).sum(axis=0)
        done += m
    mean = total / samples
    variance = np.maximum(squares / samples - mean**2, 0.0) * samples / (samples - 1)
    return mean, 1.96 * np.sqrt(variance / samples)
