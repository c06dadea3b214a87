"""The coalition finder: for one service area, which members could act together.

Candidates are members whose priority and readiness for the area both reach the campaign's
thresholds. They are grouped by the similarity of their *need profiles* (priority in every area),
with average-linkage hierarchical clustering and a cut at `CUT` points of root-mean-square
difference; within a cluster, members whose contracts for the area end close together (within
`window_months`) are proposed first, since they can buy at the same time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

__all__ = ["CUT", "Coalition", "find_coalitions", "months_between"]

CUT = 0.75  # RMS difference of priority across areas, in scale points, under which needs are alike


@dataclass(frozen=True)
class Coalition:
    """A suggested group of members for one area."""

    area: int
    members: tuple[int, ...]  # member indices, by contract end date then index
    priority: float  # the members' mean priority for the area
    readiness: float
    first_end: dt.date | None  # earliest and latest contract end among them (None: no dates)
    last_end: dt.date | None
    months_apart: int | None
    undated: tuple[int, ...] = ()  # members of the cluster without a contract end date


def months_between(a: dt.date, b: dt.date) -> int:
    """Whole calendar months from a to b (b after a), counting a part month as one."""
    months = (b.year - a.year) * 12 + (b.month - a.month)
    return months + (1 if b.day > a.day else 0)


def _cluster(profiles: np.ndarray) -> np.ndarray:
    if len(profiles) == 1:
        return np.ones(1, dtype=int)
    # Missing areas count as the candidates' mean there, so they neither attract nor repel.
    filled = np.where(np.isfinite(profiles), profiles, np.nanmean(profiles, axis=0))
    filled = np.nan_to_num(filled, nan=3.0)
    tree = linkage(filled, method="average", metric="euclidean")
    cut = CUT * np.sqrt(max(profiles.shape[1], 1))
    return fcluster(tree, t=cut, criterion="distance")


def _best_window(dates: list[tuple[dt.date, int]], window_months: int) -> list[tuple[dt.date, int]]:
    """The largest run of dated members whose contracts all end within the window (earliest wins)."""
    best: list[tuple[dt.date, int]] = []
    lo = 0
    for hi in range(len(dates)):
        while months_between(dates[lo][0], dates[hi][0]) > window_months:
            lo += 1
        if hi - lo + 1 > len(best):
            best = dates[lo : hi + 1]
    return best


def find_coalitions(
    area: int,
    priority: np.ndarray,
    readiness: np.ndarray,
    *,
    eligible: np.ndarray,
    contract_end: dict[int, dt.date],
    priority_threshold: float,
    readiness_threshold: float,
    window_months: int = 18,
) -> list[Coalition]:
    """Suggested coalitions for `area`, largest first.

    `priority` and `readiness` are (members × areas); `eligible` says which members may be
    considered (visibility is the caller's decision); `contract_end` maps a member index to its
    contract end date for the area.
    """
    p = priority[:, area]
    r = readiness[:, area]
    with np.errstate(invalid="ignore"):
        ok = eligible & (p >= priority_threshold) & (r >= readiness_threshold)
    candidates = np.flatnonzero(ok)
    if len(candidates) < 2:
        return []
    labels = _cluster(priority[candidates])
    found: list[Coalition] = []
    for label in np.unique(labels):
        cluster = [int(m) for m in candidates[labels == label]]
        if len(cluster) < 2:
            continue
        dated = sorted((contract_end[m], m) for m in cluster if m in contract_end)
        window = _best_window(dated, window_months) if len(dated) >= 2 else []
        if len(window) >= 2:
            chosen = [m for _d, m in window]
            rest = tuple(m for m in cluster if m not in chosen and m not in contract_end)
            found.append(_make(area, chosen, p, r, window[0][0], window[-1][0], rest))
            leftover = [m for m in cluster if m not in chosen and m in contract_end]
            if len(leftover) >= 2:
                found.append(_make(area, leftover, p, r, None, None, ()))
        else:
            found.append(_make(area, cluster, p, r, None, None, ()))
    return sorted(found, key=lambda c: (-len(c.members), -(c.priority + c.readiness), c.members))


def _make(
    area: int,
    members: list[int],
    p: np.ndarray,
    r: np.ndarray,
    first: dt.date | None,
    last: dt.date | None,
    undated: tuple[int, ...],
) -> Coalition:
    idx = np.array(members)
    return Coalition(
        area=area,
        members=tuple(members),
        priority=round(float(np.mean(p[idx])), 2),
        readiness=round(float(np.mean(r[idx])), 2),
        first_end=first,
        last_end=last,
        months_apart=months_between(first, last) if first and last else None,
        undated=undated,
    )
