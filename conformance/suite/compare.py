"""Differential comparison: two answers to the same case, normalised, compared and classed.

``sgw-conformance compare`` holds an endpoint against a recording of another (or against a second
endpoint live).  This module does the judging and nothing else (no sending, no printing):

* **mapping** (:class:`VolumeMap`): a recorded request names the recording's volume; it is sent
  with the target's volume instead (the ARN, and its parts where a case bent them);
* **normalising** (:func:`normalise`): what must differ between two runs is put aside: request
  ids and dates (not compared), SnapshotIds (replaced by their order of first appearance in the
  run, so a repeated id still shows), the volume ARN (a placeholder), error types sanitised as
  clients read them (:func:`conformance.protocol.envelope.sanitize_error_type`);
* **comparing** (:data:`ASPECTS`, a table): the status, the error type, ``error.errorCode``, the
  shape of a success, and the headers that matter; the message text is compared on its own and
  never decides anything;
* **classing** (:func:`classify`): identical; *allowed* when the rulebook accepts both answers
  (every MUST check holds on both: one of the case's allowed outcomes, a disputed point, or a
  conformant alternative such as an extra member); *different* otherwise.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from conformance.protocol.envelope import (
    ERROR_TYPE_HEADER,
    REQUEST_ID_HEADER,
    media_type,
    sanitize_error_type,
)
from conformance.suite.cases.arns import parse_arn
from conformance.suite.checks import HTTP_DATE, MUST, read_answer
from conformance.suite.model import Case, Exchange
from conformance.suite.scoreboard import Scoreboard
from conformance.suite.target import Target

IDENTICAL, ALLOWED, DIFFERENT, NOT_SENT = "identical", "allowed", "different", "not sent"
CLASSES = (IDENTICAL, ALLOWED, DIFFERENT, NOT_SENT)
VOLUME = "<volume-arn>"
# API_CreateSnapshot.md > Response Elements > SnapshotId: snap- and 8 or 17 hex digits.
SNAPSHOT_ID = re.compile(r"\Asnap-(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{17})\Z")
# Dates a message may quote: SigV4's basic format (docs/protocol.md > SigV4), ISO 8601, HTTP dates.
DATES = re.compile(r"\b\d{8}T\d{6}Z\b|\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"
                   r"|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\b")
DATE = "<date>"


# --- mapping the recorded volume onto the target's ------------------------------------------

def _recased(found: str, old: str, new: str) -> str:
    """``new`` in the letter case ``found`` shows ``old`` in (as is, lower or upper case)."""
    if found == old.lower() and found != old:
        return new.lower()
    if found == old.upper() and found != old:
        return new.upper()
    return new


@dataclass(frozen=True)
class VolumeMap:
    """Rewrites a recorded request for another volume: the whole ARN (in any letter case), then
    each part that differs (partition, region, account, gateway, volume id).

    A part is rewritten only where it keeps the value's length (the length-boundary cases are
    about their length: an ARN of 500 characters stays one); the whole ARN always is.
    """

    old: str
    new: str
    region: str = "us-east-2"

    def _parts(self) -> list[tuple[str, str]]:
        a, b = parse_arn(self.old, self.region), parse_arn(self.new, self.region)
        pairs = [(f"arn:{a.partition}:storagegateway:", f"arn:{b.partition}:storagegateway:"),
                 (f":storagegateway:{a.region}:", f":storagegateway:{b.region}:"),
                 (f":{a.account}:gateway/", f":{b.account}:gateway/"),
                 (f"gateway/{a.gateway}/", f"gateway/{b.gateway}/"),
                 (f"/volume/{a.volume}", f"/volume/{b.volume}")]
        return [(x, y) for x, y in pairs if x != y]

    def whole(self, value: str) -> str:
        """``value`` with the whole ARN mapped, in any letter case."""
        return re.sub(re.escape(self.old), lambda m: _recased(m.group(0), self.old, self.new), value,
                      flags=re.IGNORECASE)

    def text(self, value: str) -> str:
        if self.old == self.new or not value:
            return value
        mapped = self.whole(value)
        for before, after in self._parts():
            candidate = mapped.replace(before, after)
            if len(candidate) == len(mapped):
                mapped = candidate
        return mapped

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {self.text(k): self.value(v) for k, v in value.items()}
        return value

    def case(self, case: Case) -> Case:
        if self.old == self.new:
            return case
        raw = case.raw_body
        if raw is not None:
            # JSON text may write the ARN with escaped solidi (RFC 8259 > 7): mapped in that form too
            escaped = VolumeMap(self.old.replace("/", "\\/"), self.new.replace("/", "\\/"), self.region)
            try:
                raw = self.text(escaped.whole(raw.decode("utf-8"))).encode("utf-8")
            except UnicodeDecodeError:
                raw = raw.replace(self.old.encode(), self.new.encode())
        return replace(case, params=self.value(case.params), raw_body=raw)


# --- normalising an answer --------------------------------------------------------------------

@dataclass
class Normaliser:
    """One side's normalisation: its volume ARNs, and its SnapshotIds in order of appearance."""

    volume_arns: tuple[str, ...]
    snapshot_ids: dict[str, str] = field(default_factory=dict)

    def snapshot(self, value: str) -> str:
        if not SNAPSHOT_ID.match(value):
            return value                      # not a SnapshotId: compared as it is
        return self.snapshot_ids.setdefault(value, f"<snapshot-id #{len(self.snapshot_ids) + 1}>")

    def text(self, value: str) -> str:
        for arn in self.volume_arns:
            if arn:
                value = value.replace(arn, VOLUME)
        return value

    def body(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self.body(v, k) for k, v in sorted(value.items())}
        if isinstance(value, list):
            return [self.body(v) for v in value]
        if isinstance(value, str):
            return self.snapshot(value) if key == "SnapshotId" else self.text(value)
        return value


@dataclass(frozen=True)
class View:
    """An answer as compared: each aspect's normalised value, and the message apart."""

    aspects: dict[str, Any]
    message: str | None
    summary: str                 # the answer in a few words (for the reports)


def _header(exchange: Exchange, name: str) -> str | None:
    resp = exchange.response
    return None if resp is None else resp.headers.get(name.lower())


def _is_error(exchange: Exchange) -> bool:
    return exchange.response is not None and exchange.response.status >= 300


def _status(ex: Exchange, body: Any, norm: Normaliser) -> Any:
    return ex.response.status if ex.response is not None else "no answer"


def _error_type(ex: Exchange, body: Any, norm: Normaliser) -> Any:
    raw = body.get("__type") if isinstance(body, dict) else None
    return sanitize_error_type(raw) if isinstance(raw, str) else None


def _error_code(ex: Exchange, body: Any, norm: Normaliser) -> Any:
    err = body.get("error") if isinstance(body, dict) else None
    return err.get("errorCode") if isinstance(err, dict) else None


def _success_shape(ex: Exchange, body: Any, norm: Normaliser) -> Any:
    if _is_error(ex) or ex.response is None:
        return None
    if body is None and ex.response.body:
        return {"(not JSON)": len(ex.response.body)}
    return norm.body(body)


def _content_type(ex: Exchange, body: Any, norm: Normaliser) -> Any:
    return media_type(_header(ex, "content-type")) or None


def _error_type_header(ex: Exchange, body: Any, norm: Normaliser) -> Any:
    value = _header(ex, ERROR_TYPE_HEADER)
    return sanitize_error_type(value) if value else None


def _request_id(ex: Exchange, body: Any, norm: Normaliser) -> Any:
    if ex.response is None:
        return None
    return "present" if (_header(ex, REQUEST_ID_HEADER) or "").strip() else "absent"


def _date_form(ex: Exchange, body: Any, norm: Normaliser) -> Any:
    if ex.response is None:
        return None
    value = _header(ex, "date")
    if value is None:
        return "absent"
    return "HTTP-date" if HTTP_DATE.fullmatch(value) else "not an HTTP-date"


Extract = Callable[[Exchange, Any, Normaliser], Any]

# aspect -> (what is compared, why it matters); the order is the order of the reports.
ASPECTS: dict[str, tuple[Extract, str]] = {
    "status": (_status, "the HTTP status: botocore decides success or error on it"),
    "error type": (_error_type, "the body __type, sanitised (botocore > parsers: the error code)"),
    "errorCode": (_error_code, "error.errorCode of the modelled errors (API_CreateSnapshot.md > Errors)"),
    "success shape": (_success_shape, "the success body, SnapshotIds and the volume ARN normalised "
                                      "(API_CreateSnapshot.md > Response Elements)"),
    "content-type": (_content_type, "the media type (docs/protocol.md > The response)"),
    "x-amzn-errortype": (_error_type_header, "the error type header, sanitised (docs/protocol.md > Errors)"),
    "request id": (_request_id, "x-amzn-RequestId present (docs/protocol.md > The response); its "
                                "value differs on every answer and is not compared"),
    "date": (_date_form, "the Date header's form, an HTTP-date or not (docs/protocol.md > The response); "
                         "its value differs on every answer and is not compared"),
}


def _message(body: Any, norm: Normaliser) -> str | None:
    if not isinstance(body, dict):
        return None
    text = body.get("message", body.get("Message"))
    return DATES.sub(DATE, norm.text(text)) if isinstance(text, str) else None


def _summary(ex: Exchange, aspects: dict[str, Any]) -> str:
    if ex.response is None:
        return f"no answer ({ex.error or 'transport error'})"
    if aspects["status"] >= 300:
        code = f"({aspects['errorCode']})" if aspects["errorCode"] is not None else ""
        return f"{aspects['status']} {aspects['error type'] or '(no __type)'}{code}"
    return f"{aspects['status']} success"


def normalise(exchange: Exchange, norm: Normaliser) -> View:
    resp = exchange.response
    body = resp.json() if resp is not None and resp.body else None
    aspects = {name: extract(exchange, body, norm) for name, (extract, _why) in ASPECTS.items()}
    return View(aspects, _message(body, norm), _summary(exchange, aspects))


# --- judging and classing ---------------------------------------------------------------------

@dataclass(frozen=True)
class Verdicts:
    """What the rulebook says of one side's answers: the MUST and SHOULD rules each case broke."""

    must: dict[str, list[tuple[str, str]]]     # case id -> [(rule, reason)]
    should: dict[str, list[tuple[str, str]]]

    def accepted(self, case_id: str) -> bool:
        return not self.must.get(case_id)


def judge(exchanges: Iterable[Exchange]) -> Verdicts:
    """Every exchange through the suite's checks (case rule, cross-cutting, run-level), in order."""
    board = Scoreboard()
    must: dict[str, list[tuple[str, str]]] = {}
    should: dict[str, list[tuple[str, str]]] = {}
    for exchange in exchanges:
        for failure in board.record(exchange):
            severity = board.rules[failure.rule_id].severity
            (must if severity == MUST else should).setdefault(exchange.case.id, []).append(
                (failure.rule_id, failure.reason))
    return Verdicts(must, should)


@dataclass
class CaseComparison:
    case: Case
    klass: str
    differing: list[str]                  # aspects that differ
    reason: str
    left: View | None
    right: View | None
    left_exchange: Exchange | None
    right_exchange: Exchange | None
    message_differs: bool = False
    warnings: list[tuple[str, str]] = field(default_factory=list)   # SHOULD rules the right side broke
    broken: dict[str, list[str]] = field(default_factory=dict)      # side -> MUST rules its answer broke


def _allowed_reason(case: Case, left: Exchange, right: Exchange) -> str:
    a, b = read_answer(left), read_answer(right)
    if a.matched >= 0 and b.matched >= 0 and a.matched != b.matched:
        why = "both answers are among the case's allowed answers"
        return f"{why} (disputed: {case.disputed})" if case.disputed else why
    if case.disputed:
        return f"both answers accepted (disputed: {case.disputed})"
    return "both answers pass every MUST check (a conformant alternative)"


def _broken(verdict: list[tuple[str, str]]) -> str:
    return "; ".join(f"{rule}: {reason}" for rule, reason in verdict[:3])


def classify(case: Case, left: Exchange | None, right: Exchange | None, left_view: View | None,
             right_view: View | None, left_verdicts: Verdicts, right_verdicts: Verdicts,
             not_sent: str = "not sent") -> CaseComparison:
    """The class of one case: identical, allowed, different (or not sent to one side)."""
    if left is None or right is None or left_view is None or right_view is None:
        return CaseComparison(case, NOT_SENT, [], not_sent, left_view, None, left, None)
    differing = [name for name in ASPECTS if left_view.aspects[name] != right_view.aspects[name]]
    message_differs = left_view.message != right_view.message
    warnings = right_verdicts.should.get(case.id, [])
    if not differing:
        klass, reason = IDENTICAL, "the same answer"
    elif left_verdicts.accepted(case.id) and right_verdicts.accepted(case.id):
        klass, reason = ALLOWED, _allowed_reason(case, left, right)
    else:
        klass = DIFFERENT
        parts = []
        if not right_verdicts.accepted(case.id):
            parts.append(f"this answer breaks {_broken(right_verdicts.must[case.id])}")
        if not left_verdicts.accepted(case.id):
            parts.append(f"the recorded answer breaks {_broken(left_verdicts.must[case.id])}")
        reason = "; ".join(parts)
    broken = {"left": [rule for rule, _ in left_verdicts.must.get(case.id, [])],
              "right": [rule for rule, _ in right_verdicts.must.get(case.id, [])]}
    return CaseComparison(case, klass, differing, reason, left_view, right_view, left, right,
                          message_differs, warnings, broken)


@dataclass
class Parity:
    """Counts of each class, overall and per rule."""

    overall: Counter[str] = field(default_factory=Counter)
    per_rule: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, result: CaseComparison) -> None:
        self.overall[result.klass] += 1
        self.per_rule.setdefault(result.case.rule_id, Counter())[result.klass] += 1

    @staticmethod
    def percent(counts: Counter[str], klass: str) -> float:
        compared = sum(counts[k] for k in (IDENTICAL, ALLOWED, DIFFERENT))
        return round(100.0 * counts[klass] / compared, 1) if compared else 0.0


@dataclass
class Comparison:
    """The whole comparison: each case's class, the parity figures, the message differences."""

    results: list[CaseComparison]
    parity: Parity

    @property
    def exit_code(self) -> int:
        return 1 if self.parity.overall[DIFFERENT] else 0

    def of(self, klass: str) -> list[CaseComparison]:
        return [r for r in self.results if r.klass == klass]

    @property
    def message_differences(self) -> list[CaseComparison]:
        return [r for r in self.results if r.message_differs and r.klass != NOT_SENT]


Pair = tuple[Case, "Exchange | None", "Exchange | None"]


def compare(pairs: Sequence[Pair], left_volumes: tuple[str, ...], right_volumes: tuple[str, ...],
            not_sent: dict[str, str] | None = None) -> Comparison:
    """Compare each case's two answers (None: the case was not sent to that side).

    ``pairs`` come in the order of the recording; both sides are normalised and judged in it.
    """
    left_norm, right_norm = Normaliser(left_volumes), Normaliser(right_volumes)
    left_verdicts = judge(left for _case, left, _right in pairs if left is not None)
    right_verdicts = judge(right for _case, _left, right in pairs if right is not None)
    parity = Parity()
    results = []
    for case, left, right in pairs:
        left_view = normalise(left, left_norm) if left is not None else None
        right_view = normalise(right, right_norm) if right is not None else None
        result = classify(case, left, right, left_view, right_view, left_verdicts, right_verdicts,
                          (not_sent or {}).get(case.id, "not sent"))
        parity.add(result)
        results.append(result)
    return Comparison(results, parity)


# --- the two sides of a comparison ----------------------------------------------------------------

@dataclass
class Side:
    """One endpoint of the comparison, as it was reached."""

    label: str
    endpoint: str
    region: str
    volume_arn: str
    embedded: bool = False
    faults: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()

    @staticmethod
    def of(label: str, target: Target, volume_arn: str) -> Side:
        facts = target.embedded
        return Side(label, target.url, target.region, volume_arn, facts is not None,
                    facts.faults if facts else (), facts.variants if facts else ())


@dataclass
class CompareRun:
    """What one ``compare`` found: both sides, the classes, and where the recording came from."""

    left: Side
    right: Side
    comparison: Comparison
    recording: dict[str, Any] | None
    started_at: datetime
    duration_s: float



def shown(value: Any) -> str:
    """An aspect's value in a few characters (the reports)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 200 else text[:197] + "..."
