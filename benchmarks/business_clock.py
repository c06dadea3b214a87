"""Time the business clock: add_business_time and business_seconds_between over random pairs.

    .venv/bin/python benchmarks/business_clock.py [N]

N (default 100,000) random (start, duration) pairs on a Connecticut office calendar
(Mon-Fri 08:00-17:00 America/New_York, US/CT holidays 2026-2036): a third within a week,
a third within a year, a third up to five years.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time

import holidays

from interlocal.servicedesk.clock import Calendar, add_business_time, business_seconds_between


def main(n: int) -> None:
    rng = random.Random(14)
    days = holidays.country_holidays("US", subdiv="CT", years=range(2026, 2037))
    cal = Calendar("America/New_York", {d: [("08:00", "17:00")] for d in range(5)}, days)
    low = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    starts = [low + dt.timedelta(seconds=rng.randrange(5 * 365 * 86_400)) for _ in range(n)]
    limits = (5 * 45 * 3600, 250 * 45 * 3600 // 5, 5 * 250 * 9 * 3600)
    durations = [rng.randrange(limits[i % 3]) for i in range(n)]
    timings: dict[str, list[float]] = {"add_business_time": [], "business_seconds_between": []}
    ends = []
    t0 = time.perf_counter()
    for start, seconds in zip(starts, durations, strict=True):
        t = time.perf_counter()
        ends.append(add_business_time(cal, start, seconds))
        timings["add_business_time"].append(time.perf_counter() - t)
    t1 = time.perf_counter()
    for start, end, seconds in zip(starts, ends, durations, strict=True):
        t = time.perf_counter()
        got = business_seconds_between(cal, start, end)
        timings["business_seconds_between"].append(time.perf_counter() - t)
        if got != seconds:
            raise SystemExit(f"round trip failed: {start} + {seconds}s = {end}, back {got}")
    t2 = time.perf_counter()
    print(f"{n:,} pairs; total add {t1 - t0:.2f} s, between {t2 - t1:.2f} s; round trip exact")
    for name, values in timings.items():
        q = statistics.quantiles(values, n=100)
        print(
            f"{name}: mean {statistics.fmean(values) * 1e6:.1f} µs, p50 {q[49] * 1e6:.1f} µs, "
            f"p99 {q[98] * 1e6:.1f} µs, max {max(values) * 1e6:.1f} µs"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
