"""Benchmark: how long generate_cases takes per profile, and how many cases it yields.

Run from the repository root: ``python bench/bench_strategies.py [--repeat N] [--kinds]``.
Prints the one-off cost of a process (importing, building the Unicode alphabet tables), then
one line per profile: cases by area, the first run (Hypothesis warming up) and the best of the
repeats, in wall-clock and CPU seconds (CPU time is steadier on a shared machine).  ``--kinds``
adds the ci profile's cost per kind of generated case.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

T0 = time.perf_counter()
from conformance.suite.cases import context, driver, generated, limits, text  # noqa: E402
from conformance.suite.cases.profiles import PROFILES  # noqa: E402

ARN = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
REGION = "us-east-2"


def timed(profile: str, seed: int) -> tuple[float, float, int, collections.Counter[str]]:
    wall, cpu = time.perf_counter(), time.process_time()
    cases = driver.generate_cases(ARN, REGION, profile, seed)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, len(cases), collections.Counter(c.rule_id.split(".")[0] for c in cases)


def one_off() -> None:
    imported = time.perf_counter()
    lim = limits.limits()
    text.tag_alphabets(lim.key.pattern or "")
    text.tag_alphabets(lim.value.pattern or "")
    text.description_alphabet()
    tables = time.perf_counter() - imported
    print(f"per process: import {imported - T0:.2f} s, alphabet tables {tables:.2f} s")


def by_kind(seed: int, repeat: int) -> None:
    ctx = context.make_context(ARN, REGION)
    total = 0.0
    for kind, (weight, strategy) in generated.generated_kinds(ctx).items():
        best = min(_collect_cpu(strategy, weight, f"{seed + r}/{kind}") for r in range(repeat))
        total += best
        print(f"  {kind:30s} {weight:4d} cases {best * 1000:6.1f} ms cpu  {best / weight * 1e6:5.0f} us/case")
    print(f"  {'all generated kinds':30s}           {total * 1000:6.1f} ms cpu")


def _collect_cpu(strategy: object, n: int, seed: str) -> float:
    cpu = time.process_time()
    driver.collect(strategy, n, seed, set())  # type: ignore[arg-type]
    return time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kinds", action="store_true", help="the ci profile's cost per kind of case")
    args = parser.parse_args()
    one_off()
    for profile in PROFILES:
        first_wall, first_cpu, count, areas = timed(profile, args.seed)
        runs = 1 if profile == "thorough" else args.repeat
        repeats = [timed(profile, args.seed + 1 + r) for r in range(runs)]
        best_wall, best_cpu = min(r[0] for r in repeats), min(r[1] for r in repeats)
        by_area = ", ".join(f"{a} {n}" for a, n in sorted(areas.items()))
        print(f"{profile:9s} {count:5d} cases  first {first_wall:5.2f} s ({first_cpu:5.2f} cpu)  "
              f"best {best_wall:5.2f} s ({best_cpu:5.2f} cpu)  ({by_area})")
    if args.kinds:
        by_kind(args.seed, args.repeat)


if __name__ == "__main__":
    main()
