"""Bid tabulation over arrays: lowest responsive bid per item, ranks, totals, weighted scores.

Pure computation (numpy, no Django), so it is easy to test and to benchmark
(`benchmarks/procurement_tabulation.py`: 500 items x 50 bids).

Money is exact: unit prices enter as integers in the currency's minor unit (cents) and quantities
as integers in ten-thousandths, so an extended price is an integer product and a total an integer
sum; `Decimal` values come out at the end. Products that could overflow 64 bits are computed
with Python integers instead.

Rules:
- A bid is eligible for an item when it offers a price for the item, the bid is responsive, and
  the line is not marked non-responsive on its own.
- Ranks are competition ranks ("1, 1, 3") over eligible bids, lowest price first; bids that are
  not eligible have rank 0.
- The lowest bid of an item is the first eligible bid with the lowest price, in the order the
  caller gives (callers pass bids by submission time, so an earlier bid wins a tie).
- A bid's total is the sum of its extended prices (price x quantity) over the items it offers;
  total ranks compare responsive bids that offer every item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

import numpy as np
import numpy.typing as npt

__all__ = [
    "QTY_SCALE",
    "Tabulation",
    "competition_ranks",
    "tabulate",
    "tabulate_decimal",
    "to_minor",
    "weighted_scores",
]

QTY_SCALE = 10_000  # quantities are counted in ten-thousandths (DemandEntry keeps 4 decimals)
_INT64_SAFE = 2**62


@dataclass(frozen=True)
class Tabulation:
    """The result of `tabulate`: one row per bid, one column per item."""

    decimals: int
    eligible: npt.NDArray[np.bool_]  # (bids, items)
    ranks: npt.NDArray[np.int64]  # (bids, items), 0 where not eligible
    lowest: npt.NDArray[np.int64]  # (items,), bid index or -1 when nobody is eligible
    extended_minor: list[list[int | None]]  # (bids, items) price x quantity in minor units x QTY_SCALE
    totals_minor: list[int]  # (bids,) in minor units x QTY_SCALE
    complete: npt.NDArray[np.bool_]  # (bids,) offers every item
    total_ranks: npt.NDArray[np.int64]  # (bids,), 0 for non-responsive or incomplete bids

    def _money(self, scaled: int) -> Decimal:
        # Enough precision for any product of two 18-digit figures (the default context has 28).
        with localcontext() as ctx:
            ctx.prec = 80
            return (Decimal(scaled) / (Decimal(10) ** self.decimals * QTY_SCALE)).quantize(
                Decimal(1).scaleb(-self.decimals)
            )

    def total(self, bid: int) -> Decimal:
        """Bid `bid`'s total over the items it offers, rounded to the currency's decimals."""
        return self._money(self.totals_minor[bid])

    def extended(self, bid: int, item: int) -> Decimal | None:
        """Price x quantity of one line, or None when the bid does not offer the item."""
        value = self.extended_minor[bid][item]
        return None if value is None else self._money(value)

    def lowest_total(self) -> int:
        """The index of the responsive complete bid with the lowest total, or -1."""
        ranked = np.flatnonzero(self.total_ranks == 1)
        return int(ranked[0]) if ranked.size else -1


def competition_ranks(
    values: npt.NDArray[np.int64], eligible: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """Competition ranks along axis 0 (lowest value = 1); 0 where not eligible.

    rank = 1 + number of eligible rows with a strictly lower value: one broadcast comparison,
    (rows x rows x columns) booleans, which is small for the sizes of a solicitation.
    """
    if values.shape[0] == 0:
        return np.zeros(values.shape, dtype=np.int64)
    lower = (values[np.newaxis, :, ...] < values[:, np.newaxis, ...]) & eligible[np.newaxis, :, ...]
    ranks = 1 + lower.sum(axis=1, dtype=np.int64)
    return np.where(eligible, ranks, 0).astype(np.int64)


def tabulate(
    prices_minor: npt.NDArray[np.int64],
    offered: npt.NDArray[np.bool_],
    quantities_scaled: npt.NDArray[np.int64],
    responsive: npt.NDArray[np.bool_],
    *,
    decimals: int = 2,
    line_responsive: npt.NDArray[np.bool_] | None = None,
) -> Tabulation:
    """Tabulate bids (rows) over items (columns); see the module docstring for the rules."""
    prices = np.asarray(prices_minor, dtype=np.int64)
    offered = np.asarray(offered, dtype=bool)
    qty = np.asarray(quantities_scaled, dtype=np.int64)
    resp = np.asarray(responsive, dtype=bool)
    n_bids, n_items = prices.shape if prices.ndim == 2 else (0, qty.shape[0])
    prices = prices.reshape(n_bids, n_items)
    offered = offered.reshape(n_bids, n_items)
    if qty.shape != (n_items,) or resp.shape != (n_bids,):
        raise ValueError("quantities need one entry per item and responsive one per bid")
    if (prices[offered] < 0).any() or (qty < 0).any():
        raise ValueError("prices and quantities must not be negative")
    eligible = offered & resp[:, np.newaxis]
    if line_responsive is not None:
        eligible &= np.asarray(line_responsive, dtype=bool).reshape(n_bids, n_items)
    ranks = competition_ranks(prices, eligible)
    if n_bids:
        sentinel = np.iinfo(np.int64).max
        masked = np.where(eligible, prices, sentinel)
        lowest = masked.argmin(axis=0).astype(np.int64)
        lowest[~eligible.any(axis=0)] = -1
    else:
        lowest = np.full(n_items, -1, dtype=np.int64)

    max_price = int(prices[offered].max()) if offered.any() else 0
    max_qty = int(qty.max()) if n_items else 0
    safe = max_price * max_qty * max(n_items, 1) < _INT64_SAFE
    if safe:
        extended = np.where(offered, prices * qty[np.newaxis, :], 0)
        totals = [int(t) for t in extended.sum(axis=1)]
        ext_rows = extended.tolist()
    else:  # exact Python integers for very large figures
        ext_rows = [
            [int(p) * int(q) for p, q in zip(row, qty.tolist(), strict=True)] for row in prices.tolist()
        ]
        totals = [
            sum(v for v, o in zip(row, orow, strict=True) if o)
            for row, orow in zip(ext_rows, offered.tolist(), strict=True)
        ]
    extended_minor: list[list[int | None]] = [
        [v if o else None for v, o in zip(row, orow, strict=True)]
        for row, orow in zip(ext_rows, offered.tolist(), strict=True)
    ]
    complete = offered.all(axis=1) if n_items else np.ones(n_bids, dtype=bool)
    total_eligible = resp & complete
    if safe:
        total_ranks = competition_ranks(np.asarray(totals, dtype=np.int64), total_eligible)
    else:
        total_ranks = np.array(
            [
                1 + sum(1 for j in range(n_bids) if total_eligible[j] and totals[j] < totals[i])
                if total_eligible[i]
                else 0
                for i in range(n_bids)
            ],
            dtype=np.int64,
        )
    return Tabulation(
        decimals=decimals,
        eligible=eligible,
        ranks=ranks,
        lowest=lowest,
        extended_minor=extended_minor,
        totals_minor=totals,
        complete=np.asarray(complete, dtype=bool),
        total_ranks=total_ranks,
    )


def to_minor(value: Decimal, decimals: int) -> int:
    """`value` in minor units; ValueError if it has more decimals than the currency allows."""
    scaled = value.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {decimals} decimal places")
    return int(scaled)


def tabulate_decimal(
    prices: Sequence[Sequence[Decimal | None]],
    quantities: Sequence[Decimal],
    responsive: Sequence[bool],
    *,
    decimals: int = 2,
    line_responsive: Sequence[Sequence[bool]] | None = None,
) -> Tabulation:
    """`tabulate` over Decimal prices (None = not offered) and Decimal quantities."""
    n_items = len(quantities)
    minor = np.zeros((len(prices), n_items), dtype=np.int64)
    offered = np.zeros((len(prices), n_items), dtype=bool)
    for b, row in enumerate(prices):
        if len(row) != n_items:
            raise ValueError(f"bid {b} has {len(row)} prices for {n_items} items")
        for i, price in enumerate(row):
            if price is not None:
                minor[b, i] = to_minor(price, decimals)
                offered[b, i] = True
    qty = np.array([to_minor(q, 4) for q in quantities], dtype=np.int64)
    lr = (
        None
        if line_responsive is None
        else np.array(line_responsive, dtype=bool).reshape(len(prices), n_items)
    )
    return tabulate(
        minor, offered, qty, np.array(responsive, dtype=bool), decimals=decimals, line_responsive=lr
    )


def weighted_scores(
    scores: npt.NDArray[np.float64], weights: Sequence[float | Decimal]
) -> npt.NDArray[np.float64]:
    """Weighted score per bid (0–100): scores (bids x criteria, 0–100, NaN = not scored) x weights.

    Weights are normalised to sum to one; a criterion nobody scored for a bid counts as 0.
    """
    s = np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=0.0)
    w = np.asarray([float(x) for x in weights], dtype=np.float64)
    if s.ndim != 2 or s.shape[1] != w.shape[0]:
        raise ValueError("scores need one column per criterion")
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    return np.asarray(s @ (w / w.sum()), dtype=np.float64)
