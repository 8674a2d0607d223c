"""The registry of conformant variants: behaviours other than the reference endpoint's defaults.

Each variant differs from the defaults and is still conformant: it cites the source that
allows it (the API reference, docs/protocol.md, the Storage Gateway User Guide, the botocore
model, Smithy, HTTP, or AWS's observed answers).  With any of them on, the suite must pass
(tests/test_variants.py): they prove that the checks accept every reasonable answer, not just
this server's style, as the faults (:mod:`conformance.endpoint.faults`) prove that they
refuse the wrong ones.  Variants of one :attr:`Variant.group` are alternatives (at most one
at a time); a :class:`VariantSet` is the active ones, consulted at the same decision points
as the faults and, for the HTTP ones, in :mod:`conformance.endpoint.http`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from conformance.endpoint.faults import ALL_FAULTS
from conformance.endpoint.named import REMOVE, REQUEST, TAG_VALUE, VOLUME_ARN, Named, NamedSet, SchemaEdit


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
# Its silence on the number of tags is no licence: the 50-tag limit stays (docs/protocol.md >
# Disputed points), so these edits follow the model only where it contradicts the page.
EUSC_VOLUME_ARN_PATTERN = ("arn:(aws(|-cn|-us-gov|-iso[A-Za-z0-9_-]*|-eusc)):storagegateway:[a-z\\-0-9]+:"
                           "[0-9]+:gateway\\/(.+)\\/volume\\/vol-(\\S+)")
_BOTOCORE_EDITS = (
    SchemaEdit(REQUEST, (*VOLUME_ARN, "pattern"), EUSC_VOLUME_ARN_PATTERN),
    SchemaEdit("Tag", (*TAG_VALUE, "pattern"), REMOVE),
)

_VARIANTS: tuple[Variant, ...] = (
    # -- error bodies and headers ------------------------------------------------------------------
    Variant("fully-qualified-type",
            "__type with a namespace (com.amazonaws.storagegateway.v20130630#ValidationException, "
            "com.amazon.coral.service#...) and X-Amzn-ErrorType with a "
            "':http://internal.amazon.com/coral/...' suffix",
            f"{_SMITHY} > error type sanitising; {BOTOCORE_JSON}; docs/protocol.md > Errors"),
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
            "docs/protocol.md > SigV4 (clock skew: 5 minutes live, 15 in the docs)"),
    # -- envelope ----------------------------------------------------------------------------------
    Variant("unknown-operation-404", "a missing or unknown X-Amz-Target answered with 404 "
            "UnknownOperationException", "observed: AWS answers requests it cannot route with 404 "
            "UnknownOperationException (docs/protocol.md > Observed answers); emulators (floci) do so for "
            "an unknown X-Amz-Target", group="target"),
    Variant("user-guide-action-errors", "a missing X-Amz-Target answered 400 MissingAction, an unknown "
            "one 400 InvalidAction", f"{USER_GUIDE} (MissingAction, InvalidAction: 400)", group="target"),
    Variant("strict-content-type", "a Content-Type other than application/x-amz-json-1.1 (parameters "
            "such as charset aside) answered 404 with the body <UnknownOperationException/>",
            "docs/protocol.md > Observed answers (a foreign Content-Type)"),
    Variant("method-405", "a method other than POST answered 405 (plain text, Allow: POST)",
            "RFC 9110 > 405; docs/protocol.md > Observed answers (a 4xx)", group="method"),
    Variant("method-404-plain", "a method other than POST answered 404 with a plain-text body",
            "docs/protocol.md > Observed answers (a 4xx, 404 seen)", group="method"),
    Variant("method-400", "a method other than POST answered 400 UnknownOperationException",
            "observed: DynamoDB Local answers GET / with 400 UnknownOperationException", group="method"),
    Variant("bom-accepted", "a UTF-8 byte order mark before the JSON text is skipped (the body served)",
            "RFC 8259 > 8.1 (a parser may ignore a BOM); docs/protocol.md > JSON text (either)"),
    Variant("duplicate-names-refused", "a member name repeated in an object refused with "
            "SerializationException", "RFC 8259 > 4 (names SHOULD be unique; behaviour unpredictable); "
            "docs/protocol.md > JSON text (either)"),
    Variant("control-characters-refused", "a SnapshotDescription holding a control character or a "
            "Unicode noncharacter refused with ValidationException",
            "docs/protocol.md > Constraints (control characters: success or a 4xx)",
            (SchemaEdit(REQUEST, ("properties", "SnapshotDescription", "pattern"), "^[^\\p{Cc}\\p{Cn}]*$"),)),
    Variant("empty-body-serialization", "an empty body answered with SerializationException",
            "docs/protocol.md > Observed answers (not JSON); rule envelope.body-empty (disputed)"),
    # -- validation --------------------------------------------------------------------------------
    Variant("invalid-parameters", "constraint violations answered with 400 InvalidGatewayRequestException, "
            "errorCode InvalidParameters", "docs/protocol.md > Observed answers (Storage Gateway answers "
            "some input so); botocore model > ErrorCode InvalidParameters"),
    Variant("utf16-lengths", "lengths counted in UTF-16 code units (a character beyond U+FFFF counts 2)",
            "docs/protocol.md > Constraints (code points or UTF-16 units: stated nowhere); java.lang.String"),
    Variant("botocore-model", "the botocore model's constraints where it contradicts the reference page: "
            "the -eusc partition, no tag-value pattern", BOTOCORE_MODEL, _BOTOCORE_EDITS),
    Variant("unknown-member-validation", "a member the API does not define refused with ValidationException",
            "docs/protocol.md > The request; rule accept.unknown-member (disputed)", group="unknown-member"),
    Variant("unknown-member-serialization",
            "a member the API does not define refused with SerializationException",
            "docs/protocol.md > The request; rule accept.unknown-member (disputed)", group="unknown-member"),
    # -- state and responses -----------------------------------------------------------------------
    Variant("foreign-account-access-denied", "a VolumeARN of an account the endpoint does not serve refused "
            "with AccessDeniedException before any lookup", "IAM authorises against the resource's account "
            "(Storage Gateway has no resource-based policies); AWS Common Errors > AccessDeniedException "
            "(400); rule state.unknown-volume (disputed point foreign-arn)"),
    Variant("gateway-not-found", "an unknown volume on an unknown gateway answered with errorCode "
            "GatewayNotFound", "docs/protocol.md > Observed answers (VolumeNotFound, or GatewayNotFound if "
            "the gateway is unknown)"),
    Variant("long-snapshot-ids", "SnapshotIds of 17 hex digits",
            "API_CreateSnapshot.md > Response Elements > SnapshotId pattern (8 or 17 hex digits)"),
    Variant("upper-case-snapshot-ids", "SnapshotIds in upper-case hex digits",
            "API_CreateSnapshot.md > Response Elements > SnapshotId pattern ([0-9A-Fa-f])"),
    Variant("extra-response-members", "success and error bodies carry members the API does not define",
            f"{_SMITHY} (clients ignore unknown members); {BOTOCORE_JSON}"),
    Variant("extra-response-headers", "extra headers (x-amz-crc32, x-amz-id-2, Vary) and "
            "Content-Type application/x-amz-json-1.1; charset=utf-8", "RFC 9110 > media type parameters; "
            "docs/protocol.md > The request (parameters tolerated)"),
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
            "escapes are free); docs/protocol.md > JSON text"),
    Variant("lower-case-headers", "every header name in lower case (x-amzn-requestid, content-type)",
            "RFC 9110 > 5.1 (field names are case-insensitive); HTTP/2 sends them so"),
    Variant("throttling", "every 25th request answered 400 ThrottlingException 'Rate exceeded'",
            f"{USER_GUIDE} (ThrottlingException: 400); docs/protocol.md > Observed answers; botocore retries",
            group="busy"),
    Variant("throttling-429", "every 25th request answered 429 TooManyRequestsException",
            "RFC 6585 > 4 (429 Too Many Requests); botocore retries 429 and TooManyRequestsException",
            group="busy"),
    Variant("service-unavailable", "every 25th request answered 503 ServiceUnavailable (a passing "
            "unavailability, whatever the request)", f"{USER_GUIDE} (ServiceUnavailable: 503, 'a "
            "temporary failure of the server'); botocore retries 503", group="busy"),
    Variant("framing-close", "a request whose framing is broken (a body cut short or badly chunked, a "
            "Content-Length that is not a byte count, a version not spoken) closed without an answer",
            "RFC 9112 > 8 (a server MAY send an error before closing on an incomplete request), 6.3 (an "
            "invalid length is unrecoverable: the server closes the connection); "
            "docs/protocol.md > The request (a 4xx or a closed connection)"),
    Variant("large-header-section", "reads request lines and header lines of up to 1 MiB and up to 1,000 "
            "header fields (where http.client's limits are 64 KiB and 100)",
            "RFC 9112 > 2.3, 3 (the server chooses its limits; 8,000 octets of request line at least), 5; "
            "docs/protocol.md > The request"),
    Variant("empty-lines-skipped", "skips every empty line before a request line (not only one)",
            "RFC 9112 > 2.2 (a server should ignore at least one empty line); "
            "docs/protocol.md > The request"),
    Variant("version-505", "HTTP/2.0 and later on the request line answered 505 HTTP Version Not Supported",
            "RFC 9110 > 15.6.6 (505: the major version is not supported); docs/protocol.md > The request"),
    Variant("expect-417", "a request carrying Expect: 100-continue refused with 417 Expectation Failed "
            "before its body", "RFC 9110 > 10.1.1, 15.5.18 (417: an expectation not met); "
            "docs/protocol.md > The request"),
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
assert not VARIANTS.keys() & ALL_FAULTS.keys(), "a variant is not a fault"


class VariantSet(NamedSet):
    """The active variants; ``variants("name")`` says whether one is on (names are checked)."""

    kind = "variant"
    registry: ClassVar[Mapping[str, Named]] = VARIANTS


def resolve(names: Iterable[str]) -> frozenset[str]:
    """The named variants; an unknown name or two of one group is a UsageError."""
    return VariantSet.resolve(names)


def listing() -> str:
    """One line per variant: name and description (what `serve --list-variants` prints)."""
    return VariantSet.listing()
