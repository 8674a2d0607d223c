"""Running the strategies: collecting cases from Hypothesis, and :func:`generate_cases`.

Pure generation: no example database, no shrinking or replay, no deadline, no health checks,
every setting explicit (a profile the calling program loaded must not leak in), drawn with the
backend of :mod:`conformance.suite.cases.backend`.  The same seed and profile give the same
list.  One Hypothesis example is a batch of cases, so the engine's per-example cost is shared;
``bench/bench_strategies.py`` prints the figures.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from conformance.errors import UsageError
from conformance.protocol.envelope import serialise
from conformance.suite.cases.backend import backend_settings
from conformance.suite.cases.boundary import boundary_cases
from conformance.suite.cases.context import make_context
from conformance.suite.cases.generated import generated_kinds
from conformance.suite.cases.http_framing import framing_cases
from conformance.suite.cases.profiles import PROFILES
from conformance.suite.model import Case

# A run asks for at most ten examples (with Hypothesis' default provider, from the eleventh on
# the generate phase also mutates and re-runs earlier examples, which costs more than it adds
# here), each a batch of up to _BATCH cases.  Measured on the ci profile: one case per example,
# 0.29 s; batches, 0.20 s.
_RUN_EXAMPLES = 10
_BATCH = 12

_GENERATE_ONLY = settings(database=None, phases=[Phase.generate], deadline=None, derandomize=False,
                          suppress_health_check=list(HealthCheck), print_blob=False,
                          verbosity=Verbosity.quiet, max_examples=_RUN_EXAMPLES, **backend_settings())

Key = tuple[Any, ...]


def _run(strategy: st.SearchStrategy[Any], examples: int, seed: str | None) -> list[Any]:
    """The examples of one Hypothesis run (the same seed: the same list)."""
    out: list[Any] = []

    @settings(_GENERATE_ONLY, max_examples=examples)
    @given(strategy)
    def draw(example: Any) -> None:
        out.append(example)

    if seed is not None:
        draw = hypothesis_seed(seed)(draw)
    draw()
    return out


def collect(strategy: st.SearchStrategy[Case | None], n: int, seed: str | None, seen: set[Key]) -> list[Case]:
    """Up to ``n`` cases of ``strategy`` not in ``seen`` (added to it), run after run.

    The runs go on until ``n`` new cases are found or a run finds none; run ``i`` is seeded
    ``f"{seed}/{i}"``.  A run's first example is Hypothesis' simplest, the same whatever the
    seed: it is taken last, so that a small quota (the quick profile) is filled by seeded draws.
    """
    batch = min(_BATCH, -(-n // (_RUN_EXAMPLES - 2)))
    batches = st.lists(strategy, min_size=batch, max_size=batch)
    out: list[Case] = []
    for run in itertools.count():
        found = len(out)
        examples = _run(batches, min(_RUN_EXAMPLES, -(-(n - found) // batch) + 2),
                        None if seed is None else f"{seed}/{run}")
        for cases in examples[1:] + examples[:1]:
            out += _unseen((c for c in cases if c is not None), seen, n - len(out))
        if len(out) >= n or len(out) == found:
            break
    return out


def _key(case: Case) -> Key:
    body = case.raw_body if case.raw_body is not None else serialise(case.params)
    return (case.rule_id, case.signing, case.method, case.target, case.content_type, body, case.framing)


def _unseen(cases: Iterable[Case], seen: set[Key], limit: int | None = None) -> list[Case]:
    """Up to ``limit`` cases whose key is not in ``seen`` yet, each once (their keys are added)."""
    out: list[Case] = []
    for case in cases:
        if limit is not None and len(out) >= limit:
            break
        key = _key(case)
        if key not in seen:
            seen.add(key)
            out.append(case)
    return out


def generate_cases(volume_arn: str, region: str, profile: str = "ci", seed: int | None = 0,
                   missing_volume_arn: str | None = None) -> list[Case]:
    """Boundary cases, generated ones, then the HTTP framing cases; the same seed and profile give
    the same list.

    ``seed=None`` draws fresh random cases.  ``missing_volume_arn`` is a well-formed ARN of a
    volume known not to exist (default: :func:`conformance.suite.cases.arns.missing_volume_arn`).
    """
    if profile not in PROFILES:
        raise UsageError(f"unknown profile {profile!r} (choose from {', '.join(PROFILES)})")
    ctx = make_context(volume_arn, region, missing_volume_arn)
    seen: set[Key] = set()
    cases = _unseen(boundary_cases(ctx), seen)
    factor = PROFILES[profile]
    for kind, (weight, strategy) in generated_kinds(ctx).items():
        kind_seed = None if seed is None else f"{seed}/{kind}"
        cases += collect(strategy, max(1, round(weight * factor)), kind_seed, seen)
    return cases + _unseen(framing_cases(ctx, profile), seen)   # last: the other cases' ids stay
