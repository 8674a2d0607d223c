"""Benchmark: how long generate_cases takes per profile, and how many cases it yields.

Run from the repository root: ``python bench/bench_strategies.py [--repeat N]``.
Prints one line per profile (cases by area, seconds: first run in a fresh process
including the one-off alphabet tables, then the best of the repeats).
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance.strategies import PROFILES, generate_cases  # noqa: E402

ARN = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"


def timed(profile: str, seed: int) -> tuple[float, int, collections.Counter[str]]:
    start = time.perf_counter()
    cases = generate_cases(ARN, "us-east-2", profile, seed)
    elapsed = time.perf_counter() - start
    return elapsed, len(cases), collections.Counter(c.rule_id.split(".")[0] for c in cases)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for profile in PROFILES:
        first, count, areas = timed(profile, args.seed)
        repeats = 1 if profile == "thorough" else args.repeat
        best = min(timed(profile, args.seed)[0] for _ in range(repeats))
        by_area = ", ".join(f"{a} {n}" for a, n in sorted(areas.items()))
        print(f"{profile:9s} {count:5d} cases  first {first:6.2f} s  best {best:6.2f} s  ({by_area})")


if __name__ == "__main__":
    main()
