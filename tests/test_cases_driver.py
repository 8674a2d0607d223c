"""The driver: a seed and profile fix the list, profiles scale it, batches lose nothing, nothing twice."""

from __future__ import annotations

from typing import Any

import pytest
from cases_support import ARN, REGION, cases_for, fingerprint

from conformance.errors import UsageError
from conformance.suite.cases import generate_cases
from conformance.suite.cases.context import make_case, make_context
from conformance.suite.cases.driver import collect


def test_a_given_missing_volume_arn_is_used():
    missing = ARN.replace("vol-1122AABB", "vol-99999999")
    cases = generate_cases(ARN, REGION, "quick", 0, missing_volume_arn=missing)
    assert {c.params["VolumeARN"] for c in cases if c.signature == "VolumeARN/unknown-volume"} == {missing}



def test_the_same_seed_and_profile_give_the_same_cases():
    assert fingerprint(generate_cases(ARN, REGION, "ci", 0)) == fingerprint(cases_for(0))


def test_another_seed_gives_other_generated_cases_but_the_same_boundaries():
    a, b = cases_for(0), cases_for(1)
    assert fingerprint(a) != fingerprint(b)
    assert [c.signature for c in a if "/gen" not in c.signature] == \
           [c.signature for c in b if "/gen" not in c.signature]


def test_profiles_scale_the_number_of_cases():
    quick, ci = generate_cases(ARN, REGION, "quick", 0), cases_for(0)
    assert len(quick) < len(ci) and len(quick) < 400 and 500 <= len(ci) <= 900


def test_an_unknown_profile_is_a_usage_error():
    with pytest.raises(UsageError):
        generate_cases(ARN, REGION, "huge", 0)


def _numbered_cases(keep: Any) -> Any:
    from hypothesis import strategies as st
    ctx = make_context(ARN, REGION)
    return st.integers(0, 10**6).map(
        lambda i: make_case(ctx, "accept.valid-request", "valid/gen", params=ctx.body(f"d{i}"))
        if keep(i) else None)


def test_a_candidate_that_misses_is_dropped_without_losing_the_rest_of_its_batch():
    cases = collect(_numbered_cases(lambda i: i % 3 != 0), 40, "t/0", set())
    assert len(cases) == 40 and len({c.params["SnapshotDescription"] for c in cases}) == 40
    assert all(int(c.params["SnapshotDescription"][1:]) % 3 != 0 for c in cases)


def test_collecting_stops_when_no_new_case_turns_up():
    seen: set[Any] = set()
    assert collect(_numbered_cases(lambda i: False), 20, "t/1", seen) == []
    cases = collect(_numbered_cases(lambda i: i < 2), 20, "t/2", seen)
    assert {c.params["SnapshotDescription"] for c in cases} <= {"d0", "d1"}


def test_cases_already_seen_are_not_collected_again():
    seen: set[Any] = set()
    first = collect(_numbered_cases(lambda i: True), 10, "t/3", seen)
    again = collect(_numbered_cases(lambda i: True), 10, "t/3", seen)
    descriptions = {c.params["SnapshotDescription"] for c in first}
    assert first and not descriptions & {c.params["SnapshotDescription"] for c in again}


def test_without_a_seed_the_generated_cases_are_fresh_and_the_boundaries_the_same():
    a, b = generate_cases(ARN, REGION, "quick", None), generate_cases(ARN, REGION, "quick", None)
    assert [c.signature for c in a if "/gen" not in c.signature] == \
           [c.signature for c in b if "/gen" not in c.signature]
    assert fingerprint([c for c in a if "/gen" in c.signature]) != \
           fingerprint([c for c in b if "/gen" in c.signature])


# Hypothesis draws constants from the source of loaded local modules: a module full of them must
# change nothing (the CLI, the pytest plugin and a bench script load different modules).
def test_small_quotas_are_filled_by_seeded_draws_rather_than_hypothesis_simplest_example():
    def generated(seed: int) -> set[tuple[Any, ...]]:
        return set(fingerprint([c for c in cases_for(seed, "quick") if "/gen" in c.signature]))
    a, b = generated(0), generated(7)
    assert len(a) >= 20 and len(a & b) <= len(a) // 10
