"""Benchmark: bid tabulation for one solicitation (issue 5: 500 items x 50 bids under 1 s).

Times `procurement.tabulation.tabulate_decimal` end to end from Decimal prices (as the opening
reads them) to ranks, lowest bid per item and totals; and `tabulate` alone over integer arrays.
Every fifth bid leaves out every 7th item (a bid need not offer every item) and two bids are non-responsive.
No database: the module is pure.

Usage:

    .venv/bin/python benchmarks/procurement_tabulation.py --items 500 --bids 50 --repeat 5
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import numpy as np  # noqa: E402

from interlocal.procurement.tabulation import tabulate, tabulate_decimal  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--bids", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(5)  # noqa: S311 - benchmark data, not secrets
    prices: list[list[Decimal | None]] = [
        [
            None if b % 5 == 0 and i % 7 == 0 else Decimal(rng.randint(100, 10_000_000)).scaleb(-2)
            for i in range(args.items)
        ]
        for b in range(args.bids)
    ]
    quantities = [Decimal(rng.randint(1, 5_000_000)).scaleb(-3) for _ in range(args.items)]
    responsive = [b not in (3, 17) for b in range(args.bids)]

    best_dec = best_arr = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = tabulate_decimal(prices, quantities, responsive, decimals=2)
        totals = [result.total(b) for b in range(args.bids)]
        best_dec = min(best_dec, time.perf_counter() - start)
    minor = np.array([[0 if p is None else int(p * 100) for p in row] for row in prices], dtype=np.int64)
    offered = np.array([[p is not None for p in row] for row in prices])
    qty = np.array([int(q * 10000) for q in quantities], dtype=np.int64)
    resp = np.array(responsive)
    for _ in range(args.repeat):
        start = time.perf_counter()
        tabulate(minor, offered, qty, resp, decimals=2)
        best_arr = min(best_arr, time.perf_counter() - start)
    print(f"{args.items} items x {args.bids} bids, best of {args.repeat}")
    print(f"  from Decimal prices (with totals as Decimal): {best_dec * 1000:.1f} ms")
    print(f"  integer arrays only:                          {best_arr * 1000:.1f} ms")
    print(f"  lowest total: bid {result.lowest_total()} = {totals[result.lowest_total()]}")


if __name__ == "__main__":
    main()
