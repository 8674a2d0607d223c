"""A case as data (JSON): what report.json keeps of a failing case for replay, and the case cache holds."""

from __future__ import annotations

import base64
from typing import Any

from conformance.suite.model import Case, Outcome


def outcome_to_spec(outcome: Outcome) -> dict[str, Any]:
    return {"statuses": sorted(outcome.statuses), "error_type": outcome.error_type,
            "error_codes": sorted(outcome.error_codes) if outcome.error_codes is not None else None}


def outcome_from_spec(spec: dict[str, Any]) -> Outcome:
    codes = spec.get("error_codes")
    return Outcome(frozenset(spec["statuses"]), spec.get("error_type"),
                   frozenset(codes) if codes is not None else None)


def case_to_spec(case: Case) -> dict[str, Any]:
    """Everything needed to send the case again (its body exactly, when it was raw bytes)."""
    return {
        "id": case.id, "rule_id": case.rule_id, "signature": case.signature,
        "params": case.params,
        "raw_body_b64": base64.b64encode(case.raw_body).decode() if case.raw_body is not None else None,
        "method": case.method, "target": case.target, "content_type": case.content_type,
        "signing": case.signing, "creates": case.creates, "disputed": case.disputed,
        "allowed": [outcome_to_spec(o) for o in case.allowed],
        **({"framing": case.framing} if case.framing is not None else {}),
    }


def case_from_spec(spec: dict[str, Any]) -> Case:
    """The case :func:`case_to_spec` recorded (KeyError or ValueError when the spec is damaged)."""
    raw = spec.get("raw_body_b64")
    return Case(rule_id=spec["rule_id"], signature=spec["signature"], params=spec.get("params"),
                raw_body=base64.b64decode(raw) if raw is not None else None,
                method=spec.get("method", "POST"), target=spec.get("target"),
                content_type=spec.get("content_type"), signing=spec.get("signing", "sigv4"),
                allowed=tuple(outcome_from_spec(o) for o in spec.get("allowed", ())),
                disputed=spec.get("disputed"), creates=bool(spec.get("creates")), id=spec.get("id", ""),
                framing=spec.get("framing"))
