"""Benchmark: the costing engine's exact algorithms at council scale.

Times, each against a naive baseline in the same run where one exists:

- exact Shapley value of the structured cost model (decomposition + DP over size and unit sum)
  at n = 50, 100, 200 with units drawn from 1..200 (seeded), and at n = 20 against enumerating
  all 2^20 coalitions;
- the exact structured core check (knapsack over size and unit sum, per service level) at the
  same sizes, and at n = 20 against enumerating all coalitions;
- the nucleolus (sequential HiGHS LPs) and the least core of explicit games at n = 10, 12, 15
  (15 is the largest the engine accepts for them).

Usage (no database needed):

    .venv/bin/python benchmarks/costing_engine.py --repeat 3

Results go to stdout as a markdown table; copy them into docs/benchmarks.md with the command.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from interlocal.costing.engine import Player, StructuredModel, check_core, least_core, nucleolus  # noqa: E402
from interlocal.costing.engine.core import most_dissatisfied_explicit  # noqa: E402
from interlocal.costing.engine.shapley import shapley_explicit, shapley_structured  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time in seconds over `repeat` runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def model(n: int, seed: int, max_units: int = 200, levels: list[float] | None = None) -> StructuredModel:
    rng = np.random.default_rng(seed)
    players = [
        Player(
            name=f"Town {i}",
            units=int(rng.integers(1, max_units + 1)),
            member_cost=float(rng.integers(2_000, 20_000)),
            service_level=float(rng.choice(levels or [0, 5_000, 15_000, 40_000])),
            population=float(rng.integers(1_000, 150_000)),
        )
        for i in range(n)
    ]
    return StructuredModel(
        players,
        platform_cost=250_000.0,
        price=900.0,
        exponent=0.8,
        coordination_base=1_500.0,
        coordination_exponent=1.2,
    )


def per_capita(m: StructuredModel) -> np.ndarray:
    pop = np.array([p.population for p in m.player_inputs])
    return m.grand_cost() * pop / pop.sum()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rows: list[tuple[str, str, float, str]] = []

    for n in (50, 100, 200):
        m = model(n, args.seed)
        units = int(m.units.sum())
        x = per_capita(m)
        rows.append(
            (
                "Shapley, structured (exact)",
                f"n={n}, units={units:,}",
                timed(lambda m=m: shapley_structured(m), args.repeat),
                "",
            )
        )
        result = check_core(m, x)
        rows.append(
            (
                "Core check, structured (exact), per capita",
                f"n={n}, units={units:,}",
                timed(lambda m=m, x=x: check_core(m, x), args.repeat),
                f"{'stable' if result.stable else f'unstable: {len(result.members)} members, excess {result.excess:,.0f}'}",
            )
        )

    # worst case for the core check: every member needs a different service level
    m = model(200, args.seed, levels=[float(v) for v in range(0, 400_000, 1_000)])
    x = per_capita(m)
    rows.append(
        (
            "Core check, structured (exact), per capita",
            f"n=200, units={int(m.units.sum()):,}, {len(set(m.service_level.tolist()))} distinct levels",
            timed(lambda m=m, x=x: check_core(m, x), args.repeat),
            "",
        )
    )

    m20 = model(20, args.seed)
    x20 = per_capita(m20)
    fast = timed(lambda: shapley_structured(m20), args.repeat)
    naive = timed(lambda: shapley_explicit(m20.cost_table(), 20), 1)
    rows.append(("Shapley, structured (exact)", "n=20", fast, ""))
    rows.append(("  baseline: enumerate 2^20 coalitions", "n=20", naive, f"ratio {naive / fast:,.0f}×"))
    fast = timed(lambda: check_core(m20, x20), args.repeat)
    naive = timed(lambda: most_dissatisfied_explicit(m20.cost_table(), x20), 1)
    rows.append(("Core check, structured (exact)", "n=20", fast, ""))
    rows.append(("  baseline: enumerate 2^20 coalitions", "n=20", naive, f"ratio {naive / fast:,.1f}×"))

    for n in (10, 12, 15):
        game = model(n, args.seed).to_explicit()
        rows.append(
            (
                "Nucleolus, explicit (sequential LPs)",
                f"n={n}",
                timed(lambda g=game: nucleolus(g), args.repeat),
                "",
            )
        )
        rows.append(
            ("Least core, explicit (one LP)", f"n={n}", timed(lambda g=game: least_core(g), args.repeat), "")
        )

    print(f"`.venv/bin/python benchmarks/costing_engine.py --repeat {args.repeat} --seed {args.seed}`\n")
    print("| what | size | median time | note |")
    print("|---|---|---:|---|")
    for what, size, seconds, note in rows:
        print(f"| {what} | {size} | {seconds * 1000:,.0f} ms | {note} |")


if __name__ == "__main__":
    main()
