"""Benchmark: matching typed terms to the service taxonomy (the pure matcher, no database).

Builds a Matcher over the standard catalogue (21 areas, their names, codes and synonyms) plus
`--extra` synthetic consortium synonyms, then matches `--terms` texts drawn as imports produce
them: a third exact synonyms in other casing and punctuation, a third with one typo, a third
unrelated phrases. Reports the build time and the per-term match time (median of `--repeat` runs),
and how the terms were decided.

Usage:

    .venv/bin/python benchmarks/taxonomy_matching.py --terms 10000 --extra 500 --repeat 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from interlocal.taxonomy.catalogue import CATALOGUE  # noqa: E402
from interlocal.taxonomy.matching import Candidate, Matcher  # noqa: E402

WORDS = [
    "snow",
    "cemetery",
    "senior",
    "van",
    "animal",
    "control",
    "library",
    "pool",
    "tree",
    "water",
    "meter",
]


def _typo(rng: random.Random, text: str) -> str:
    i = rng.randrange(len(text))
    return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--extra", type=int, default=500, help="synthetic consortium synonyms added")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(3)  # noqa: S311 - benchmark data, not secrets
    candidates = []
    for area in CATALOGUE:
        candidates.append(Candidate(area.name, area.code, "name"))
        candidates.append(Candidate(area.code, area.code, "code"))
        candidates.extend(Candidate(s, area.code) for s in area.synonyms)
    for i in range(args.extra):
        candidates.append(
            Candidate(f"{rng.choice(WORDS)} {rng.choice(WORDS)} system {i}", rng.choice(CATALOGUE).code)
        )
    synonyms = [s for area in CATALOGUE for s in area.synonyms]
    texts = []
    for i in range(args.terms):
        kind = i % 3
        if kind == 0:
            texts.append(rng.choice(synonyms).upper() + "!")
        elif kind == 1:
            texts.append(_typo(rng, rng.choice([s for s in synonyms if len(s) > 8])))
        else:
            texts.append(" ".join(rng.sample(WORDS, 3)))

    builds, runs = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        matcher = Matcher(candidates)
        builds.append(time.perf_counter() - start)
        start = time.perf_counter()
        results = [matcher.match(t) for t in texts]
        runs.append(time.perf_counter() - start)
    methods = Counter(str(r.method) for r in results)
    print(f"candidates: {len(candidates)}; terms: {len(texts)}")
    print(f"build matcher: median {statistics.median(builds) * 1000:.1f} ms")
    total = statistics.median(runs)
    print(f"match all: median {total:.2f} s = {total / len(texts) * 1e6:.0f} µs per term")
    print("decided: " + ", ".join(f"{m} {n}" for m, n in sorted(methods.items())))


if __name__ == "__main__":
    main()
