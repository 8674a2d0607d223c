"""The rulebook as a run uses it: the rules of :mod:`conformance.suite.rules` merged with the
disputed points that the botocore comparison records (``schemas/disputed.json``).

Loading is explicit and happens once (:func:`load`); nothing is read at import time.  A
record names the rule it concerns; a record of a contradiction (``disputed``) confirms or
extends a built-in disputed point.  A record of the model's silence (a constraint it leaves
out) loosens nothing: silence is not a dispute, so the reference page's limit holds
(docs/protocol.md > Disputed points).  :func:`build` does the same from given records (tests,
other files).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from conformance.spec.botocore_compare import load_disputes
from conformance.suite.rules import (
    CASE_DISPUTES,
    DISPUTES,
    RECORD_POINTS,
    RULE_ROWS,
    SEVERITIES,
    Rule,
)

Record = dict[str, Any]


def _point_of(record: Record) -> str:
    return RECORD_POINTS.get(str(record.get("rule")), f"botocore:{record.get('id')}")


def _reasons(records: tuple[Record, ...]) -> dict[str, str]:
    """Dispute point -> reason: the built-ins, each confirmed or extended by the comparison's records."""
    reasons = dict(DISPUTES)
    for record in records:
        point = _point_of(record)
        base = reasons.get(point) or str(record.get("suite_accepts")
                                         or "the reference page and the botocore model disagree")
        reasons[point] = f"{base} [schemas/disputed.json: {record.get('id')}]"
    return reasons


def is_dispute(record: Record) -> bool:
    """Whether a comparison record is a contradiction (a record without the flag counts as one)."""
    return record.get("disputed", True) is not False


def _rules(reasons: dict[str, str]) -> dict[str, Rule]:
    registry: dict[str, Rule] = {}
    for rid, statement, source, severity, allowed, point in RULE_ROWS:
        assert rid not in registry and severity in SEVERITIES, rid
        registry[rid] = Rule(rid, rid.split(".", 1)[0], statement, source, severity, allowed,
                             reasons[point] if point else None)
    return registry


@dataclass(frozen=True)
class Rulebook:
    """The rules by id, and why each disputed point accepts several answers."""

    rules: dict[str, Rule]
    reasons: dict[str, str]            # disputed point -> why every listed answer is conformant
    records: tuple[Record, ...]        # the botocore comparison's records of contradictions

    def dispute(self, point: str) -> str:
        """The reason text of a disputed point (KeyError names an unknown point)."""
        return self.reasons[point]

    def alternative_patterns(self) -> dict[str, str]:
        """Request member ("VolumeARN", "Tag.Key", ...) -> the botocore model's other pattern for it."""
        out = {}
        for r in self.records:
            if r.get("keyword") == "pattern" and isinstance(r.get("botocore"), str) \
                    and r.get("schema") in ("CreateSnapshotRequest", "Tag"):
                member = str(r.get("member"))
                out[member if r["schema"] == "CreateSnapshotRequest" else f"Tag.{member}"] = r["botocore"]
        return out

    def response_patterns(self) -> dict[str, str]:
        """Response member -> the botocore model's other pattern for it."""
        return {str(r["member"]): r["botocore"] for r in self.records
                if r.get("schema") == "CreateSnapshotResponse" and r.get("keyword") == "pattern"
                and isinstance(r.get("botocore"), str)}

    def dispute_points(self) -> dict[str, tuple[tuple[str, ...], str]]:
        """Every disputed point: the rules it concerns (single cases, whole rules, comparison
        records) and why every listed answer is conformant there."""
        users: dict[str, list[str]] = {p: list(CASE_DISPUTES.get(p, ())) for p in self.reasons}
        pairs = [(rid, point) for rid, *_rest, point in RULE_ROWS if point]
        pairs += [(str(r.get("rule")), _point_of(r)) for r in self.records]
        for rid, point in pairs:
            if rid not in users[point]:
                users[point].append(rid)
        return {point: (tuple(users[point]), reason) for point, reason in self.reasons.items()}


def build(records: list[Record] | tuple[Record, ...] = ()) -> Rulebook:
    """The rulebook merged with these comparison records (none: the built-in knowledge alone)."""
    kept = tuple(r for r in records if isinstance(r, dict) and is_dispute(r))
    reasons = _reasons(kept)
    return Rulebook(_rules(reasons), reasons, kept)


@lru_cache(maxsize=1)
def load() -> Rulebook:
    """The rulebook with the project's ``schemas/disputed.json`` (read once per process)."""
    return build(load_disputes())
