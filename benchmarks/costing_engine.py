"""Benchmark: the costing engine's exact algorithms at council scale.

Times, each against a naive baseline in the same run where one exists:

- exact Shapley value of the structured cost model (decomposition + DP over size and unit sum)
  at n = 50, 100, 169, 200 with units drawn from 1..200 (seeded), at n = 169 with units summing
  to about 2,600 and 26,000 (issue 4's targets), and at n = 20 against enumerating all 2^20
  coalitions;
- the exact structured core check (banded knapsack over size and unit sum, per service level)
  at the same sizes, with 4 and with ~135 distinct service levels, and at n = 20 against
  enumerating all coalitions;
- the least core of the structured model at n = 169 (γ = 0.9) by constraint generation with the
  core check as separation oracle, against the one-LP-over-every-coalition baseline at n = 15;
- the nucleolus of explicit games by sequential LPs with constraint generation over the cost
  table, at n = 10 .. 15 against the enumerating baseline, and at n = 20 and 25 (random
  uniform tables, the hard case, and tables of the structured model);
- Monte Carlo savings (10,000 draws, n = 169) against a per-draw Python loop, tornado, and
  break-even at n = 169 (against enumerating every group at n = 20).

Usage (no database needed):

    .venv/bin/python benchmarks/costing_engine.py --repeat 3
    .venv/bin/python benchmarks/costing_engine.py --repeat 3 --skip-25   # without the 256 MiB table

Results go to stdout as a markdown table (best and median wall time of the repeats, and the best
CPU time of this process; ratios to baselines are of CPU times); copy them into
docs/benchmarks.md with the command.
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

from scipy.optimize import linprog  # noqa: E402

from interlocal.costing.engine import (  # noqa: E402
    Estimate,
    ExplicitGame,
    Player,
    StructuredModel,
    UncertainModel,
    UncertainPlayer,
    break_even,
    check_core,
    least_core,
    nucleolus,
    simulate_savings,
    tornado,
)
from interlocal.costing.engine.core import most_dissatisfied_explicit  # noqa: E402
from interlocal.costing.engine.game import popcounts, subset_sums  # noqa: E402
from interlocal.costing.engine.lp import nucleolus_enumerated  # noqa: E402
from interlocal.costing.engine.shapley import shapley_explicit, shapley_structured  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """(best, median) wall time and best CPU time of this process, in seconds, over `repeat` runs.

    CPU time is reported too because the benchmark machine is shared: when other jobs hold the
    cores, wall time measures them as much as us.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), statistics.median(walls), min(cpus)


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


def with_gamma(m: StructuredModel, gamma: float) -> StructuredModel:
    return StructuredModel(
        m.player_inputs,
        platform_cost=m.platform_cost,
        price=m.price,
        exponent=m.exponent,
        coordination_base=m.coordination_base,
        coordination_exponent=gamma,
    )


def uncertain(n: int, seed: int) -> UncertainModel:
    rng = np.random.default_rng(seed)

    def spread(x: float, lo: float = 0.8, hi: float = 1.3) -> Estimate:
        return Estimate(x * lo, x, x * hi)

    players = [
        UncertainPlayer(
            name=f"Town {i}",
            units=spread(float(rng.integers(1, 31))),
            member_cost=spread(float(rng.integers(2_000, 20_000))),
            service_level=spread(float(rng.choice([0, 5_000, 15_000, 40_000]))),
            standalone=spread(float(rng.integers(20_000, 90_000)), 0.9, 1.1),
            weights={"population": float(rng.integers(1_000, 150_000))},
        )
        for i in range(n)
    ]
    return UncertainModel(
        players,
        platform_cost=spread(250_000.0),
        price=spread(900.0, 0.9, 1.2),
        exponent=Estimate(0.7, 0.8, 0.9),
        coordination_base=spread(1_500.0),
        coordination_exponent=Estimate(1.0, 1.2, 1.4),
    )


def naive_savings(m: UncertainModel, draws: int, seed: int) -> float:
    """Baseline: one draw at a time, each input drawn and c(N) evaluated in Python."""
    rng = np.random.default_rng(seed)
    total = 0.0
    for _ in range(draws):

        def d(e: Estimate) -> float:
            return e.likely if e.low == e.high else float(rng.triangular(e.low, e.likely, e.high))

        units = sum(d(p.units) for p in m.players)
        cost = (
            d(m.platform_cost)
            + sum(d(p.member_cost) for p in m.players)
            + d(m.price) * units ** d(m.exponent)
            + d(m.coordination_base) * m.n ** d(m.coordination_exponent)
            + max(d(p.service_level) for p in m.players)
        )
        total += sum(d(p.standalone) for p in m.players) - cost
    return total / draws


def brute_break_even(m: StructuredModel, standalone: np.ndarray) -> np.ndarray:
    """Baseline: the best saving per group size by enumerating every group."""
    table = m.cost_table()
    saving = subset_sums(standalone) - table
    sizes = popcounts(m.n)
    best = np.full(m.n + 1, -np.inf)
    np.maximum.at(best, sizes, saving)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-25", action="store_true", help="skip the n = 25 nucleolus (256 MiB table)")
    args = parser.parse_args()
    rows: list[tuple[str, str, tuple[float, float, float], str]] = []

    def add(
        what: str, size: str, fn: Callable[[], object], note: str = "", repeat: int | None = None
    ) -> float:
        best, median, cpu = timed(fn, repeat or args.repeat)
        rows.append((what, size, (best, median, cpu), note))
        return cpu

    for n in (50, 100, 169, 200):
        m = model(n, args.seed)
        units = int(m.units.sum())
        x = per_capita(m)
        add("Shapley, structured (exact)", f"n={n}, units={units:,}", lambda m=m: shapley_structured(m))
        result = check_core(m, x)
        note = (
            "stable"
            if result.stable
            else f"unstable: {len(result.members)} members, excess {result.excess:,.0f}"
        )
        add(
            "Core check, structured (exact), per capita",
            f"n={n}, units={units:,}",
            lambda m=m, x=x: check_core(m, x),
            note,
        )

    for max_units in (30, 300):
        m = model(169, args.seed, max_units=max_units)
        add(
            "Shapley, structured (exact)",
            f"n=169, units={int(m.units.sum()):,}",
            lambda m=m: shapley_structured(m),
        )

    # worst case for the core check: (almost) every member needs a different service level
    for n in (169, 200):
        m = model(n, args.seed, levels=[float(v) for v in range(0, 400_000, 1_000)])
        x = per_capita(m)
        add(
            "Core check, structured (exact), per capita",
            f"n={n}, units={int(m.units.sum()):,}, {len(set(m.service_level.tolist()))} distinct levels",
            lambda m=m, x=x: check_core(m, x),
        )

    m20 = model(20, args.seed)
    x20 = per_capita(m20)
    fast = add("Shapley, structured (exact)", "n=20", lambda: shapley_structured(m20))
    naive = add(
        "  baseline: enumerate 2^20 coalitions",
        "n=20",
        lambda: shapley_explicit(m20.cost_table(), 20),
        repeat=1,
    )
    rows[-1] = (*rows[-1][:3], f"ratio {naive / fast:,.0f}×")
    fast = add("Core check, structured (exact)", "n=20", lambda: check_core(m20, x20))
    naive = add(
        "  baseline: enumerate 2^20 coalitions",
        "n=20",
        lambda: most_dissatisfied_explicit(m20.cost_table(), x20),
        repeat=1,
    )
    rows[-1] = (*rows[-1][:3], f"ratio {naive / fast:,.1f}×")

    # least core of the structured model by constraint generation (γ ≤ 1: the core is not empty)
    for max_units in (200, 30):
        m = with_gamma(model(169, args.seed, max_units=max_units), 0.9)
        _, eps = least_core(m)
        add(
            "Least core, structured (constraint generation)",
            f"n=169, units={int(m.units.sum()):,}, γ=0.9",
            lambda m=m: least_core(m),
            f"ε = {eps:,.0f}",
        )
    m15 = with_gamma(model(15, args.seed), 0.9)
    fast = add("Least core, structured (constraint generation)", "n=15", lambda: least_core(m15))
    naive = add(
        "  baseline: one LP over all 2^15 coalitions", "n=15", lambda: least_core_enumerated(m15), repeat=1
    )
    rows[-1] = (*rows[-1][:3], f"ratio {naive / fast:,.0f}×")

    for n in (10, 12, 15):
        game = model(n, args.seed).to_explicit()
        fast = add("Nucleolus, explicit (constraint generation)", f"n={n}", lambda g=game: nucleolus(g))
        naive = add(
            "  baseline: every coalition in every LP",
            f"n={n}",
            lambda g=game: nucleolus_enumerated(g),
            repeat=1,
        )
        rows[-1] = (*rows[-1][:3], f"ratio {naive / fast:,.0f}×")

    for n in (20, 25):
        if n == 25 and args.skip_25:
            continue
        rng = np.random.default_rng(args.seed)
        game = ExplicitGame([f"P{i}" for i in range(n)], rng.uniform(1.0, 100.0, 1 << n), copy=False)
        add(
            "Nucleolus, explicit, random uniform costs",
            f"n={n}",
            lambda g=game: nucleolus(g),
            f"table {game.costs.nbytes / 2**20:,.0f} MiB",
            repeat=1 if n == 25 else None,
        )
        del game
        game = model(n, args.seed).to_explicit()
        add(
            "Nucleolus, explicit, table of a structured model",
            f"n={n}",
            lambda g=game: nucleolus(g),
            repeat=1 if n == 25 else None,
        )
        del game
    rows.append(("  peak memory of the process so far", "", (0.0, 0.0, 0.0), f"{peak_mb():,.0f} MB"))

    um = uncertain(169, args.seed)
    fast = add(
        "Monte Carlo savings, 10,000 draws", "n=169", lambda: simulate_savings(um, draws=10_000, seed=1)
    )
    naive = add(
        "  baseline: one draw at a time in Python", "n=169", lambda: naive_savings(um, 10_000, 1), repeat=1
    )
    rows[-1] = (*rows[-1][:3], f"ratio {naive / fast:,.0f}×")
    add("Tornado (8 input groups)", "n=169", lambda: tornado(um))
    likely = um.likely()
    standalone = um.standalone_likely()
    add(
        "Break-even (best group per size, exact)",
        f"n=169, units={int(likely.units.sum()):,}",
        lambda: break_even(likely, standalone),
    )
    small = uncertain(20, args.seed)
    m20, s20 = small.likely(), small.standalone_likely()
    fast = add("Break-even (exact)", "n=20", lambda: break_even(m20, s20))
    naive = add("  baseline: enumerate 2^20 groups", "n=20", lambda: brute_break_even(m20, s20), repeat=1)
    rows[-1] = (*rows[-1][:3], f"ratio {naive / fast:,.0f}×")

    print(f"`.venv/bin/python benchmarks/costing_engine.py --repeat {args.repeat} --seed {args.seed}`\n")
    print("| what | size | best wall | median wall | best CPU | note |")
    print("|---|---|---:|---:|---:|---|")
    for what, size, (best, median, cpu), note in rows:
        if best == median == 0.0:
            print(f"| {what} | {size} | | | | {note} |")
        else:
            print(
                f"| {what} | {size} | {best * 1000:,.0f} ms | {median * 1000:,.0f} ms | {cpu * 1000:,.0f} ms | {note} |"
            )


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def least_core_enumerated(game: StructuredModel) -> float:
    """Baseline: ε of the least core with every proper coalition in one LP."""
    n, costs = game.n, game.cost_table()
    masks = np.arange(1, (1 << n) - 1)
    a = ((masks[:, None] >> np.arange(n)) & 1).astype(float)
    res = linprog(
        np.r_[np.zeros(n), 1.0],
        A_ub=np.hstack([a, -np.ones((len(a), 1))]),
        b_ub=costs[masks],
        A_eq=np.r_[np.ones(n), 0.0][None, :],
        b_eq=[costs[-1]],
        bounds=[(None, None)] * (n + 1),
        method="highs",
    )
    return float(res.x[-1])


if __name__ == "__main__":
    main()
