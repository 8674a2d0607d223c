"""Core data types shared by the cases, the transport, the checks, the engine and the reports.

A :class:`Case` is one request to send, labelled with the rule it exercises and the
answers that rule allows.  An :class:`Exchange` is that case as sent plus what came back.
A :class:`Failure` is an endpoint's deviation from a rule, with the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conformance.protocol.envelope import CREATE_SNAPSHOT_TARGET, JSON_CONTENT_TYPE

ANY_TYPE = "*"   # Outcome.error_type: any error type, or none at all


def _statuses_text(statuses: frozenset[int]) -> str:
    """'400', '400/403', '4xx' for a whole class, '400-450' for another run of statuses."""
    ordered = sorted(statuses)
    if len(ordered) > 4 and ordered[-1] - ordered[0] == len(ordered) - 1:
        if ordered[0] % 100 == 0 and ordered[-1] == ordered[0] + 99:
            return f"{ordered[0] // 100}xx"
        return f"{ordered[0]}-{ordered[-1]}"
    return "/".join(str(s) for s in ordered)


@dataclass(frozen=True)
class Outcome:
    """One acceptable answer: a status set and an error type (None = success)."""

    statuses: frozenset[int]
    error_type: str | None = None               # sanitised __type; None = success; ANY_TYPE = any
    error_codes: frozenset[str] | None = None   # allowed error.errorCode values; None = any/absent

    def describe(self) -> str:
        """In plain words: '400 ValidationException', '400 X(VolumeNotFound/GatewayNotFound)',
        '4xx (any error type)', '200 success'."""
        statuses = _statuses_text(self.statuses)
        if self.error_type is None:
            return f"{statuses} success"
        if self.error_type == ANY_TYPE:
            return f"{statuses} (any error type)"
        codes = f"({'/'.join(sorted(self.error_codes))})" if self.error_codes is not None else ""
        return f"{statuses} {self.error_type}{codes}"

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
    id: str = ""                     # assigned by the engine: "c0001", ...
    framing: str | None = None       # a row of conformance.suite.framing: sent over a raw socket


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


@dataclass(frozen=True)
class RawRequest:
    """A request written byte for byte (a framing case): the request line, every header field in
    order (a repeated one too) and what followed the header block."""

    line: str                                   # "POST / HTTP/1.1"
    fields: tuple[tuple[str, str], ...]
    payload: bytes
    half_closed: bool = False                   # the client shut its sending side after it
    lead: str = ""                              # written before the request line (empty lines)
    first: str = ""                             # a line as is, right after the request line

    @property
    def version(self) -> str:
        return self.line.rpartition(" ")[2]

    def joined(self) -> dict[str, str]:
        """The fields by name, a repeated one's values joined by ', ' (as a report shows them)."""
        shown: dict[str, str] = {}
        for name, value in self.fields:
            shown[name] = f"{shown[name]}, {value}" if name in shown else value
        return shown

    def wire(self) -> bytes:
        head = "".join(f"{name}: {value}\r\n" for name, value in self.fields)
        first = f"{self.first}\r\n" if self.first else ""
        return f"{self.lead}{self.line}\r\n{first}{head}\r\n".encode("latin-1") + self.payload


@dataclass
class SentRequest:
    """A request as it went on the wire, secrets already redacted."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    raw: RawRequest | None = None    # the exact bytes, when the case was framed by hand


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
