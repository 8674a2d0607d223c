"""Checks: how an endpoint's answer is judged, rule by rule.

Every exchange (a case as sent, and what came back) goes through the case's own rule (its
status, sanitised ``__type`` and ``error.errorCode`` against ``case.allowed``) and then through
the cross-cutting checks of :data:`EXCHANGE_CHECKS`, a registry keyed by rule id.  Run-level
rules (:data:`RUN_CHECKS`) see every exchange too and keep state across the run.  A
:class:`Scoreboard` collects the results into a status per rule: pass, fail (a MUST rule
broken), warn (a SHOULD rule broken), disputed (only answers the sources disagree on were
seen, all of them accepted) or untested.

Checks are cheap: the response body is parsed once per exchange (:class:`Answer`), and the
JSON Schema validator only runs on successful CreateSnapshot answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from conformance.protocol.envelope import (
    ERROR_TYPE_HEADER,
    JSON_CONTENT_TYPE,
    REQUEST_ID_HEADER,
    media_type,
    sanitize_error_type,
)
from conformance.spec import javaregex, schemas
from conformance.suite import framing, rulebook
from conformance.suite.model import ANY_TYPE, Case, Exchange, Outcome

# --- facts the checks rely on (with their sources) -------------------------------------

_ERROR_SCHEMA = schemas.load("StorageGatewayErrorBody")
# The three errors the reference page models with an error.errorCode (API_CreateSnapshot.md > Errors).
MODELLED_ERRORS: frozenset[str] = frozenset(_ERROR_SCHEMA["x-errors"])
# botocore model > ErrorCode, as committed in schemas/StorageGatewayErrorBody.schema.json.
ERROR_CODES: frozenset[str] = frozenset(
    _ERROR_SCHEMA["properties"]["error"]["properties"]["errorCode"]["enum"])
# docs/protocol.md > The response: answers in awsJson1_1's media type (parameters tolerated), with
# x-amzn-RequestId (protocol.envelope holds the names).
SUCCESS_REQUIRED = ("SnapshotId", "VolumeARN")   # API_CreateSnapshot.md > Response Elements

MUST, SHOULD = "MUST", "SHOULD"
# RFC 9110 > 5.6.7: the three forms of an HTTP-date a recipient must read (IMF-fixdate, RFC 850's,
# asctime's); a sender generates the first.
_DAY, _MONTH = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)", "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_CLOCK = "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)"
HTTP_DATE = re.compile(
    rf"{_DAY}, (0[1-9]|[12][0-9]|3[01]) {_MONTH} [0-9]{{4}} {_CLOCK} GMT"
    rf"|(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (0[1-9]|[12][0-9]|3[01])-{_MONTH}-[0-9]{{2}} {_CLOCK} GMT"
    rf"|{_DAY} {_MONTH} ( [1-9]|[12][0-9]|3[01]) {_CLOCK} [0-9]{{4}}")


# --- one answer, parsed once ---------------------------------------------------------------

@dataclass
class Answer:
    """What came back for one exchange, parsed once for every check."""

    status: int | None                 # None: no HTTP answer at all
    body: Any = None                   # parsed JSON body, or None
    raw_type: str | None = None        # body __type as sent
    type: str | None = None            # body __type, sanitised
    header_type: str | None = None     # X-Amzn-ErrorType, sanitised
    error_code: Any = None             # body error.errorCode (any JSON value), None if absent
    matched: int = -1                  # index of the case's allowed outcome this answer matched

    @property
    def is_error(self) -> bool:
        return self.status is not None and self.status >= 300

    @property
    def is_success(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def read_answer(exchange: Exchange) -> Answer:
    resp = exchange.response
    if resp is None:
        return Answer(None)
    body = resp.json() if resp.body else None
    ans = Answer(resp.status, body)
    if isinstance(body, dict):
        raw = body.get("__type")
        if isinstance(raw, str) and raw:
            ans.raw_type, ans.type = raw, sanitize_error_type(raw)
        err = body.get("error")
        if isinstance(err, dict):
            ans.error_code = err.get("errorCode")
    header = resp.headers.get(ERROR_TYPE_HEADER.lower())
    if header:
        ans.header_type = sanitize_error_type(header)
    ans.matched = match_outcome(exchange.case.allowed, ans)
    return ans


def outcome_matches(outcome: Outcome, ans: Answer) -> bool:
    if ans.status not in outcome.statuses:
        return False
    if outcome.error_type is None or outcome.error_type == ANY_TYPE:
        return True
    if ans.type != outcome.error_type:
        return False
    return outcome.error_codes is None or ans.error_code in outcome.error_codes


def match_outcome(allowed: Iterable[Outcome], ans: Answer) -> int:
    """Index of the first allowed outcome the answer matches, -1 if none."""
    for i, outcome in enumerate(allowed):
        if outcome_matches(outcome, ans):
            return i
    return -1


# --- plain-words descriptions --------------------------------------------------------------

def describe_allowed(allowed: Iterable[Outcome]) -> str:
    return " or ".join(o.describe() for o in allowed) or "(nothing)"


def _short(value: Any, limit: int = 100) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_answer(exchange: Exchange, ans: Answer) -> str:
    """The answer in a few words: '200 with SnapshotId snap-1a2b3c4d', '400 ValidationException'."""
    if ans.status is None:
        return f"no answer ({exchange.error or 'unknown transport error'})"
    resp = exchange.response
    assert resp is not None
    if ans.is_success:
        if isinstance(ans.body, dict) and "SnapshotId" in ans.body:
            return f"{ans.status} with SnapshotId {_short(ans.body['SnapshotId'], 40)}"
        return f"{ans.status} with body {_short(resp.body.decode('utf-8', 'replace'), 60)}"
    if ans.type is None:
        text = _short(resp.body.decode("utf-8", "replace"), 60)
        return f"{ans.status} without a body __type (body: {text})"
    code = f"({_short(ans.error_code, 40)})" if ans.error_code is not None else ""
    body = ans.body if isinstance(ans.body, dict) else {}
    message = body.get("message", body.get("Message"))
    tail = f": {_short(message, 80)}" if isinstance(message, str) and message else ""
    return f"{ans.status} {ans.type}{code}{tail}"


def answer_label(ans: Answer) -> str:
    """A short, countable label of an answer (for 'answers seen')."""
    if ans.status is None:
        return "no answer"
    if ans.is_success:
        return f"{ans.status} success"
    code = f"({_short(ans.error_code, 40)})" if ans.error_code is not None else ""
    return f"{ans.status} {ans.type or '(no __type)'}{code}"


# --- the case's own rule -----------------------------------------------------------------

def check_case_rule(exchange: Exchange, ans: Answer) -> str | None:
    """The case's rule: the answer must be one of ``case.allowed``."""
    if ans.status is None or ans.matched >= 0:
        return None
    return f"expected {describe_allowed(exchange.case.allowed)}; got {describe_answer(exchange, ans)}"


# --- cross-cutting per-exchange checks ------------------------------------------------------
# Each entry: rule id -> (applies(exchange, answer), check(exchange, answer) -> reason or None).

Applies = Callable[[Exchange, Answer], bool]
Check = Callable[[Exchange, Answer], "str | None"]


def _always(exchange: Exchange, ans: Answer) -> bool:
    return True


def _answered(exchange: Exchange, ans: Answer) -> bool:
    return ans.status is not None


def _answered_or_unframed(exchange: Exchange, ans: Answer) -> bool:
    """transport.answered: a framing case left unanswered is its own rule's to judge."""
    return exchange.case.framing is None or exchange.response is not None


def _unanswered_framing(rule_id: str) -> Applies:
    def applies(exchange: Exchange, ans: Answer) -> bool:
        return exchange.response is None and exchange.case.framing is not None \
            and exchange.case.rule_id == rule_id
    return applies


def check_framing_unanswered(exchange: Exchange, ans: Answer) -> str | None:
    return framing.unanswered(exchange)


def _typed_error_expected(exchange: Exchange, ans: Answer) -> bool:
    """An error answer the case does not explicitly allow to be untyped (ANY_TYPE)."""
    if not ans.is_error:
        return False
    if ans.matched >= 0 and exchange.case.allowed[ans.matched].error_type == ANY_TYPE:
        return False
    return True


def _error_with_type(exchange: Exchange, ans: Answer) -> bool:
    return ans.is_error and ans.type is not None


def _error_with_type_header(exchange: Exchange, ans: Answer) -> bool:
    return ans.is_error and ans.type is not None and ans.header_type is not None


def _success(exchange: Exchange, ans: Answer) -> bool:
    return ans.is_success


def _json_answer(exchange: Exchange, ans: Answer) -> bool:
    return ans.is_success or (ans.is_error and isinstance(ans.body, dict))


def check_answered(exchange: Exchange, ans: Answer) -> str | None:
    if exchange.response is None:
        return f"no complete HTTP answer: {exchange.error or 'unknown transport error'}"
    if exchange.response.truncated:
        if exchange.error:
            return f"the answer is not complete: {exchange.error}"
        return (f"the response body was cut off after {len(exchange.response.body)} bytes "
                "(larger than the read cap, or never ended)")
    return None


def check_no_5xx(exchange: Exchange, ans: Answer) -> str | None:
    # one the case allows is no deviation (505 for an HTTP version not spoken: RFC 9110 > 15.6.6)
    if ans.status is not None and ans.status >= 500 and ans.matched < 0:
        return f"HTTP {ans.status} for a client request: {describe_answer(exchange, ans)}"
    return None


def check_error_type(exchange: Exchange, ans: Answer) -> str | None:
    if ans.type is not None:
        return None
    if not isinstance(ans.body, dict):
        return f"error answer {ans.status} has no JSON object body, so no __type (botocore reads it there)"
    raw = ans.body.get("__type")
    if raw is None:
        hint = f" (only the X-Amzn-ErrorType header: {ans.header_type})" if ans.header_type else ""
        return f"error answer {ans.status} has no __type in its body{hint}"
    return f"error answer {ans.status} has a __type that is not a non-empty string: {_short(raw, 60)}"


def check_error_type_header(exchange: Exchange, ans: Answer) -> str | None:
    if ans.header_type == ans.type:
        return None
    return (f"X-Amzn-ErrorType header says {_short(ans.header_type, 60)} but the body __type says "
            f"{ans.type}")


def check_error_shape(exchange: Exchange, ans: Answer) -> str | None:
    body = ans.body
    assert isinstance(body, dict)
    for name in ("message", "Message"):   # null is an absent member (Smithy; DynamoDB Local sends it)
        if body.get(name) is not None and not isinstance(body[name], str):
            return f"{ans.type}: {name} is not a string ({_short(body[name], 60)})"
    if ans.type not in MODELLED_ERRORS:
        return None
    err = body.get("error")
    if not isinstance(err, dict):
        return f"{ans.type} carries no error object with an errorCode"
    if ans.error_code not in ERROR_CODES:
        shown = "no errorCode" if ans.error_code is None else f"errorCode {_short(ans.error_code, 60)}"
        return f"{ans.type} carries {shown}, which is not in the StorageGatewayError ErrorCode enum"
    details = err.get("errorDetails")
    if details is not None and not (isinstance(details, dict)
                                    and all(isinstance(v, str) for v in details.values())):
        return f"{ans.type}: error.errorDetails is not a map of strings ({_short(details, 60)})"
    return None


def check_success_schema(exchange: Exchange, ans: Answer) -> str | None:
    body = ans.body
    if not isinstance(body, dict):
        return f"{ans.status} answer whose body is not a JSON object"
    missing = [name for name in SUCCESS_REQUIRED if name not in body]
    if missing:
        return f"{ans.status} answer without {' and '.join(missing)}"
    problems = [e for e in schemas.errors("CreateSnapshotResponse", body) if not _alternative_allows(e)]
    if problems:
        return "the success body breaks CreateSnapshotResponse: " + "; ".join(
            f"{'/'.join(str(p) for p in e.absolute_path) or 'body'}: {_short(e.message, 120)}"
            for e in problems[:3])
    return None


def _alternative_allows(error: Any) -> bool:
    """A pattern error on a response member whose botocore pattern allows the value (disputed:
    schemas/disputed.json records, e.g. a VolumeARN with the -eusc partition)."""
    path = list(error.absolute_path)
    other = rulebook.load().response_patterns().get(str(path[0])) if len(path) == 1 else None
    return (error.validator == "pattern" and other is not None and isinstance(error.instance, str)
            and javaregex.java_fullmatch(other, error.instance))


def request_volume_arn(case: Case) -> str | None:
    params = case.params
    if case.raw_body is not None:
        import json
        try:
            params = json.loads(case.raw_body)
        except ValueError:
            return None
    arn = params.get("VolumeARN") if isinstance(params, dict) else None
    return arn if isinstance(arn, str) else None


def _echo_applies(exchange: Exchange, ans: Answer) -> bool:
    return (ans.is_success and isinstance(ans.body, dict) and "VolumeARN" in ans.body
            and request_volume_arn(exchange.case) is not None)


def check_volume_arn_echo(exchange: Exchange, ans: Answer) -> str | None:
    sent = request_volume_arn(exchange.case)
    got = ans.body["VolumeARN"]
    if got == sent:
        return None
    return f"response VolumeARN {_short(got, 120)} is not the request's {_short(sent, 120)}"


@cache
def error_statuses() -> dict[str, frozenset[int]]:
    """Error type -> every status the rulebook accepts it with, in any rule."""
    table: dict[str, set[int]] = {}
    for rule in rulebook.load().rules.values():
        for outcome in rule.allowed:
            if outcome.error_type not in (None, ANY_TYPE):
                table.setdefault(str(outcome.error_type), set()).update(outcome.statuses)
    return {kind: frozenset(statuses) for kind, statuses in table.items()}


def _named_error(exchange: Exchange, ans: Answer) -> bool:
    return ans.is_error and ans.type in error_statuses()


def check_error_status(exchange: Exchange, ans: Answer) -> str | None:
    assert ans.type is not None and ans.status is not None
    allowed = exchange.case.allowed[ans.matched] if ans.matched >= 0 else None
    if ans.status in error_statuses()[ans.type] or (allowed is not None and allowed.error_type == ans.type):
        return None   # a status the case itself allows for this type is no deviation either
    given = "/".join(str(s) for s in sorted(error_statuses()[ans.type]))
    return f"HTTP {ans.status} {ans.type}: the sources give {ans.type} as {given} only"


def _dated(exchange: Exchange, ans: Answer) -> bool:
    return exchange.response is not None and "date" in exchange.response.headers


def check_date(exchange: Exchange, ans: Answer) -> str | None:
    assert exchange.response is not None
    value = exchange.response.headers["date"]
    if HTTP_DATE.fullmatch(value):
        return None
    return f"{ans.status} answer with Date {_short(value, 60)!r}, not an HTTP-date (e.g. Sun, 06 Nov 1994 " \
           "08:49:37 GMT)"


def check_content_type(exchange: Exchange, ans: Answer) -> str | None:
    assert exchange.response is not None
    value = exchange.response.headers.get("content-type", "")
    if media_type(value) == JSON_CONTENT_TYPE:
        return None
    shown = f"Content-Type {_short(value, 60)}" if value else "no Content-Type"
    return f"{ans.status} answer with {shown} (expected {JSON_CONTENT_TYPE})"


def check_request_id(exchange: Exchange, ans: Answer) -> str | None:
    assert exchange.response is not None
    if exchange.response.headers.get(REQUEST_ID_HEADER.lower(), "").strip():
        return None
    return f"{ans.status} answer without an x-amzn-RequestId header"


EXCHANGE_CHECKS: dict[str, tuple[Applies, Check]] = {
    "transport.answered": (_answered_or_unframed, check_answered),
    **{rule: (_unanswered_framing(rule), check_framing_unanswered)   # each framing case's own rule
       for rule in dict.fromkeys(d.rule for d in framing.DEFECTS)},
    "envelope.no-5xx": (_answered, check_no_5xx),
    "response.error-type": (_typed_error_expected, check_error_type),
    "response.error-type-header": (_error_with_type_header, check_error_type_header),
    "response.error-shape": (_error_with_type, check_error_shape),
    "response.error-status": (_named_error, check_error_status),
    "response.date": (_dated, check_date),
    "response.success-schema": (_success, check_success_schema),
    "response.volume-arn-echo": (_echo_applies, check_volume_arn_echo),
    "response.content-type": (_json_answer, check_content_type),
    "response.request-id": (_json_answer, check_request_id),
}


# --- run-level checks ------------------------------------------------------------------------

class SnapshotIdsUnique:
    """state.snapshot-id-unique: no SnapshotId is handed out twice in one run."""

    rule_id = "state.snapshot-id-unique"

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def observe(self, exchange: Exchange, ans: Answer) -> str | None | bool:
        """False: not applicable; None: held; a string: why the rule broke."""
        if not (ans.is_success and isinstance(ans.body, dict)):
            return False
        snap = ans.body.get("SnapshotId")
        if not isinstance(snap, str):
            return False
        first = self.seen.setdefault(snap, exchange.case.id)
        if first == exchange.case.id:
            return None
        return f"SnapshotId {_short(snap, 40)} was already returned for case {first}"


RUN_CHECKS: dict[str, Callable[[], SnapshotIdsUnique]] = {
    SnapshotIdsUnique.rule_id: SnapshotIdsUnique,
}
