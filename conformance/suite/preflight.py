"""The preflight: a few harmless requests that tell a setup mistake from an endpoint's deviation.

Before a run against an external endpoint sends its cases, the engine sends one probe whose
correct answer is known and which cannot create anything: a correctly signed CreateSnapshot whose
SnapshotDescription is one character too long.  Validation comes before any lookup
(docs/protocol.md > Order of checks), so a conformant endpoint answers ``ValidationException``
(or ``InvalidGatewayRequestException``/``InvalidParameters``) whatever the volume.  Then the
first case that should succeed goes first, alone.  What their answers mean:

* an authentication error to a correctly signed request: the run's region, key, secret, token or
  clock is wrong, not the endpoint (exit 2, the server's message and a hint naming the setting);
* but a *signature* error where the same probe, its JSON value laid out otherwise
  (:data:`LAYOUTS`) and signed over its own bytes, gets past authentication: the endpoint's payload
  hash depends on how the JSON is written, not on the bytes sent (docs/protocol.md > SigV4, JSON
  text).  That is the endpoint's deviation: a failure of ``authentication.payload-hash`` with both
  requests as evidence, the diagnosis shown first, and the run goes on (exit 1);
* ``VolumeNotFound``/``GatewayNotFound`` to a valid request naming ``--volume-arn``: the volume is
  not there (exit 2, naming it);
* both answers the same answer that no AWS JSON service gives (HTML, a 404 page, a bare 500): the
  endpoint does not implement the API; the run goes on and fails, with that diagnosis first.

The tables below are data; each row cites its source.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from conformance.protocol import envelope
from conformance.suite.cases.arns import parse_arn
from conformance.suite.model import Case, Exchange, Failure, Response
from conformance.suite.rules import VALIDATION
from conformance.suite.transport import THROTTLING_TYPES, TRANSIENT_STATUSES

PROBE_RULE = "preflight"
DESCRIPTION_MAX = 255      # schemas/CreateSnapshotRequest: SnapshotDescription maxLength (API page)
ANSWER_START = 60          # characters of a body that describe an answer

# Authentication error type -> (the setting to check, source).  docs/protocol.md > Observed answers
# (AWS's JSON services), docs/protocol.md > Disputed points (the Common Errors page's names).
AUTH_HINTS: dict[str, tuple[str, str]] = {
    "UnrecognizedClientException": ("the access key: AWS_ACCESS_KEY_ID, AWS_PROFILE or the shared "
                                    "credentials file", "docs/protocol.md > Observed answers"),
    "InvalidClientTokenId": ("the access key: AWS_ACCESS_KEY_ID, AWS_PROFILE or the shared credentials "
                             "file", "docs/protocol.md > Disputed points"),
    "InvalidSignatureException": ("the secret key (AWS_SECRET_ACCESS_KEY) and --region",
                                  "docs/protocol.md > Observed answers"),
    "SignatureDoesNotMatch": ("the secret key (AWS_SECRET_ACCESS_KEY) and --region",
                              "docs/protocol.md > SigV4"),
    "IncompleteSignatureException": ("the credentials (a key or secret that is empty or malformed)",
                                     "docs/protocol.md > Observed answers"),
    "MissingAuthenticationTokenException": ("the credentials", "docs/protocol.md > Disputed points"),
    "MissingAuthenticationToken": ("the credentials", "docs/protocol.md > Disputed points"),
    "RequestExpired": ("this machine's clock", "docs/protocol.md > Disputed points"),
    "ExpiredTokenException": ("the session token (AWS_SESSION_TOKEN): it has expired",
                              "docs/protocol.md > SigV4"),
    "ExpiredToken": ("the session token (AWS_SESSION_TOKEN): it has expired", "docs/protocol.md > SigV4"),
}
# Words of the server's message that name the setting more precisely than the type does
# (docs/protocol.md > Observed answers: "Signature expired: ..." for the time; the scope's region).
MESSAGE_HINTS: tuple[tuple[str, str], ...] = (
    ("scoped to the region", "--region (or AWS_REGION / AWS_DEFAULT_REGION)"),
    ("region", "--region (or AWS_REGION / AWS_DEFAULT_REGION)"),
    ("expired", "this machine's clock (or an expired AWS_SESSION_TOKEN)"),
    ("security token", "the session token (AWS_SESSION_TOKEN)"),
)
# docs/protocol.md > Observed answers: an unknown volume (or its gateway).
VOLUME_NOT_FOUND = frozenset({"VolumeNotFound", "GatewayNotFound"})

# The authentication errors that say "the signature is not the one I computed" (AUTH_HINTS' rows for
# a secret or a region): the ones a verifier that hashes other bytes than it received also gives.
SIGNATURE_ERRORS = frozenset({"InvalidSignatureException", "SignatureDoesNotMatch"})
PAYLOAD_HASH_RULE = "authentication.payload-hash"   # SigV4: the payload hash is over the body as sent
COMPACT_LAYOUT = "compact (',' and ':'), as the suite writes JSON"   # envelope.serialise
# The same JSON value written otherwise: whitespace carries no meaning (docs/protocol.md > JSON text),
# the payload hash is over the bytes as they travel (docs/protocol.md > SigV4).  (name, writer)
LAYOUTS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    ("json.dumps's default layout (', ' and ': ')", json.dumps),
    ("one member per line, indented by two spaces", lambda value: json.dumps(value, indent=2) + "\n"),
)


def auth_probe(volume_arn: str | None, region: str) -> Case:
    """A correctly signed CreateSnapshot that validation must refuse (it cannot create anything)."""
    arn = volume_arn or parse_arn("", region).text()
    return Case(rule_id=PROBE_RULE, signature="preflight/description-too-long",
                params={"VolumeARN": arn, "SnapshotDescription": "p" * (DESCRIPTION_MAX + 1)},
                allowed=VALIDATION, id="preflight")


def is_valid_case(case: Case) -> bool:
    """A correctly signed case whose only acceptable answer is success."""
    return (case.creates and case.signing == "sigv4" and bool(case.allowed)
            and all(o.error_type is None for o in case.allowed))


def volume_probe(cases: list[Case]) -> Case | None:
    """The first correctly signed case whose only acceptable answer is success (it names the volume)."""
    return next((case for case in cases if is_valid_case(case)), None)


def layout_probes(probe: Case) -> list[tuple[str, Case]]:
    """``probe``'s JSON value in each of :data:`LAYOUTS`, sent as those bytes (and signed over them),
    each with its layout's name."""
    return [(name, replace(probe, signature=f"{probe.signature}/layout-{i}", id=f"{probe.id}-layout-{i}",
                           raw_body=write(probe.params).encode("utf-8")))
            for i, (name, write) in enumerate(LAYOUTS, 1)]


# --- reading an answer --------------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    """What an answer is, for grouping and diagnosis: status, error type, media type, body start."""

    status: int | None
    error_type: str | None
    media_type: str
    start: str
    message: str = ""
    error_code: str | None = None

    @property
    def aws_shaped(self) -> bool:
        """An answer an AWS JSON service could give: a JSON success, or an error with a __type."""
        return self.media_type.startswith("application/") and "json" in self.media_type and (
            self.status == 200 or self.error_type is not None)

    def describe(self) -> str:
        if self.status is None:
            return f"no answer ({self.start})"
        parts = [f"HTTP {self.status}"]
        if self.error_type:
            parts.append(self.error_type)
        parts.append(self.media_type or "without a Content-Type")
        text = " ".join(parts)
        if not self.error_type and self.start:
            text += f" ({self.start!r})"
        return text

    def key(self) -> tuple[int | None, str | None, str, str]:
        return (self.status, self.error_type, self.media_type,
                "" if self.error_type else self.start)


def read_answer(exchange: Exchange) -> Answer:
    resp = exchange.response
    if resp is None:
        return Answer(None, None, "", " ".join((exchange.error or "no answer").split())[:ANSWER_START])
    return _answer(resp)


def _answer(resp: Response) -> Answer:
    body = resp.json()
    error_type = message = code = None
    if isinstance(body, dict):
        raw = body.get(envelope.ERROR_TYPE_FIELD)
        if isinstance(raw, str) and raw:
            error_type = envelope.sanitize_error_type(raw)
        for name in ("message", "Message"):   # botocore reads either (docs/protocol.md > Errors)
            if isinstance(body.get(name), str):
                message = body[name]
                break
        err = body.get("error")
        if isinstance(err, dict) and isinstance(err.get("errorCode"), str):
            code = err["errorCode"]
    start = " ".join(resp.body[:400].decode("utf-8", "replace").split())[:ANSWER_START]
    media = envelope.media_type(resp.headers.get("content-type"))
    return Answer(resp.status, error_type, media, start, " ".join((message or "").split())[:300], code)


# --- what the probes' answers mean ------------------------------------------------------------------

def auth_problem(exchange: Exchange, url: str, region: str) -> str | None:
    """The usage-error line when a correctly signed request was refused for its credentials."""
    answer = read_answer(exchange)
    if answer.error_type not in AUTH_HINTS:
        return None
    check = AUTH_HINTS[answer.error_type][0]
    lowered = answer.message.lower()
    for words, setting in MESSAGE_HINTS:
        if words in lowered:
            check = setting
            break
    said = f": {answer.message}" if answer.message else ""
    return (f"{url} refused the run's credentials (region {region}): HTTP {answer.status} "
            f"{answer.error_type}{said}\n  hint: check {check}")


def volume_problem(exchange: Exchange, volume_arn: str, url: str) -> str | None:
    """The usage-error line when the volume the run names is not there."""
    answer = read_answer(exchange)
    if answer.error_code not in VOLUME_NOT_FOUND:
        return None
    said = f": {answer.message}" if answer.message else ""
    return (f"{url} has no volume {volume_arn} (HTTP {answer.status} {answer.error_type} "
            f"{answer.error_code}{said})\n  hint: check --volume-arn, or leave it out to use ListVolumes")


def foreign_answer(exchanges: list[Exchange]) -> str | None:
    """A diagnosis when every probe got the same answer, one no AWS JSON service gives."""
    answers = [read_answer(e) for e in exchanges]
    if not answers or any(a.status is None or a.aws_shaped for a in answers):
        return None
    if len({a.key() for a in answers}) != 1:
        return None
    return (f"every preflight request got {answers[0].describe()}, an answer no AWS JSON service "
            "gives: this endpoint does not seem to implement Storage Gateway CreateSnapshot")


# --- a signature that depends on the JSON layout ------------------------------------------------------

def signature_refused(exchange: Exchange) -> bool:
    """The answer says the request's signature is not the one the endpoint computed."""
    resp = exchange.response
    return (resp is not None and not 200 <= resp.status < 300
            and read_answer(exchange).error_type in SIGNATURE_ERRORS)


def past_authentication(exchange: Exchange) -> bool:
    """An answer an AWS JSON service gives once the signature has been accepted: not an
    authentication error, not throttling or unavailability (which may come before the check)."""
    answer = read_answer(exchange)
    return (answer.status is not None and answer.aws_shaped and answer.status < 500
            and answer.status not in TRANSIENT_STATUSES and answer.error_type not in AUTH_HINTS
            and answer.error_type not in THROTTLING_TYPES)


def _evidence(exchange: Exchange, layout: str) -> dict[str, str]:
    return {"case_id": exchange.case.id, "layout": layout,
            "body": exchange.request.body.decode("utf-8", "replace"),
            "answer": read_answer(exchange).describe()}


def layout_failure(refused: Exchange, accepted: Exchange, layout: str) -> Failure:
    """The payload-hash failure: ``refused`` (the compact probe) and ``accepted`` (written in
    ``layout``) carry one JSON value, each correctly signed over its own bytes; only the layout
    differs, and only one got past authentication."""
    reason = (f"a correctly signed request was refused ({read_answer(refused).describe()}) while the same "
              f"JSON value written in {layout} ({accepted.case.id}), signed over its "
              f"own bytes, got past authentication ({read_answer(accepted).describe()}): the payload hash "
              "is not computed over the body as sent")
    evidence = replace(refused, case=replace(refused.case, rule_id=PAYLOAD_HASH_RULE))   # replayed there
    return Failure(PAYLOAD_HASH_RULE, refused.case.id, reason, evidence,
                   {"refused": _evidence(refused, COMPACT_LAYOUT), "accepted": _evidence(accepted, layout)})


def layout_diagnosis(refused: Exchange, accepted: Exchange, layout: str) -> str:
    """The line shown first: the endpoint, not the run's credentials, is at fault."""
    return (f"the endpoint's signature check depends on how the JSON body is laid out: a correctly signed "
            f"probe written compact got {read_answer(refused).describe()}, the same value written in "
            f"{layout} got {read_answer(accepted).describe()}; the credentials are "
            f"not at fault ({PAYLOAD_HASH_RULE}: the payload hash is over the body as sent)")
