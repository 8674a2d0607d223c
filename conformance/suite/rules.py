"""The rulebook: every rule the suite checks, as data.

Each :class:`Rule` says what an endpoint must (or should) do, where that requirement comes
from and which answers are acceptable.  Strategies label every generated case with a rule id;
checks and reports look rules up here.  Which fault of the reference endpoint proves that a
rule is really checked is the fault registry's to say (each fault names its rule; the join is
:mod:`conformance.reports.proofs`).  ``CONFORMANCE.md`` is generated from this registry::

    python -m conformance.reports.conformance_md > CONFORMANCE.md

Rule ids are a contract shared with the checks, the engine, the reports and baselines: add, never rename.
Where the sources disagree (the botocore model against the reference page, 400 against 403
for authentication errors, the 5- or 15-minute clock window, code points against UTF-16
units, regex dialects, unknown members) a rule accepts every reasonable answer and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.spec import notes
from conformance.suite.model import ANY_TYPE, Outcome

SEVERITIES = ("MUST", "SHOULD")
AREAS = ("envelope", "authentication", "validation", "accept", "state", "response", "transport")

REF = "API_CreateSnapshot.md"
NOTES = notes.CITATION    # "docs/protocol.md", the project's protocol notes (shipped with the package)
OBSERVED = f"observed AWS behaviour ({NOTES} > Observed answers)"
SMITHY = "awsJson1_1 (smithy aws-json-1_1-protocol)"
SIGV4 = "SigV4 (AWS Signature Version 4 signing process)"
USER_GUIDE = "Storage Gateway User Guide > API Reference for Storage Gateway > Error responses"


@dataclass(frozen=True)
class Rule:
    """One requirement on the endpoint, with its source and the answers it allows."""

    id: str            # e.g. "validation.SnapshotDescription.maxLength"
    area: str          # the id's first part: envelope, authentication, validation, accept, ...
    statement: str     # one line, own words
    source: str        # where the requirement comes from
    severity: str      # "MUST" (failure fails the run) | "SHOULD" (warning)
    allowed: tuple[Outcome, ...] = ()   # for case rules: the acceptable answers
    disputed: str | None = None         # why several answers are accepted, if so


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------
AUTH_STATUSES = (400, 403)
SUCCESS = (Outcome.success(),)
VALIDATION = (
    Outcome.error("ValidationException", 400),
    Outcome.error("InvalidGatewayRequestException", 400, codes=("InvalidParameters",)),
)
SERIALIZATION = (Outcome.error("SerializationException", 400),)
UNKNOWN_OPERATION = (Outcome.error("UnknownOperationException", 400),)
# A target the endpoint does not serve: served, or refused as a path or an operation it does not
# serve, never as a bad signature (docs/protocol.md > SigV4: such targets are verified alike).
SERVED_OR_NOT_FOUND = (*SUCCESS, Outcome(frozenset({404, 405}), ANY_TYPE), *UNKNOWN_OPERATION)
# A missing or unknown X-Amz-Target (disputed point "target-errors").
# The first answer is the usual one; the others are the disputed alternatives (reported as such).
TARGET_MISSING = (*UNKNOWN_OPERATION, Outcome.error("UnknownOperationException", 404),
                  Outcome.error("MissingAction", 400))
TARGET_UNKNOWN = (*UNKNOWN_OPERATION, Outcome.error("UnknownOperationException", 404),
                  Outcome.error("InvalidAction", 400))
NOT_FOUND = (
    Outcome.error("InvalidGatewayRequestException", 400, codes=("VolumeNotFound", "GatewayNotFound")),
)
ANY_4XX = (Outcome(frozenset(range(400, 500)), ANY_TYPE),)
# A resource of another account (disputed point "foreign-arn"): AWS Common Errors > AccessDeniedException.
ACCESS_DENIED = (Outcome.error("AccessDeniedException", 400, 403),)


def _auth(*types: str) -> tuple[Outcome, ...]:
    return tuple(Outcome.error(t, *AUTH_STATUSES) for t in types)


# ---------------------------------------------------------------------------------------------
# Disputed points: why several answers are accepted
# ---------------------------------------------------------------------------------------------
# Built-in knowledge; the botocore comparison (schemas/disputed.json) refines the first two
# when the rulebook is loaded (conformance.suite.rulebook).  Only contradictions are here: a
# limit one source states and another merely leaves out holds (the botocore model has no
# maximum for Tags, AWS's tagging limit is 50: 51 tags are refused, undisputed).
DISPUTES: dict[str, str] = {
    "partition-eusc": "the botocore model's VolumeARN pattern also allows the partition 'aws-eusc', "
                      "the reference page's pattern does not: an eusc ARN may be refused or looked up",
    "tag-value-pattern": "the reference page restricts tag values to letters, spaces, numbers and "
                         "_ . : / = + - @, the botocore model and the Tag data type page give values no "
                         "pattern while giving keys one: either answer",
    "auth-status": "AWS's JSON services answer authentication errors with 400, the Common Errors page "
                   "lists 403: both statuses are accepted",
    "auth-unknown-key": "JSON services answer UnrecognizedClientException (400), the Common Errors page "
                        "lists InvalidClientTokenId (403): either type with either status",
    "auth-missing": "MissingAuthenticationTokenException (JSON services) and MissingAuthenticationToken "
                    "(Common Errors page) are both seen, with 400 or 403",
    "clock-window": "live JSON services allow 5 minutes of clock skew, the docs say 15: only a date 20 "
                    "minutes old is sent; InvalidSignatureException or RequestExpired",
    "auth-syntax": "an Authorization header or X-Amz-Date that breaks SigV4's syntax is not a signature "
                   "the service can check: refused as incomplete or as invalid, with 400 or 403",
    "host-signed": "a signature that leaves out host is refused as incomplete or as invalid",
    "length-units": "lengths may count code points or UTF-16 units: a value with astral characters "
                    "whose verdict differs between the two may be accepted or refused",
    "pattern-dialect": "the value matches the pattern under one regex dialect (java.util.regex, Python, "
                       "ECMA) and not another: either answer",
    "unknown-member": "AWS's JSON services ignore unknown members, strict servers refuse them: success, "
                      "ValidationException or SerializationException",
    "content-type": "AWS answers another Content-Type with 404 <UnknownOperationException/>, emulators "
                    "commonly accept the request: either answer (a warning at most)",
    "body-empty": "an empty body may be read as {} (then required members are missing: "
                  "ValidationException) or refused as not JSON (SerializationException)",
    "foreign-arn": "a well-formed ARN naming another account (the only kind as short as 50 characters) "
                   "may be looked up and not found, or refused by IAM authorisation before any lookup "
                   "(AccessDeniedException: Storage Gateway has no resource-based policies)",
    "json-open": "RFC 8259 leaves it open and no source says how AWS answers (a member name repeated, a "
                 "UTF-8 byte order mark, nesting deeper than a limit, a number too large for any type in a "
                 "member the API does not define): success or a 4xx, never a 5xx",
    "control-characters": "no source says whether a SnapshotDescription (which has no pattern) may hold "
                          "control characters or Unicode noncharacters: success or a 4xx, never a 5xx",
    "expect-continue": "RFC 9110 lets a server answer a request carrying Expect: 100-continue with 100 "
                       "Continue and then the answer, with the answer at once, or refuse the expectation "
                       "(417 Expectation Failed): success or a 4xx, never a 5xx",
    "http-forms": "RFC 9112 requires an HTTP/1.1 server to read a chunked body and a request target in "
                  "absolute form, and RFC 9110 lets one that needs a length refuse a chunked body with "
                  "411; whether AWS's front end serves an absolute-form target is not documented: success "
                  "or a 4xx there, never a 5xx",
    "framing-open": "RFC 9112 lets a server read a request with both Content-Length and Transfer-Encoding "
                    "as chunked or refuse it (success or a 4xx), and RFC 9110 gives 505 (HTTP Version Not "
                    "Supported) for a major version it does not speak, beside a 4xx; it leaves the longest "
                    "request line, header line and header section a server reads to the server (RFC 9112 > "
                    "2.3, 3, 5): success or a 4xx beyond; and whether more than one empty line before a "
                    "request line is skipped (RFC 9112 > 2.2 asks for one): success or a 4xx",
    "target-errors": "AWS's JSON services answer a missing or unknown X-Amz-Target with 400 "
                     "UnknownOperationException; AWS answers a request it cannot route with 404 "
                     "UnknownOperationException, as emulators (floci) do for an unknown target; the Storage "
                     "Gateway User Guide lists 400 MissingAction (no action) and 400 InvalidAction (an "
                     "invalid one): any of these",
}

# The botocore comparison (schemas/disputed.json, conformance.spec.botocore_compare) records each
# difference with the rule it concerns; these rules' differences are the built-in points above.
RECORD_POINTS = {
    "validation.Tag.Value.pattern": "tag-value-pattern",
    "validation.VolumeARN.pattern": "partition-eusc",
}


# ---------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------
def _src_param(member: str, part: str) -> str:
    return f"{REF} > Request Parameters > {member} > {part}"


_TAG_SRC = f"{REF} > Request Parameters > Tags (text); botocore model > Tag"
_VALIDATION_SRC = f"{OBSERVED}: constraint violation -> ValidationException"

# (id, statement, source, severity, allowed, disputed point or None)
RULE_ROWS: list[tuple[str, str, str, str, tuple[Outcome, ...], str | None]] = [
    # -- envelope -------------------------------------------------------------------------------
    ("envelope.target-missing",
     "A request without X-Amz-Target is refused with 400 UnknownOperationException (or 404, or 400 "
     "MissingAction).", f"{SMITHY} > X-Amz-Target; {OBSERVED}; {USER_GUIDE} (MissingAction)", "MUST",
     TARGET_MISSING, "target-errors"),
    ("envelope.target-unknown",
     "A request whose X-Amz-Target names no operation of the service is refused with 400 "
     "UnknownOperationException (or 404, or 400 InvalidAction).",
     f"{SMITHY} > X-Amz-Target; {OBSERVED}; {USER_GUIDE} (InvalidAction)", "MUST", TARGET_UNKNOWN,
     "target-errors"),
    ("envelope.method",
     "A request with a method other than POST (post too: a method is case-sensitive) gets a 4xx answer, "
     "never a success.",
     f"{SMITHY} > requests are POST /; {OBSERVED} (404 seen); RFC 9110 > 9.1", "MUST", ANY_4XX, None),
    ("envelope.content-type",
     "A request with a Content-Type other than application/x-amz-json-1.1 is refused (AWS: 404 "
     "<UnknownOperationException/>) or served.",
     f"{SMITHY} > Content-Type; {OBSERVED}", "SHOULD",
     (Outcome(frozenset({404, 415}), ANY_TYPE), *UNKNOWN_OPERATION, *SUCCESS), "content-type"),
    ("envelope.body-not-json",
     "A body that is not JSON is refused with 400 SerializationException.",
     f"{SMITHY} > body is a JSON document; {OBSERVED}", "MUST", SERIALIZATION, None),
    ("envelope.body-not-object",
     "A JSON body that is not an object (array, string, number, null) is refused with 400 "
     "SerializationException.", f"{SMITHY} > the input is a JSON object; {OBSERVED}", "MUST",
     SERIALIZATION, None),
    ("envelope.wrong-json-type",
     "A member of the wrong JSON type (number for string, object for list, ...) is refused with 400 "
     "SerializationException, never coerced.", f"{SMITHY} > member serialisation; {OBSERVED}", "MUST",
     SERIALIZATION, None),
    ("envelope.body-empty",
     "An empty body is refused: as not JSON (SerializationException) or as an object missing its "
     "required members (ValidationException).", f"{SMITHY}; {OBSERVED}", "MUST",
     (*SERIALIZATION, *VALIDATION), "body-empty"),
    ("envelope.json-strict",
     "A body that is not strict RFC 8259 JSON text (NaN or Infinity, a comment, single quotes, an unquoted "
     "member name, a trailing comma, a leading zero or '+', an unescaped control character, bytes that are "
     "not UTF-8, anything after the closing brace) is refused with 400 SerializationException, never read "
     "leniently.", f"RFC 8259 > 2, 6, 7, 8.1; {NOTES} > JSON text (Jackson's defaults)", "MUST",
     SERIALIZATION, None),
    ("envelope.json-robust",
     "JSON structures that break naive handlers (a null or non-object element in Tags, very long strings, "
     "huge numbers, deep nesting, repeated names, a byte order mark) get a 4xx, or success where the "
     "sources leave it open: never a 5xx.", f"{NOTES} > JSON text; RFC 8259 > 4, 6, 8.1, 9", "MUST",
     ANY_4XX, None),
    ("envelope.order-auth-first",
     "A request is authenticated before its body is read: an unsigned request with a broken body gets the "
     "missing-authentication error, not a body error.", f"{NOTES} > Order of checks; {OBSERVED}", "MUST",
     _auth("MissingAuthenticationTokenException", "MissingAuthenticationToken"), "auth-missing"),
    ("envelope.http-framing",
     "A request that is not well-formed HTTP/1.1 (a body without a length, a Content-Length too long, too "
     "short, not a decimal count, negative or given twice, a chunked body with a bad chunk size, without its "
     "last chunk or with a chunk longer than its size, HTTP/2.0 or HTTP/3.0 on the request line, a request "
     "line without its version or with a lower-case one, a header line without a colon or with space before "
     "it) gets a 4xx (or 505 for the version) or a closed connection: never another 5xx, never a success for "
     "a body it did not get whole, never a wait once the client has closed its side or for a body without a "
     "length. Both Content-Length and Transfer-Encoding: read as chunked, or refused; a line or header "
     "section beyond the server's limits: served, or a 4xx.",
     f"RFC 9112 > 2.2, 2.3, 3, 5, 5.1, 6.1, 6.3, 7.1, 8; RFC 9110 > 15.6.6; {NOTES} > The request", "MUST",
     ANY_4XX, None),
    ("envelope.no-5xx",
     "No client input, however malformed, gets a 5xx answer.",
     f"{REF} > Errors (every error is HTTP 400); {SMITHY} > client errors are 4xx", "MUST", (), None),
    # -- authentication -------------------------------------------------------------------------
    ("authentication.missing",
     "A request without an Authorization header is refused as missing authentication.",
     f"{SIGV4}; {OBSERVED}; AWS Common Errors > MissingAuthenticationToken", "MUST",
     _auth("MissingAuthenticationTokenException", "MissingAuthenticationToken"), "auth-missing"),
    ("authentication.malformed",
     "An Authorization header that is not complete SigV4 syntax is refused with "
     "IncompleteSignatureException.", f"{SIGV4} > Authorization header; {OBSERVED}", "MUST",
     _auth("IncompleteSignatureException"), "auth-status"),
    ("authentication.unknown-key",
     "A request signed with an access key the endpoint does not know is refused as an unrecognised "
     "client.", f"{SIGV4}; {OBSERVED}; AWS Common Errors > InvalidClientTokenId", "MUST",
     _auth("UnrecognizedClientException", "InvalidClientTokenId"), "auth-unknown-key"),
    ("authentication.signature",
     "A request whose signature was computed with the wrong secret, or over a signed header's other "
     "value (Content-Type altered after signing), is refused with InvalidSignatureException.",
     f"{SIGV4} > signature calculation (canonical headers: every signed header's value); {OBSERVED}", "MUST",
     _auth("InvalidSignatureException"), "auth-status"),
    ("authentication.scope-region",
     "A signature whose credential scope names another region is refused with InvalidSignatureException.",
     f"{SIGV4} > credential scope; {OBSERVED}", "MUST", _auth("InvalidSignatureException"), "auth-status"),
    ("authentication.scope-service",
     "A signature whose credential scope names another service is refused with InvalidSignatureException.",
     f"{SIGV4} > credential scope; {OBSERVED}", "MUST", _auth("InvalidSignatureException"), "auth-status"),
    ("authentication.scope-date",
     "A signature whose credential scope date is not the date of X-Amz-Date is refused with "
     "InvalidSignatureException.", f"{SIGV4} > credential scope (date: yyyymmdd of X-Amz-Date); "
     f"{NOTES} > Observed answers (wrong credential scope: region, service, date)", "MUST",
     _auth("InvalidSignatureException"), "auth-status"),
    ("authentication.expired",
     "A request dated more than 15 minutes in the past or in the future (16 and 20 minutes tried) is "
     "refused (signature expired).",
     f"{SIGV4} > X-Amz-Date and clock skew; {OBSERVED}", "MUST",
     _auth("InvalidSignatureException", "RequestExpired"), "clock-window"),
    ("authentication.syntax",
     "An Authorization header naming another algorithm, a credential of other than five parts or a scope "
     "terminator other than aws4_request, or an X-Amz-Date not in the basic form yyyymmddTHHMMSSZ, is "
     "refused as an incomplete or invalid signature.", f"{SIGV4} > Authorization header, X-Amz-Date; "
     f"{NOTES} > SigV4", "MUST", _auth("IncompleteSignatureException", "InvalidSignatureException"),
     "auth-syntax"),
    ("authentication.payload-hash",
     "A request whose body differs from the body that was signed is refused with InvalidSignatureException.",
     f"{SIGV4} > payload hash of the body as sent; {NOTES} > SigV4", "MUST",
     _auth("InvalidSignatureException"), "auth-status"),
    ("authentication.host-signed",
     "A signature that does not cover the host header is refused.",
     f"{SIGV4} > host must be signed; {NOTES} > SigV4", "MUST",
     _auth("InvalidSignatureException", "IncompleteSignatureException"), "host-signed"),
    # -- validation -----------------------------------------------------------------------------
    ("validation.VolumeARN.required", "A request without VolumeARN is refused as invalid.",
     _src_param("VolumeARN", "Required"), "MUST", VALIDATION, None),
    ("validation.VolumeARN.null", "A request whose VolumeARN is null is refused as invalid (null is absent).",
     f"{_src_param('VolumeARN', 'Required')}; {SMITHY} > null members", "MUST", VALIDATION, None),
    ("validation.VolumeARN.minLength", "A VolumeARN shorter than 50 characters is refused as invalid, "
     "before any volume lookup.", _src_param("VolumeARN", "Length Constraints"), "MUST", VALIDATION, None),
    ("validation.VolumeARN.maxLength", "A VolumeARN longer than 500 characters is refused as invalid.",
     _src_param("VolumeARN", "Length Constraints"), "MUST", VALIDATION, None),
    ("validation.VolumeARN.pattern", "A VolumeARN that does not match the ARN pattern (java.util.regex, "
     "whole string) is refused as invalid, before any volume lookup.", _src_param("VolumeARN", "Pattern"),
     "MUST", VALIDATION, None),
    ("validation.SnapshotDescription.required",
     "A request without SnapshotDescription is refused as invalid.",
     _src_param("SnapshotDescription", "Required"), "MUST", VALIDATION, None),
    ("validation.SnapshotDescription.null",
     "A request whose SnapshotDescription is null is refused as invalid.",
     f"{_src_param('SnapshotDescription', 'Required')}; {SMITHY} > null members", "MUST", VALIDATION, None),
    ("validation.SnapshotDescription.minLength", "An empty SnapshotDescription is refused as invalid.",
     _src_param("SnapshotDescription", "Length Constraints"), "MUST", VALIDATION, None),
    ("validation.SnapshotDescription.maxLength", "A SnapshotDescription longer than 255 characters is "
     "refused as invalid.", _src_param("SnapshotDescription", "Length Constraints"), "MUST",
     VALIDATION, None),
    ("validation.Tags.maxItems", "More than 50 tags are refused as invalid.",
     f"{REF} > Request Parameters > Tags ('up to 50'); AWS General Reference > tag restrictions (50 user "
     f"tags per resource); {NOTES} > Disputed points (silence is not a dispute)", "MUST", VALIDATION, None),
    ("validation.Tag.Key.required", "A tag without Key (or with a null Key) is refused as invalid.",
     f"{_TAG_SRC} > required", "MUST", VALIDATION, None),
    ("validation.Tag.Key.minLength", "An empty tag key is refused as invalid.",
     f"{_TAG_SRC} > TagKey min", "MUST", VALIDATION, None),
    ("validation.Tag.Key.maxLength", "A tag key longer than 128 characters is refused as invalid.",
     f"{REF} > Request Parameters > Tags ('maximum length of a tag's key is 128')", "MUST", VALIDATION, None),
    ("validation.Tag.Key.pattern", "A tag key with a character other than letters, spaces, numbers and "
     "_ . : / = + - @ is refused as invalid.", f"{_TAG_SRC} > TagKey pattern", "MUST", VALIDATION, None),
    ("validation.Tag.Value.required", "A tag without Value (or with a null Value) is refused as invalid.",
     f"{_TAG_SRC} > required", "MUST", VALIDATION, None),
    ("validation.Tag.Value.maxLength", "A tag value longer than 256 characters is refused as invalid.",
     f"{REF} > Request Parameters > Tags ('maximum length for a tag's value is 256')", "MUST",
     VALIDATION, None),
    ("validation.Tag.Value.pattern", "A tag value with a character outside the tag character set is "
     "refused as invalid.", f"{REF} > Request Parameters > Tags ('valid characters for key and value')",
     "MUST", (*VALIDATION, *SUCCESS), "tag-value-pattern"),
    # -- accept ---------------------------------------------------------------------------------
    ("accept.valid-request", "A valid request naming the known volume succeeds (200, SnapshotId, VolumeARN).",
     f"{REF} > Request Parameters; Response Elements", "MUST", SUCCESS, None),
    ("accept.content-type-parameters",
     "A request whose Content-Type is application/x-amz-json-1.1 with parameters (; charset=utf-8, "
     ";charset=UTF-8) is served as it would be without them.",
     f"{NOTES} > The request; RFC 9110 > 8.3", "MUST", SUCCESS, None),
    ("accept.canonical-headers",
     "A correctly signed request is verified over its headers as they arrived, and served: the Host exactly "
     "as sent (another name or address of a loopback server, with or without the port), header names in any "
     "case (X-AMZ-DATE, host, CONTENT-TYPE), SignedHeaders in lower case, a signed header in several lines "
     "as its values joined by commas in order.",
     f"{SIGV4} > canonical headers (names lower-cased, the Host as received); aws4_testsuite "
     f"(post-header-key-case, get-header-value-order); {NOTES} > SigV4, The request; RFC 9110 > 5.1 (field "
     "names are case-insensitive), 5.3 (field lines combined)", "MUST",
     SUCCESS, None),
    ("accept.unicode", "Non-ASCII and astral descriptions and Unicode tag keys and values (letters, spaces, "
     "numbers of any script) are accepted; lengths count characters, not bytes.",
     f"{REF} > Request Parameters > Tags (letters, spaces, numbers in UTF-8); {NOTES} > Constraints",
     "MUST", SUCCESS, None),
    ("accept.boundaries", "Values exactly at every minimum and maximum (1 and 255 description characters, "
     "128-character keys, empty and 256-character values, 50 tags) are accepted.",
     f"{REF} > Request Parameters > Length Constraints", "MUST", SUCCESS, None),
    ("accept.json-text", "Any RFC 8259 text of a valid request is served alike: whitespace around every "
     "token, members in any order, \\uXXXX or \\/ escapes in names and values.",
     f"RFC 8259 > 2, 4, 7; {NOTES} > JSON text (whitespace, order and escapes carry no meaning)", "MUST",
     SUCCESS, None),
    ("accept.plain-values", "A SnapshotDescription, which has no pattern, is accepted whatever its "
     "characters within 1..255 (whitespace only, right-to-left marks, combining sequences counted one "
     "code point each, with no Unicode normalisation).",
     f"{_src_param('SnapshotDescription', 'Length Constraints')} (no pattern); {NOTES} > Constraints",
     "MUST", SUCCESS, None),
    ("accept.expect-continue",
     "A valid request carrying Expect: 100-continue is served (after an interim 100 Continue or without "
     "one) or its expectation refused with a 4xx such as 417: never a 5xx, never left unanswered.",
     f"RFC 9110 > 10.1.1, 15.2.1, 15.5.18; {NOTES} > The request", "MUST", (*SUCCESS, *ANY_4XX),
     "expect-continue"),
    ("accept.canonical-uri",
     "A correctly signed request whose target SigV4 canonicalises (dot segments: /./ and /sgw/.. are /; "
     "query parameters sorted: ?b=2&a=1 is a=1&b=2) is verified over that canonical URI and query: served, "
     "or refused as a path or operation the endpoint does not serve (404, 405, UnknownOperationException); "
     "never refused as a bad signature.",
     f"{SIGV4} > canonical URI and query; aws4_testsuite > get-relative, get-vanilla-query-order-encoded; "
     f"{NOTES} > SigV4", "MUST", SERVED_OR_NOT_FOUND, None),
    ("accept.http-forms",
     "A valid request in a form every HTTP/1.1 server must read is served: its body chunked (or refused "
     "with 411 Length Required by a server that needs a length), or its target in absolute form "
     "(http://host/: or refused with a 4xx); never a 5xx, never left unanswered.",
     f"RFC 9112 > 3.2.2, 7.1; RFC 9110 > 15.5.12; {NOTES} > The request", "MUST", (*SUCCESS, *ANY_4XX),
     "http-forms"),
    ("accept.null-optional", "\"Tags\": null is treated as if Tags were absent.",
     f"{SMITHY} > null members; {NOTES} > The request", "MUST", SUCCESS, None),
    ("accept.unknown-member", "A member the API does not define is ignored (or refused, disputed).",
     f"{NOTES} > The request (unknown members are ignored)", "MUST",
     (*SUCCESS, *VALIDATION, *SERIALIZATION), "unknown-member"),
    # -- state ----------------------------------------------------------------------------------
    ("state.unknown-volume", "A well-formed ARN of a volume that does not exist is refused with 400 "
     "InvalidGatewayRequestException, errorCode VolumeNotFound or GatewayNotFound.",
     f"{REF} > Errors > InvalidGatewayRequestException; {OBSERVED}", "MUST", NOT_FOUND, None),
    ("state.valid-arn-forms", "A VolumeARN that matches the pattern within the lengths, whatever "
     "branch it takes (every partition: aws, aws-cn, aws-us-gov, aws-iso plus any of [A-Za-z0-9_-]) and "
     "however short each repetition (a one-character region, account or gateway), passes validation and "
     "is looked up (not found here), never refused as invalid.",
     f"{_src_param('VolumeARN', 'Pattern')}; {NOTES} > Constraints (valid whatever its partition, region "
     "or account; only then looked up)", "MUST", (*NOT_FOUND, *ACCESS_DENIED), "foreign-arn"),
    ("state.snapshot-id-unique", "Every successful CreateSnapshot in a run returns a SnapshotId not "
     "returned before.", f"{REF} > Response Elements > SnapshotId", "MUST", (), None),
    # -- response -------------------------------------------------------------------------------
    ("response.error-type", "Every error answer has a JSON body whose __type names the error.",
     f"{SMITHY} > error responses; {NOTES} > Errors (botocore reads only the body __type)", "MUST", (), None),
    ("response.error-type-header", "An X-Amzn-ErrorType header, when present, sanitises to the same type "
     "as the body __type.", f"{SMITHY} > error responses; {NOTES} > Errors", "MUST", (), None),
    ("response.error-shape", "An error body's message (message or Message) is a string or null (absent), "
     "and a modelled error's error.errorCode is one of the ErrorCode enum values (errorDetails, when "
     "present, a map of strings).",
     f"{REF} > Errors; botocore model > StorageGatewayError, ErrorCode; {SMITHY} > null members; "
     "observed: DynamoDB Local answers \"message\": null", "MUST", (), None),
    ("response.error-status", "An error type the sources name is answered with a status they give it "
     "wherever it comes (every error of the reference page is a 400, authentication errors 400 or 403, "
     "UnknownOperationException 400 or 404): a malformed HTTP request's SerializationException too.",
     f"{REF} > Errors (HTTP status code 400); {NOTES} > Errors, Observed answers; every type-status pair "
     "the rulebook accepts", "MUST", (), None),
    ("response.date", "A Date header, when sent, is an HTTP-date (IMF-fixdate, or one of the two obsolete "
     "forms every recipient must read).",
     f"HTTP/1.1 semantics (RFC 9110 > 5.6.7, 6.6.1); {NOTES} > The response (the AWS SDK for JavaScript "
     "v3 corrects its clock from a response's Date)",
     "MUST", (), None),
    ("response.success-schema", "A 200 body validates against the CreateSnapshotResponse schema "
     "(SnapshotId snap- followed by 8 or 17 hex digits; members it does not define are ignored; a "
     "VolumeARN the botocore model's pattern allows is accepted).",
     f"{REF} > Response Elements; schemas/disputed.json (CreateSnapshotResponse.VolumeARN.pattern)",
     "MUST", (), None),
    ("response.volume-arn-echo", "The VolumeARN of a success is exactly the request's VolumeARN.",
     f"{REF} > Response Elements > VolumeARN", "MUST", (), None),
    ("response.content-type", "Answers carry Content-Type application/x-amz-json-1.1 (parameters such as "
     "; charset=utf-8 allowed).",
     f"{SMITHY} > Content-Type; {REF} > Examples; {NOTES} > The response", "MUST", (), None),
    ("response.request-id", "Answers of the service (a JSON body) carry an x-amzn-RequestId header.",
     f"{REF} > Examples (x-amzn-RequestId); {NOTES} > The response (answers carry it); botocore "
     "JSON parser (reads x-amzn-requestid only)", "SHOULD", (), None),
    # -- transport ------------------------------------------------------------------------------
    ("transport.answered", "Every request gets a complete HTTP answer in time (no hang, reset, garbage, "
     "endless body or redirect away).", "HTTP/1.1 (RFC 9112); " + SMITHY, "MUST", (), None),
]


# Disputes that concern single cases of an otherwise undisputed rule (see conformance.suite.cases).
CASE_DISPUTES: dict[str, tuple[str, ...]] = {
    "partition-eusc": ("validation.VolumeARN.pattern",),
    "length-units": ("validation.SnapshotDescription.maxLength", "validation.Tag.Key.maxLength",
                     "validation.Tag.Value.maxLength"),
    "pattern-dialect": ("validation.VolumeARN.pattern", "validation.Tag.Key.pattern"),
    "foreign-arn": ("state.unknown-volume", "state.valid-arn-forms"),
    "json-open": ("envelope.json-robust",),
    "control-characters": ("accept.plain-values",),
    "framing-open": ("envelope.http-framing",),
}
