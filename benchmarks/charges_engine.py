"""Benchmark: the charge engine (billing/engine) with 100,000 participants, each rule.

Times `compute(data)` (parsing the decoded JSON shape, charging, building the output shape) on
seeded participants: 20 % joined inside the period, populations, 4-decimal shares, 2-decimal
usage, integer units. Issue 13's target: under 1 s per rule.

Usage (no database needed):

    .venv/bin/python benchmarks/charges_engine.py --repeat 3

Results go to stdout as a markdown table (best and median wall time, best CPU time of this process).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from interlocal.billing.engine import compute  # noqa: E402

RULES = [
    {"kind": "equal"},
    {"kind": "per_capita"},
    {"kind": "fixed_shares"},
    {"kind": "by_usage"},
    {"kind": "base_plus_usage", "base_fraction": "0.35"},
    {"kind": "unit_price", "unit_price": "12.34"},
]


def participants(n: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    for i in range(n):
        joined = None if rng.random() < 0.8 else f"2027-0{rng.randint(1, 3)}-{rng.randint(10, 28)}"
        out.append(
            {
                "id": f"m{i:06d}",
                "joined": joined,
                "left": None,
                "population": rng.randint(0, 200_000),
                "share": f"0.{rng.randint(0, 9999):04d}",
                "usage": f"{rng.randint(0, 99999)}.{rng.randint(0, 99):02d}",
                "units": str(rng.randint(0, 500)),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("-n", type=int, default=100_000)
    args = parser.parse_args()
    people = participants(args.n, args.seed)
    print(f"`.venv/bin/python benchmarks/charges_engine.py --repeat {args.repeat} --seed {args.seed}`\n")
    print("| rule | participants | best wall | median wall | best CPU |")
    print("|---|---:|---:|---:|---:|")
    for rule in RULES:
        data: dict[str, object] = {"period": {"start": "2027-01-01", "end": "2027-03-31"}, "rule": rule}
        data["participants"] = people
        if rule["kind"] != "unit_price":
            data["amount"] = "12345678.91"
        walls, cpus = [], []
        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            compute(data)
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        print(
            f"| {rule['kind']} | {args.n:,} | {min(walls) * 1000:,.0f} ms | "
            f"{statistics.median(walls) * 1000:,.0f} ms | {min(cpus) * 1000:,.0f} ms |"
        )


if __name__ == "__main__":
    main()
