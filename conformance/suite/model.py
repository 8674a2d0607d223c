"""Core data types shared by strategies, transport, checks, runner and reports.

A :class:`Case` is one request to send, labelled with the rule it exercises and the
answers that rule allows.  An :class:`Exchange` is that case as sent plus what came back.
A :class:`Failure` is an endpoint's deviation from a rule, with the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conformance.protocol.envelope import CREATE_SNAPSHOT_TARGET, JSON_CONTENT_TYPE

ANY_TYPE = "*"   # Outcome.error_type: any error type, or none at all


@dataclass(frozen=True)
class Outcome:
    """One acceptable answer: a status set and an error type (None = success)."""

    statuses: frozenset[int]
    error_type: str | None = None               # sanitised __type; None = success; ANY_TYPE = any
    error_codes: frozenset[str] | None = None   # allowed error.errorCode values; None = any/absent

    @staticmethod
    def success() -> Outcome:
        return Outcome(frozenset({200}), None)

    @staticmethod
    def error(error_type: str, *statuses: int, codes: tuple[str, ...] | None = None) -> Outcome:
        return Outcome(frozenset(statuses or (400,)), error_type,
                       frozenset(codes) if codes is not None else None)


@dataclass(frozen=True)
class Case:
    """One request to send and what the rule it exercises allows in answer."""

    rule_id: str
    signature: str                   # stable label, independent of generated values (baseline key)
    params: Any = None               # the JSON value of the body (used when raw_body is None)
    raw_body: bytes | None = None    # exact bytes to send instead of json(params)
    method: str = "POST"
    target: str | None = CREATE_SNAPSHOT_TARGET   # None = omit the X-Amz-Target header
    content_type: str | None = JSON_CONTENT_TYPE
    signing: str = "sigv4"
    allowed: tuple[Outcome, ...] = ()
    disputed: str | None = None      # why several answers are acceptable, if they are
    creates: bool = False            # a success would create a (billable) snapshot
    id: str = ""                     # assigned by the runner: "c0001", ...


@dataclass
class Response:
    status: int
    headers: dict[str, str]          # lower-cased names
    body: bytes
    truncated: bool = False
    elapsed_s: float = 0.0

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        import json
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):   # not JSON, or nested too deep to judge (hostile)
            return None


@dataclass
class SentRequest:
    """A request as it went on the wire, secrets already redacted."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Exchange:
    case: Case
    request: SentRequest
    response: Response | None = None
    error: str | None = None         # transport error (timeout, reset, ...) when no response


@dataclass
class Failure:
    """An endpoint's deviation from a rule, with the evidence and why."""

    rule_id: str
    case_id: str
    reason: str
    exchange: Exchange | None = None
    extra: dict[str, Any] = field(default_factory=dict)
