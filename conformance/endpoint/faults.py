"""The registry of named faults the reference endpoint can inject.

Each fault is ONE deviation from the reference behaviour (the API reference page and
PROTOCOL.md), of a kind a real emulator could plausibly have.  They exist to prove the
suite's checks: with a fault injected, the rule named by :attr:`Fault.rule` must fail.

:data:`FAULTS` proves the MUST rules: each makes a run exit 1 with its rule failing.
:data:`WARNING_FAULTS` proves the SHOULD rules: a run with one of them still exits 0, and
its rule is a warning.  :data:`ALL_FAULTS` is both; any of them can be injected.  On a
disputed rule a fault's answer lies outside every accepted alternative (a 5xx, or an error
type the API does not define), never on one of them.

:data:`VARIANTS` is the other side of the proof: behaviours that differ from the reference
endpoint's defaults and are still conformant (each cites the source that allows it: the API
reference, PROTOCOL.md, the Storage Gateway User Guide, the botocore model, Smithy, HTTP, or
AWS's observed answers).  With any of them on, the suite must pass (tests/test_variants.py):
they prove that the checks accept every reasonable answer, not just this server's style.
Variants of one :attr:`Variant.group` are alternatives (at most one at a time).

A fault that only moves a constraint carries :class:`SchemaEdit`s: the emulator applies
them to its own copy of ``schemas/`` at start-up (see :mod:`conformance.endpoint.validation`), so
the committed schemas stay the single source of the constraints.  Every other fault is
consulted by name at the one decision point it changes (see :mod:`conformance.endpoint.emulator`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from conformance.errors import UsageError


class _Remove:
    """Sentinel: a :class:`SchemaEdit` that deletes the keyword instead of setting it."""

    def __repr__(self) -> str:
        return "REMOVE"


REMOVE: Any = _Remove()


@dataclass(frozen=True)
class SchemaEdit:
    """Set (or, with ``REMOVE``, delete) ``path`` inside the committed schema ``schema``."""

    schema: str                 # a name from conformance.schemas.SCHEMA_NAMES
    path: tuple[str, ...]       # keys from the schema's root to the keyword
    value: Any


@dataclass(frozen=True)
class Fault:
    name: str
    description: str            # one line, shown by `serve --list-faults`
    rule: str                   # the rule id (conformance.suite.rules) that must fail when injected
    schema_edits: tuple[SchemaEdit, ...] = ()


_REQ = "CreateSnapshotRequest"
_DESC = ("properties", "SnapshotDescription")
_ARN = ("properties", "VolumeARN")
_KEY = ("properties", "Key")
_VALUE = ("properties", "Value")
# Tag keys limited to ASCII letters and digits (plus the same specials): Unicode refused.
ASCII_TAG_KEY_PATTERN = "^([A-Za-z0-9 _.:/=+\\-@]*)$"
# The tag character set of services whose tag pattern predates '@'.
TAG_KEY_PATTERN_WITHOUT_AT = "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-]*)$"

_ALL: tuple[Fault, ...] = (
    Fault("description-max-off-by-one", "accepts a 256-character SnapshotDescription",
          "validation.SnapshotDescription.maxLength",
          (SchemaEdit(_REQ, (*_DESC, "maxLength"), 256),)),
    Fault("description-min-unchecked", "accepts an empty SnapshotDescription",
          "validation.SnapshotDescription.minLength",
          (SchemaEdit(_REQ, (*_DESC, "minLength"), REMOVE),)),
    Fault("description-required-unchecked", "accepts a request without SnapshotDescription",
          "validation.SnapshotDescription.required",
          (SchemaEdit(_REQ, ("required",), ["VolumeARN"]),)),
    Fault("volume-arn-pattern-unchecked",
          "does not check the VolumeARN pattern (a malformed ARN is looked up: VolumeNotFound)",
          "validation.VolumeARN.pattern",
          (SchemaEdit(_REQ, (*_ARN, "pattern"), REMOVE),)),
    Fault("volume-arn-min-off-by-one",
          "lets a 49-character well-formed VolumeARN through validation (then VolumeNotFound)",
          "validation.VolumeARN.minLength",
          (SchemaEdit(_REQ, (*_ARN, "minLength"), 49),)),
    Fault("tag-key-pattern-unchecked", "does not check the Tag.Key pattern",
          "validation.Tag.Key.pattern",
          (SchemaEdit("Tag", (*_KEY, "pattern"), REMOVE),)),
    Fault("tag-key-max-off-by-one", "accepts a 129-character tag key",
          "validation.Tag.Key.maxLength",
          (SchemaEdit("Tag", (*_KEY, "maxLength"), 129),)),
    Fault("tag-value-max-off-by-one", "accepts a 257-character tag value",
          "validation.Tag.Value.maxLength",
          (SchemaEdit("Tag", (*_VALUE, "maxLength"), 257),)),
    Fault("tag-key-ascii-only", "tag key pattern is ASCII-only: Unicode letters and digits refused",
          "accept.unicode",
          (SchemaEdit("Tag", (*_KEY, "pattern"), ASCII_TAG_KEY_PATTERN),)),
    Fault("length-in-bytes", "counts lengths in UTF-8 bytes instead of characters",
          "accept.unicode"),
    Fault("null-tags-rejected", "answers \"Tags\": null with SerializationException",
          "accept.null-optional"),
    Fault("wrong-type-coerced", "coerces a number where a string is required, and accepts it",
          "envelope.wrong-json-type"),
    Fault("bad-json-500", "answers a body that is not JSON with HTTP 500",
          "envelope.body-not-json"),
    Fault("validation-500", "sends ValidationException with HTTP 500", "envelope.no-5xx"),
    Fault("error-without-type", "error bodies carry no __type (only message)",
          "response.error-type"),
    Fault("error-type-header-mismatch", "X-Amzn-ErrorType header names another type than the body",
          "response.error-type-header"),
    Fault("error-code-invalid", "error.errorCode outside the enum (VOLUME_NOT_FOUND style)",
          "response.error-shape"),
    Fault("snapshot-id-wrong-form", "SnapshotId is snap- plus 10 hex digits",
          "response.success-schema"),
    Fault("snapshot-id-repeated", "returns the same SnapshotId for every snapshot",
          "state.snapshot-id-unique"),
    Fault("volume-arn-not-echoed", "response VolumeARN is lower-cased, not the request's",
          "response.volume-arn-echo"),
    Fault("unknown-volume-accepted", "snapshots any well-formed VolumeARN (no existence check)",
          "state.unknown-volume"),
    Fault("signature-unchecked", "accepts any signature (a wrong secret succeeds)",
          "authentication.signature"),
    Fault("auth-optional", "serves requests that carry no Authorization header",
          "authentication.missing"),
    Fault("clock-skew-unchecked", "does not compare X-Amz-Date with the clock",
          "authentication.expired"),
    Fault("scope-unchecked", "does not check the credential scope's region and service",
          "authentication.scope-region"),
    Fault("payload-unchecked",
          "trusts the x-amz-content-sha256 header instead of hashing the body received",
          "authentication.payload-hash"),
    Fault("target-missing-accepted", "treats a request without X-Amz-Target as CreateSnapshot",
          "envelope.target-missing"),
    # -- beyond the contract's first 27: one fault for every other MUST rule ----------------------
    Fault("target-service-ignored",
          "routes on the operation name alone: NoSuchService_20130630.CreateSnapshot is served",
          "envelope.target-unknown"),
    Fault("method-ignored", "serves GET, PUT and DELETE like POST", "envelope.method"),
    Fault("non-object-body-as-empty",
          "reads a JSON body that is not an object as {} (ValidationException, not SerializationException)",
          "envelope.body-not-object"),
    Fault("empty-body-500", "an empty body crashes the JSON parser: 500 InternalFailure",
          "envelope.body-empty"),
    Fault("malformed-auth-as-missing",
          "treats an Authorization header it cannot parse as absent (MissingAuthenticationToken)",
          "authentication.malformed"),
    Fault("unknown-key-as-signature",
          "checks an unknown access key's signature against no secret: InvalidSignatureException",
          "authentication.unknown-key"),
    Fault("scope-service-unchecked", "does not check the credential scope's service (region still checked)",
          "authentication.scope-service"),
    Fault("host-unsigned-accepted", "accepts a signature whose SignedHeaders leave out host",
          "authentication.host-signed"),
    Fault("volume-arn-required-unchecked",
          "does not require VolumeARN (a missing one is looked up: VolumeNotFound)",
          "validation.VolumeARN.required",
          (SchemaEdit(_REQ, ("required",), ["SnapshotDescription"]),)),
    Fault("null-volume-arn-serialization-error",
          "answers \"VolumeARN\": null with SerializationException (null is absent: ValidationException)",
          "validation.VolumeARN.null"),
    Fault("volume-arn-max-unchecked",
          "does not check the VolumeARN maximum length (a 501-character ARN is looked up: VolumeNotFound)",
          "validation.VolumeARN.maxLength",
          (SchemaEdit(_REQ, (*_ARN, "maxLength"), REMOVE),)),
    Fault("null-description-500", "a null SnapshotDescription crashes the handler: 500 InternalFailure",
          "validation.SnapshotDescription.null"),
    Fault("too-many-tags-exception",
          "answers more than 50 tags with TooManyTagsException, an error this API does not define",
          "validation.Tags.maxItems"),
    Fault("tag-key-required-unchecked", "accepts a tag without Key", "validation.Tag.Key.required",
          (SchemaEdit("Tag", ("required",), ["Value"]),)),
    Fault("tag-key-min-unchecked", "accepts an empty tag key", "validation.Tag.Key.minLength",
          (SchemaEdit("Tag", (*_KEY, "minLength"), REMOVE),)),
    Fault("tag-value-required-unchecked", "accepts a tag without Value", "validation.Tag.Value.required",
          (SchemaEdit("Tag", ("required",), ["Key"]),)),
    Fault("tag-value-pattern-500",
          "leaves the tag value pattern to the store, which fails: 500 InternalServerError",
          "validation.Tag.Value.pattern",
          (SchemaEdit("Tag", (*_VALUE, "pattern"), REMOVE),)),
    Fault("tag-key-at-sign-refused",
          "tag key pattern without '@' (an older AWS tag character set): valid keys refused",
          "accept.valid-request",
          (SchemaEdit("Tag", (*_KEY, "pattern"), TAG_KEY_PATTERN_WITHOUT_AT),)),
    Fault("description-max-off-by-one-low", "refuses a 255-character SnapshotDescription",
          "accept.boundaries",
          (SchemaEdit(_REQ, (*_DESC, "maxLength"), 254),)),
    Fault("unknown-member-500", "an unknown member crashes the handler: 500 InternalFailure",
          "accept.unknown-member"),
    Fault("astral-connection-drop",
          "closes the connection unanswered when a stored string holds a character beyond U+FFFF",
          "transport.answered"),
    Fault("future-dates-accepted",
          "refuses an X-Amz-Date too far in the past but not one too far in the future",
          "authentication.expired"),
    Fault("scope-date-unchecked",
          "derives the signing key from the credential scope's date without comparing it with X-Amz-Date",
          "authentication.scope-date"),
    Fault("signed-headers-fixed",
          "canonicalises host and x-amz-date only, whatever SignedHeaders lists: a request signing "
          "Content-Type and X-Amz-Target too (as botocore does) is refused",
          "accept.valid-request"),
    Fault("signed-headers-unread",
          "canonicalises a signed Content-Type as application/x-amz-json-1.1, not as received: a "
          "Content-Type altered after signing (a charset added) goes unseen",
          "authentication.signature"),
)

# Faults that break a SHOULD rule only: the run still passes (exit 0), the rule is a warning.
_WARNING: tuple[Fault, ...] = (
    Fault("foreign-content-type-serialization-error",
          "answers a Content-Type other than application/x-amz-json-1.1 with 400 SerializationException",
          "envelope.content-type"),
    Fault("plain-json-content-type", "answers with Content-Type application/json",
          "response.content-type"),
    Fault("request-id-missing", "answers without an x-amzn-RequestId header", "response.request-id"),
)

FAULTS: dict[str, Fault] = {f.name: f for f in _ALL}           # each fails a MUST rule: exit 1
WARNING_FAULTS: dict[str, Fault] = {f.name: f for f in _WARNING}  # each only warns: exit 0
ALL_FAULTS: dict[str, Fault] = {**FAULTS, **WARNING_FAULTS}
assert len(ALL_FAULTS) == len(_ALL) + len(_WARNING), "fault names must be unique"


# ---------------------------------------------------------------------------------------------
# Variants: conformant behaviours other than the defaults
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    name: str
    description: str            # one line, shown by `serve --list-variants`
    source: str                 # why it is conformant
    schema_edits: tuple[SchemaEdit, ...] = ()
    group: str | None = None    # variants of one group are alternatives: at most one at a time
    warns: tuple[str, ...] = ()  # SHOULD rules it may make warn (never a MUST rule)


SERVICE_NAMESPACE = "com.amazonaws.storagegateway.v20130630"
USER_GUIDE = "Storage Gateway User Guide > API Reference for Storage Gateway > Error responses"
COMMON_ERRORS = "AWS Common Errors page"
BOTOCORE_JSON = "botocore parsers.py > BaseJSONParser._do_error_parse"
BOTOCORE_MODEL = "botocore model storagegateway 2013-06-30 (schemas/disputed.json)"
_SMITHY = "Smithy awsJson1_1 protocol"
# The botocore model's VolumeARN pattern (schemas/disputed.json): the reference's plus -eusc.
EUSC_VOLUME_ARN_PATTERN = ("arn:(aws(|-cn|-us-gov|-iso[A-Za-z0-9_-]*|-eusc)):storagegateway:[a-z\\-0-9]+:"
                           "[0-9]+:gateway\\/(.+)\\/volume\\/vol-(\\S+)")
_BOTOCORE_EDITS = (
    SchemaEdit(_REQ, (*_ARN, "pattern"), EUSC_VOLUME_ARN_PATTERN),
    SchemaEdit(_REQ, ("properties", "Tags", "maxItems"), REMOVE),
    SchemaEdit("Tag", (*_VALUE, "pattern"), REMOVE),
)

_VARIANTS: tuple[Variant, ...] = (
    # -- error bodies and headers ------------------------------------------------------------------
    Variant("fully-qualified-type",
            "__type with a namespace (com.amazonaws.storagegateway.v20130630#ValidationException, "
            "com.amazon.coral.service#...) and X-Amzn-ErrorType with a "
            "':http://internal.amazon.com/coral/...' suffix",
            f"{_SMITHY} > error type sanitising; {BOTOCORE_JSON}; PROTOCOL.md > Errors"),
    Variant("capital-message", "error messages in 'Message' instead of 'message'",
            f"{BOTOCORE_JSON} (reads message or Message); Smithy awsJson1_1 error protocol tests"),
    Variant("null-message", "errors outside the API's model carry \"message\": null",
            "observed: DynamoDB Local (AWS's own Coral server) answers {\"__type\": \"com.amazon.coral."
            "service#UnknownOperationException\", \"message\": null}; Smithy: a null member is absent"),
    Variant("no-error-type-header", "no X-Amzn-ErrorType header (the type only in the body __type)",
            f"{_SMITHY} > the error type is in __type or in X-Amzn-ErrorType; {BOTOCORE_JSON} reads "
            "the body"),
    Variant("errors-without-details",
            "modelled errors carry error.errorCode without errorDetails; other errors no error object",
            f"{USER_GUIDE} (example: VolumeNotFound without errorDetails; 'errorDetails is not used')"),
    # -- authentication ----------------------------------------------------------------------------
    Variant("auth-403",
            "authentication errors answered with 403, as MissingAuthenticationToken and InvalidClientTokenId",
            f"{COMMON_ERRORS}; {USER_GUIDE} (MissingAuthenticationToken and InvalidClientTokenId: 403)"),
    Variant("request-expired", "a request dated outside the clock window answered with RequestExpired",
            f"{COMMON_ERRORS}; {USER_GUIDE} (RequestExpired: 400)"),
    Variant("five-minute-clock-window", "a request time window of 5 minutes instead of 15",
            "PROTOCOL.md > Errors (live JSON services: 5 minutes; the docs: 15)"),
    # -- envelope ----------------------------------------------------------------------------------
    Variant("unknown-operation-404", "a missing or unknown X-Amz-Target answered with 404 "
            "UnknownOperationException", "observed: AWS answers requests it cannot route with 404 "
            "UnknownOperationException (PROTOCOL.md > Errors, Content-Type); emulators (floci) do so for "
            "an unknown X-Amz-Target", group="target"),
    Variant("user-guide-action-errors", "a missing X-Amz-Target answered 400 MissingAction, an unknown "
            "one 400 InvalidAction", f"{USER_GUIDE} (MissingAction, InvalidAction: 400)", group="target"),
    Variant("strict-content-type", "a Content-Type other than application/x-amz-json-1.1 (parameters "
            "such as charset aside) answered 404 with the body <UnknownOperationException/>",
            "PROTOCOL.md > Errors (what AWS answers)"),
    Variant("method-405", "a method other than POST answered 405 (plain text, Allow: POST)",
            "RFC 9110 > 405; PROTOCOL.md > Errors (a 4xx)", group="method"),
    Variant("method-404-plain", "a method other than POST answered 404 with a plain-text body",
            "PROTOCOL.md > Errors (a 4xx, 404 seen)", group="method"),
    Variant("method-400", "a method other than POST answered 400 UnknownOperationException",
            "observed: DynamoDB Local answers GET / with 400 UnknownOperationException", group="method"),
    Variant("empty-body-serialization", "an empty body answered with SerializationException",
            "PROTOCOL.md > Errors (a body that is not JSON); rule envelope.body-empty (disputed)"),
    # -- validation --------------------------------------------------------------------------------
    Variant("invalid-parameters", "constraint violations answered with 400 InvalidGatewayRequestException, "
            "errorCode InvalidParameters", "PROTOCOL.md > Errors (Storage Gateway answers some invalid "
            "input so); botocore model > ErrorCode InvalidParameters"),
    Variant("utf16-lengths", "lengths counted in UTF-16 code units (a character beyond U+FFFF counts 2)",
            "PROTOCOL.md > Constraints (code points or UTF-16 units: not stated anywhere); java.lang.String"),
    Variant("botocore-model", "the botocore model's constraints: the -eusc partition, no maximum of 50 "
            "tags, no tag-value pattern", BOTOCORE_MODEL, _BOTOCORE_EDITS),
    Variant("unknown-member-validation", "a member the API does not define refused with ValidationException",
            "PROTOCOL.md > The request; rule accept.unknown-member (disputed)", group="unknown-member"),
    Variant("unknown-member-serialization",
            "a member the API does not define refused with SerializationException",
            "PROTOCOL.md > The request; rule accept.unknown-member (disputed)", group="unknown-member"),
    # -- state and responses -----------------------------------------------------------------------
    Variant("foreign-account-access-denied", "a VolumeARN of an account the endpoint does not serve refused "
            "with AccessDeniedException before any lookup", "IAM authorises against the resource's account "
            "(Storage Gateway has no resource-based policies); AWS Common Errors > AccessDeniedException "
            "(400); rule state.unknown-volume (disputed point foreign-arn)"),
    Variant("gateway-not-found", "an unknown volume on an unknown gateway answered with errorCode "
            "GatewayNotFound", "PROTOCOL.md > Errors (VolumeNotFound, or GatewayNotFound when the gateway "
            "is unknown)"),
    Variant("long-snapshot-ids", "SnapshotIds of 17 hex digits",
            "API_CreateSnapshot.md > Response Elements > SnapshotId pattern (8 or 17 hex digits)"),
    Variant("upper-case-snapshot-ids", "SnapshotIds in upper-case hex digits",
            "API_CreateSnapshot.md > Response Elements > SnapshotId pattern ([0-9A-Fa-f])"),
    Variant("extra-response-members", "success and error bodies carry members the API does not define",
            f"{_SMITHY} (clients ignore unknown members); {BOTOCORE_JSON}"),
    Variant("extra-response-headers", "extra headers (x-amz-crc32, x-amz-id-2, Vary) and "
            "Content-Type application/x-amz-json-1.1; charset=utf-8", "RFC 9110 > media type parameters; "
            "PROTOCOL.md > The request (parameters tolerated)"),
    Variant("amz-request-id", "the request id in x-amz-request-id instead of x-amzn-RequestId",
            "a SHOULD only (the reference page's example): botocore's JSON parser reads x-amzn-RequestId",
            warns=("response.request-id",)),
    Variant("aws-cn-partition", "the volumes live in the aws-cn partition (region cn-north-1 by default)",
            "API_CreateSnapshot.md > Request Parameters > VolumeARN > Pattern (aws-cn)", group="partition"),
    Variant("eusc-partition", "the volumes live in the aws-eusc partition (region eusc-de-east-1 by "
            "default), under the botocore model's constraints", BOTOCORE_MODEL, _BOTOCORE_EDITS,
            group="partition"),
    # -- HTTP --------------------------------------------------------------------------------------
    Variant("connection-close", "Connection: close on every answer, the connection closed after it",
            "RFC 9112 > 9.6 (either side may close; 'close' announces it)"),
    Variant("http-1.0", "answers as HTTP/1.0 without Content-Length, the body ended by closing the "
            "connection", "RFC 9112 > 6.3 (a body delimited by the connection's close); RFC 9110",
            group="framing"),
    Variant("chunked-responses", "bodies sent with Transfer-Encoding: chunked (no Content-Length)",
            "RFC 9112 > 7.1", group="framing"),
    Variant("gzip-responses", "bodies sent with Content-Encoding: gzip",
            "RFC 9110 > 8.4 (the recipient decodes the content coding); the answer stays complete and "
            "readable (RFC 9110 > 12.5.3 only asks a server to honour Accept-Encoding)"),
    Variant("interim-100-continue", "a 100 Continue interim answer before every final one (HTTP/1.1)",
            "RFC 9110 > 15.2 (a client parses 1xx answers before the final one, expected or not)"),
    Variant("json-formatting", "JSON bodies indented, members in another order, non-ASCII characters "
            "as UTF-8 rather than \\u escapes", "RFC 8259 > 2, 4, 7 (whitespace, member order and "
            "escapes are free); PROTOCOL.md > The request"),
    Variant("lower-case-headers", "every header name in lower case (x-amzn-requestid, content-type)",
            "RFC 9110 > 5.1 (field names are case-insensitive); HTTP/2 sends them so"),
    Variant("throttling", "every 25th request answered 400 ThrottlingException 'Rate exceeded'",
            f"{USER_GUIDE} (ThrottlingException: 400); PROTOCOL.md > Errors; botocore retries it",
            group="busy"),
    Variant("throttling-429", "every 25th request answered 429 TooManyRequestsException",
            "RFC 6585 > 4 (429 Too Many Requests); botocore retries 429 and TooManyRequestsException",
            group="busy"),
    Variant("service-unavailable", "every 25th request answered 503 ServiceUnavailable (a passing "
            "unavailability, whatever the request)", f"{USER_GUIDE} (ServiceUnavailable: 503, 'a "
            "temporary failure of the server'); botocore retries 503", group="busy"),
    Variant("keep-alive-race", "the second request on a kept-alive connection is dropped unanswered (the "
            "server's idle timeout expired as it arrived)",
            "RFC 9112 > 9.3.1 and 9.6 (a server may close an idle connection at any time; the client "
            "retries a request it knows was never processed)"),
)

VARIANTS: dict[str, Variant] = {v.name: v for v in _VARIANTS}
# Partition variants: the partition of the seeded ARNs, and the region used when none is chosen.
PARTITIONS: dict[str, tuple[str, str]] = {"aws-cn-partition": ("aws-cn", "cn-north-1"),
                                          "eusc-partition": ("aws-eusc", "eusc-de-east-1")}
assert len(VARIANTS) == len(_VARIANTS), "variant names must be unique"
assert not VARIANTS.keys() & {f.name for f in (*_ALL, *_WARNING)}, "a variant is not a fault"


def resolve_variants(names: Iterable[str]) -> frozenset[str]:
    """The named variants; an unknown name or two of one group is a UsageError."""
    chosen = frozenset(names)
    unknown = sorted(chosen - VARIANTS.keys())
    if unknown:
        raise UsageError(f"unknown variant {', '.join(unknown)}; valid variants: {', '.join(VARIANTS)}")
    groups: dict[str, list[str]] = {}
    for name in sorted(chosen):
        if VARIANTS[name].group:
            groups.setdefault(str(VARIANTS[name].group), []).append(name)
    clashes = [names for names in groups.values() if len(names) > 1]
    if clashes:
        raise UsageError(f"variants {' and '.join(clashes[0])} are alternatives: choose one")
    return chosen


def variant_listing() -> str:
    """One line per variant: name and description (what `serve --list-variants` prints)."""
    width = max(len(name) for name in VARIANTS)
    return "\n".join(f"{v.name:<{width}}  {v.description}" for v in VARIANTS.values())


class VariantSet:
    """The active variants; ``variants("name")`` says whether one is on (names are checked)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = resolve_variants(names)

    def __call__(self, name: str) -> bool:
        if name not in VARIANTS:
            raise KeyError(f"no such variant: {name}")   # a typo at a decision point is a bug
        return name in self.names

    def __bool__(self) -> bool:
        return bool(self.names)

    def schema_edits(self) -> tuple[SchemaEdit, ...]:
        edits: list[SchemaEdit] = []
        for edit in (e for n in sorted(self.names) for e in VARIANTS[n].schema_edits):
            if edit not in edits:   # botocore-model and eusc-partition share theirs
                edits.append(edit)
        return tuple(edits)


def resolve(names: Iterable[str]) -> frozenset[str]:
    """The named faults as a set; an unknown name is a UsageError listing the valid ones."""
    chosen = frozenset(names)
    unknown = sorted(chosen - ALL_FAULTS.keys())
    if unknown:
        raise UsageError(f"unknown fault {', '.join(unknown)}; valid faults: {', '.join(ALL_FAULTS)}")
    return chosen


def listing() -> str:
    """One line per fault: name and description (what `serve --list-faults` prints)."""
    width = max(len(name) for name in ALL_FAULTS)
    return "\n".join(f"{f.name:<{width}}  {f.description}" for f in ALL_FAULTS.values())


class FaultSet:
    """The active faults; ``faults("name")`` says whether one is injected (names are checked)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = resolve(names)

    def __call__(self, name: str) -> bool:
        if name not in ALL_FAULTS:
            raise KeyError(f"no such fault: {name}")   # a typo at a decision point is a bug
        return name in self.names

    def __bool__(self) -> bool:
        return bool(self.names)

    def schema_edits(self) -> tuple[SchemaEdit, ...]:
        return tuple(e for n in sorted(self.names) for e in ALL_FAULTS[n].schema_edits)
