"""Shared by the tests of conformance.suite.cases: the target, the cases of a seed, and views of them."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from conformance.suite.cases import generate_cases
from conformance.suite.cases.limits import StringLimits, limits
from conformance.suite.model import Case

ARN = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
REGION = "us-east-2"
SEEDS = (0, 1)


@lru_cache(maxsize=8)
def cases_for(seed: int, profile: str = "ci") -> tuple[Case, ...]:
    return tuple(generate_cases(ARN, REGION, profile, seed))


def all_cases() -> list[Case]:
    return [c for s in SEEDS for c in cases_for(s)]


def body_of(case: Case) -> Any:
    return json.loads(case.raw_body) if case.raw_body is not None else case.params


def strings_with_limits(params: Any) -> list[tuple[str, StringLimits]]:
    """Every constrained string in a body with its limits."""
    lim = limits()
    out: list[tuple[str, StringLimits]] = []
    if not isinstance(params, dict):
        return out
    for name, sl in (("VolumeARN", lim.arn), ("SnapshotDescription", lim.description)):
        if isinstance(params.get(name), str):
            out.append((params[name], sl))
    tags = params.get("Tags")
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, dict):
            for name, sl in (("Key", lim.key), ("Value", lim.value)):
                if isinstance(tag.get(name), str):
                    out.append((tag[name], sl))
    return out


def must_cases() -> list[Case]:
    return [c for c in all_cases() if c.disputed is None]


def fingerprint(cases: list[Case] | tuple[Case, ...]) -> list[tuple[Any, ...]]:
    return [(c.rule_id, c.signature, json.dumps(c.params, sort_keys=True), c.raw_body, c.method, c.target,
             c.content_type, c.signing) for c in cases]

