"""Vectorised searches over a whole cost table (2^n coalitions), in chunks that fit in cache.

The separation oracle of the LPs for explicit games: the coalitions with the largest excess
x(S) − c(S), optionally skipping those whose indicator lies in a given span (coalitions the
nucleolus has already determined). Memory: the table itself plus a chunk of 2^21 floats, so an
n = 25 table (256 MiB) needs about 300 MB in all.
"""

from __future__ import annotations

import numpy as np

from .game import subset_sums

__all__ = ["CHUNK", "SpanFilter", "top_excesses"]

# floats per chunk: 16 MiB of excesses at a time
CHUNK = 1 << 21
# the low bits of a bitmask index the columns of a chunk
LOW_BITS = 16


class SpanFilter:
    """Which coalitions' indicator vectors lie in the span of some rows (the fixed coalitions).

    A vector a lies in the span exactly when it is orthogonal to the span's complement. Over
    millions of coalitions we test a·w ≈ 0 for two random vectors w of the complement: a
    coalition outside the span passes both tests only with probability zero (the w are
    Gaussian), and the tolerance covers rounding. Small sets are tested exactly by projection.
    """

    def __init__(self, rows: np.ndarray, *, seed: int = 0) -> None:
        rows = np.atleast_2d(np.asarray(rows, dtype=float))
        self.n = rows.shape[1]
        _, sing, vt = np.linalg.svd(rows, full_matrices=True)
        rank = int(np.sum(sing > 1e-9 * sing[0])) if len(sing) else 0
        self.basis = vt[:rank].T  # n × rank, orthonormal
        self.full = rank >= self.n
        complement = vt[rank:].T  # n × (n − rank)
        rng = np.random.default_rng(seed)
        if self.full:
            self.probes = np.zeros((self.n, 0))
        else:
            self.probes = complement @ rng.standard_normal((complement.shape[1], 2))
        self.tolerance = 1e-9 * np.abs(self.probes).sum(axis=0) if not self.full else np.zeros(0)

    def contains_rows(self, a: np.ndarray) -> np.ndarray:
        """Exact test for a few indicator rows: residual after projecting onto the span."""
        a = np.atleast_2d(a)
        residual = a - (a @ self.basis) @ self.basis.T
        return np.linalg.norm(residual, axis=1) <= 1e-7

    def contains_masks(self, masks: np.ndarray) -> np.ndarray:
        """Random-projection test for many bitmasks at once."""
        if self.full:
            return np.ones(len(masks), dtype=bool)
        inside = np.ones(len(masks), dtype=bool)
        bits = (masks[:, None] >> np.arange(self.n)[None, :]) & 1
        for j in range(self.probes.shape[1]):
            inside &= np.abs(bits @ self.probes[:, j]) <= self.tolerance[j]
        return inside


def top_excesses(
    table: np.ndarray,
    x: np.ndarray,
    limit: int,
    span: SpanFilter | None = None,
    above: float = -np.inf,
) -> list[tuple[int, float]]:
    """Up to `limit` proper non-empty coalitions with the largest x(S) − c(S) > `above`, worst first.

    Coalitions in `span` are skipped. Each chunk of the table is a 2-D block: rows are the high
    bits of the mask, columns the low bits, so x(S) is one broadcast sum of the two halves'
    subset sums (no per-coalition indexing).
    """
    n = len(x)
    low = min(n, LOW_BITS)
    width = 1 << low
    sums_low = subset_sums(np.asarray(x[:low], dtype=float))
    sums_high = subset_sums(np.asarray(x[low:], dtype=float))
    view = table.reshape(-1, width)
    per_chunk = max(1, CHUNK // width)
    buffer = np.empty((min(per_chunk, len(view)), width))
    full = (1 << n) - 1
    best_masks = np.zeros(0, dtype=np.int64)
    best_values = np.zeros(0)
    threshold = above
    probes = (
        [
            (subset_sums(w[:low]), subset_sums(w[low:]), t)
            for w, t in zip(span.probes.T, span.tolerance, strict=True)
        ]
        if span is not None and not span.full
        else []
    )
    for h0 in range(0, len(view), per_chunk):
        h1 = min(h0 + per_chunk, len(view))
        block = buffer[: h1 - h0]
        np.add(sums_high[h0:h1, None], sums_low[None, :], out=block)
        np.subtract(block, view[h0:h1], out=block)
        flat = block.reshape(-1)
        idx = np.flatnonzero(flat > threshold)
        if len(idx) == 0:
            continue
        if span is not None and len(idx) > 8 * limit:
            # many candidates: drop the determined coalitions of the whole block at once
            inside = np.ones(block.shape, dtype=bool)
            for p_low, p_high, tol in probes:
                inside &= np.abs(p_high[h0:h1, None] + p_low[None, :]) <= tol
            if span.full:
                inside[:] = True
            flat[inside.reshape(-1)] = -np.inf
            idx = np.flatnonzero(flat > threshold)
        masks = ((np.int64(h0) + idx // width) << low) | (idx % width)
        keep = (masks != 0) & (masks != full)
        if span is not None:
            keep &= ~span.contains_masks(masks)
        idx, masks = idx[keep], masks[keep]
        if len(idx) > limit:
            # limit 1: argmax keeps the first (smallest) mask among ties, so answers are stable
            top = [int(np.argmax(flat[idx]))] if limit == 1 else np.argpartition(flat[idx], -limit)[-limit:]
            idx, masks = idx[top], masks[top]
        values = flat[idx]
        best_masks = np.concatenate([best_masks, masks])
        best_values = np.concatenate([best_values, values])
        if len(best_values) > limit:
            top = np.argpartition(best_values, -limit)[-limit:]
            best_masks, best_values = best_masks[top], best_values[top]
            # later chunks only matter where they beat the current limit-th best
            threshold = max(threshold, float(best_values.min()))
    order = np.lexsort((best_masks, -best_values))  # worst first, then by mask
    return [(int(m), float(v)) for m, v in zip(best_masks[order], best_values[order], strict=True)]
