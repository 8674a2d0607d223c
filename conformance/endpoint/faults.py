"""The registry of named faults the reference endpoint can inject.

Each fault is ONE deviation from the reference behaviour (the API reference page and
docs/protocol.md), of a kind a real emulator could plausibly have.  They exist to prove the
suite's checks: with a fault injected, the rule named by :attr:`Fault.rule` must fail.

:data:`FAULTS` proves the MUST rules: each makes a run exit 1 with its rule failing.
:data:`WARNING_FAULTS` proves the SHOULD rules: a run with one of them still exits 0, and
its rule is a warning.  :data:`ALL_FAULTS` is both; any of them can be injected.  On a
disputed rule a fault's answer lies outside every accepted alternative (a 5xx, or an error
type the API does not define), never on one of them.  The other side of the proof, the
conformant alternatives, is :mod:`conformance.endpoint.variants`.

A fault that only moves a constraint carries schema edits (:class:`~conformance.endpoint.named.SchemaEdit`);
every other fault is consulted by name (a :class:`FaultSet`) at the one decision point it
changes (:mod:`conformance.endpoint.auth`, :mod:`~conformance.endpoint.app`,
:mod:`~conformance.endpoint.backend`, :mod:`~conformance.endpoint.http` for the framing ones).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from conformance.endpoint.named import (
    DESCRIPTION,
    REMOVE,
    REQUEST,
    TAG_KEY,
    TAG_VALUE,
    VOLUME_ARN,
    Named,
    NamedSet,
    SchemaEdit,
)


@dataclass(frozen=True)
class Fault:
    name: str
    description: str            # one line, shown by `serve --list-faults`
    rule: str                   # the rule id (conformance.suite.rules) that must fail when injected
    schema_edits: tuple[SchemaEdit, ...] = ()


# Tag keys limited to ASCII letters and digits (plus the same specials): Unicode refused.
ASCII_TAG_KEY_PATTERN = "^([A-Za-z0-9 _.:/=+\\-@]*)$"
# The tag character set of services whose tag pattern predates '@'.
TAG_KEY_PATTERN_WITHOUT_AT = "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-]*)$"

# The reference VolumeARN pattern with one atom changed (the partition branches, the gateway quantifier).
_ARN_TAIL = ":storagegateway:[a-z\\-0-9]+:[0-9]+:gateway\\/(.+)\\/volume\\/vol-(\\S+)"
FIXED_PARTITIONS_ARN_PATTERN = "arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b)" + _ARN_TAIL
OPTIONAL_GATEWAY_ARN_PATTERN = ("arn:(aws(|-cn|-us-gov|-iso[A-Za-z0-9_-]*)):storagegateway:[a-z\\-0-9]+:"
                                "[0-9]+:gateway\\/(.*)\\/volume\\/vol-(\\S+)")
PARTIAL_CATEGORIES_TAG_KEY_PATTERN = "^([\\p{Lu}\\p{Ll}\\p{Lm}\\p{Lo}\\p{Zs}\\p{Nd}_.:/=+\\-@]*)$"

_ALL: tuple[Fault, ...] = (
    Fault("description-max-off-by-one", "accepts a 256-character SnapshotDescription",
          "validation.SnapshotDescription.maxLength",
          (SchemaEdit(REQUEST, (*DESCRIPTION, "maxLength"), 256),)),
    Fault("description-min-unchecked", "accepts an empty SnapshotDescription",
          "validation.SnapshotDescription.minLength",
          (SchemaEdit(REQUEST, (*DESCRIPTION, "minLength"), REMOVE),)),
    Fault("description-required-unchecked", "accepts a request without SnapshotDescription",
          "validation.SnapshotDescription.required",
          (SchemaEdit(REQUEST, ("required",), ["VolumeARN"]),)),
    Fault("volume-arn-pattern-unchecked",
          "does not check the VolumeARN pattern (a malformed ARN is looked up: VolumeNotFound)",
          "validation.VolumeARN.pattern",
          (SchemaEdit(REQUEST, (*VOLUME_ARN, "pattern"), REMOVE),)),
    Fault("volume-arn-min-off-by-one",
          "lets a 49-character well-formed VolumeARN through validation (then VolumeNotFound)",
          "validation.VolumeARN.minLength",
          (SchemaEdit(REQUEST, (*VOLUME_ARN, "minLength"), 49),)),
    Fault("tag-key-pattern-unchecked", "does not check the Tag.Key pattern",
          "validation.Tag.Key.pattern",
          (SchemaEdit("Tag", (*TAG_KEY, "pattern"), REMOVE),)),
    Fault("tag-key-max-off-by-one", "accepts a 129-character tag key",
          "validation.Tag.Key.maxLength",
          (SchemaEdit("Tag", (*TAG_KEY, "maxLength"), 129),)),
    Fault("tag-value-max-off-by-one", "accepts a 257-character tag value",
          "validation.Tag.Value.maxLength",
          (SchemaEdit("Tag", (*TAG_VALUE, "maxLength"), 257),)),
    Fault("tag-key-ascii-only", "tag key pattern is ASCII-only: Unicode letters and digits refused",
          "accept.unicode",
          (SchemaEdit("Tag", (*TAG_KEY, "pattern"), ASCII_TAG_KEY_PATTERN),)),
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
          (SchemaEdit(REQUEST, ("required",), ["SnapshotDescription"]),)),
    Fault("null-volume-arn-serialization-error",
          "answers \"VolumeARN\": null with SerializationException (null is absent: ValidationException)",
          "validation.VolumeARN.null"),
    Fault("volume-arn-max-unchecked",
          "does not check the VolumeARN maximum length (a 501-character ARN is looked up: VolumeNotFound)",
          "validation.VolumeARN.maxLength",
          (SchemaEdit(REQUEST, (*VOLUME_ARN, "maxLength"), REMOVE),)),
    Fault("null-description-500", "a null SnapshotDescription crashes the handler: 500 InternalFailure",
          "validation.SnapshotDescription.null"),
    Fault("too-many-tags-exception",
          "answers more than 50 tags with TooManyTagsException, an error this API does not define",
          "validation.Tags.maxItems"),
    Fault("tags-max-unchecked",
          "accepts any number of tags, reading the botocore model's silence on a maximum as none",
          "validation.Tags.maxItems",
          (SchemaEdit(REQUEST, ("properties", "Tags", "maxItems"), REMOVE),)),
    Fault("tag-key-required-unchecked", "accepts a tag without Key", "validation.Tag.Key.required",
          (SchemaEdit("Tag", ("required",), ["Value"]),)),
    Fault("tag-key-min-unchecked", "accepts an empty tag key", "validation.Tag.Key.minLength",
          (SchemaEdit("Tag", (*TAG_KEY, "minLength"), REMOVE),)),
    Fault("tag-value-required-unchecked", "accepts a tag without Value", "validation.Tag.Value.required",
          (SchemaEdit("Tag", ("required",), ["Key"]),)),
    Fault("tag-value-pattern-500",
          "leaves the tag value pattern to the store, which fails: 500 InternalServerError",
          "validation.Tag.Value.pattern",
          (SchemaEdit("Tag", (*TAG_VALUE, "pattern"), REMOVE),)),
    Fault("tag-key-at-sign-refused",
          "tag key pattern without '@' (an older AWS tag character set): valid keys refused",
          "accept.valid-request",
          (SchemaEdit("Tag", (*TAG_KEY, "pattern"), TAG_KEY_PATTERN_WITHOUT_AT),)),
    Fault("description-max-off-by-one-low", "refuses a 255-character SnapshotDescription",
          "accept.boundaries",
          (SchemaEdit(REQUEST, (*DESCRIPTION, "maxLength"), 254),)),
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
    # -- JSON text (RFC 8259) and values without a pattern --------------------------------------
    Fault("lenient-json", "reads JSON as permissive parsers do (comments, trailing commas, single quotes, "
          "unquoted names, NaN, loose numbers, control characters, bytes that are not UTF-8, trailing data)",
          "envelope.json-strict"),
    Fault("json-escaped-names-unread", "does not recognise a member name written with \\u escapes "
          "(\\u0056olumeARN): the member is missing", "accept.json-text"),
    Fault("null-tag-500", "a null element inside Tags crashes the handler: 500 InternalFailure",
          "envelope.json-robust"),
    Fault("description-printable-only", "gives SnapshotDescription a pattern the page does not: format "
          "characters (right-to-left marks, zero-width joiners) refused",
          "accept.plain-values",
          (SchemaEdit(REQUEST, (*DESCRIPTION, "pattern"), "^[^\\p{Cf}]*$"),)),
    Fault("nfc-before-length", "normalises strings to NFC before measuring them: 256 characters of "
          "combining sequences pass as 128", "validation.SnapshotDescription.maxLength"),
    # -- patterns, from their syntax tree ----------------------------------------------------------
    Fault("partition-list-fixed", "checks the ARN partition against a fixed list (aws, aws-cn, aws-us-gov, "
          "aws-iso, aws-iso-b): aws-iso-f and the rest the pattern allows refused as invalid",
          "state.valid-arn-forms",
          (SchemaEdit(REQUEST, (*VOLUME_ARN, "pattern"), FIXED_PARTITIONS_ARN_PATTERN),)),
    Fault("gateway-part-optional", "the ARN pattern's gateway part allows zero characters (.* for .+)",
          "validation.VolumeARN.pattern",
          (SchemaEdit(REQUEST, (*VOLUME_ARN, "pattern"), OPTIONAL_GATEWAY_ARN_PATTERN),)),
    Fault("pattern-end-of-line-slack", "matches patterns as Python's re.match(p + '$') does: a value "
          "followed by one newline passes", "validation.VolumeARN.pattern"),
    Fault("tag-key-categories-partial", "reads \\p{L}\\p{Z}\\p{N} as Lu, Ll, Lm, Lo, Zs and Nd only: "
          "title-case letters, line and paragraph separators, letter and other numbers refused",
          "accept.unicode",
          (SchemaEdit("Tag", (*TAG_KEY, "pattern"), PARTIAL_CATEGORIES_TAG_KEY_PATTERN),)),
    Fault("target-prefix-routing", "routes an X-Amz-Target that is a prefix or an extension of an "
          "operation's (CreateSnap, CreateSnapshots) to that operation", "envelope.target-unknown"),
    # -- the order of checks ------------------------------------------------------------------------
    Fault("body-parsed-before-auth", "parses the body before checking the signature: an unsigned request "
          "with a broken body gets SerializationException", "envelope.order-auth-first"),
    Fault("lookup-before-validation", "looks the volume up as soon as the ARN is read, before the other "
          "members are validated: an invalid description with an unknown volume gets VolumeNotFound",
          "validation.SnapshotDescription.maxLength"),
    # -- SigV4 step by step --------------------------------------------------------------------
    Fault("clock-window-padded", "a clock window of 18 minutes (15 plus a margin): 16 minutes off is "
          "accepted", "authentication.expired"),
    Fault("clock-window-narrow", "a clock window of 3 minutes: a request 4 minutes off is refused",
          "accept.valid-request"),
    Fault("auth-syntax-500", "an Authorization header its parser cannot read (another algorithm, a "
          "credential of four parts) crashes the verifier: 500 InternalFailure", "authentication.syntax"),
    Fault("signed-headers-fixed",
          "canonicalises host and x-amz-date only, whatever SignedHeaders lists: a request signing "
          "Content-Type and X-Amz-Target too (as botocore does) is refused",
          "accept.valid-request"),
    Fault("signed-headers-unread",
          "canonicalises a signed Content-Type as application/x-amz-json-1.1, not as received: a "
          "Content-Type altered after signing (a charset added) goes unseen",
          "authentication.signature"),
    Fault("payload-hash-reserialised",
          "hashes the body parsed and written again by json.dumps (', ' and ': '), not the bytes received: "
          "a request signed over compact JSON is refused with InvalidSignatureException",
          "authentication.payload-hash"),
    # -- the canonical headers as received -------------------------------------------------------
    Fault("host-from-listen-address",
          "canonicalises host as the address it listens on (127.0.0.1:<port>), not the Host received: "
          "a request signed for localhost:<port>, or for 127.0.0.1 without the port, is refused",
          "accept.canonical-headers"),
    Fault("header-names-case-sensitive",
          "looks each signed header up by exact name, as SignedHeaders spells it (x-amz-date) or in title "
          "case (X-Amz-Date): a request sending X-AMZ-DATE, HOST or CONTENT-TYPE is refused",
          "accept.canonical-headers"),
    Fault("repeated-header-first-value",
          "canonicalises a signed header sent in several field lines as its first value, not as the "
          "values joined by commas in order (aws4_testsuite get-header-value-order): such a request is "
          "refused", "accept.canonical-headers"),
    # -- HTTP framing (conformance.endpoint.http) -------------------------------------------------
    Fault("incomplete-body-500", "a body that ends before its Content-Length or its last chunk, a broken "
          "chunk, or a Content-Length that is not a byte count, answered 500 InternalFailure",
          "envelope.http-framing"),
    Fault("header-lines-lenient", "skips a header line that is no 'name: value' (a bare token) and "
          "strips whitespace before a colon, then reads the fields on: such a request is served",
          "envelope.http-framing"),
    Fault("no-length-read-to-close", "reads a body without Content-Length or chunks until the client "
          "closes its side, where RFC 9112 gives it none: a client that keeps the connection open waits "
          "for ever", "envelope.http-framing"),
    Fault("oversized-500", "a request line or header section over its limits answered 500 "
          "InternalFailure instead of 414 or 431", "envelope.http-framing"),
    Fault("request-line-lenient", "reads a request line without its version (POST /), or with the "
          "version in lower case (http/1.1), as HTTP/1.1 and serves it", "envelope.http-framing"),
    Fault("http-version-unchecked", "serves a request line of HTTP/2.0 or HTTP/3.0 as if it said HTTP/1.1",
          "envelope.http-framing"),
    Fault("expect-continue-500", "a request carrying Expect: 100-continue answered 500 InternalFailure "
          "before its body", "accept.expect-continue"),
    Fault("content-type-parameters-refused", "compares the whole Content-Type with "
          "application/x-amz-json-1.1: one with a parameter (; charset=utf-8) is refused with "
          "SerializationException",
          "accept.content-type-parameters"),
    Fault("path-not-normalised", "canonicalises the path as sent, dot segments kept: a request to /./ "
          "signed (as SigV4 says) over / is refused as a bad signature", "accept.canonical-uri"),
    Fault("query-unsorted", "canonicalises the query in the order received: a request to /?b=2&a=1 signed "
          "over a=1&b=2 is refused as a bad signature", "accept.canonical-uri"),
    Fault("absolute-target-500", "a request target in absolute form (http://host/) answered 500 "
          "InternalFailure: the target is taken for a path", "accept.http-forms"),
    Fault("plain-json-content-type", "answers with Content-Type application/json",
          "response.content-type"),
    Fault("date-header-iso", "sends its Date header in ISO 8601 (2026-12-01T14:00:00Z), not as an "
          "HTTP-date", "response.date"),
    Fault("http-refusals-422", "answers a request it cannot parse as HTTP (a bad request line, "
          "version or header block) with 422 SerializationException, where the sources give that type "
          "as a 400", "response.error-status"),
)

# Faults that break a SHOULD rule only: the run still passes (exit 0), the rule is a warning.
_WARNING: tuple[Fault, ...] = (
    Fault("foreign-content-type-serialization-error",
          "answers a Content-Type other than application/x-amz-json-1.1 with 400 SerializationException",
          "envelope.content-type"),
    Fault("request-id-missing", "answers without an x-amzn-RequestId header", "response.request-id"),
)

FAULTS: dict[str, Fault] = {f.name: f for f in _ALL}           # each fails a MUST rule: exit 1
WARNING_FAULTS: dict[str, Fault] = {f.name: f for f in _WARNING}  # each only warns: exit 0
ALL_FAULTS: dict[str, Fault] = {**FAULTS, **WARNING_FAULTS}
assert len(ALL_FAULTS) == len(_ALL) + len(_WARNING), "fault names must be unique"


class FaultSet(NamedSet):
    """The injected faults; ``faults("name")`` says whether one is (names are checked)."""

    kind = "fault"
    registry: ClassVar[Mapping[str, Named]] = ALL_FAULTS


def resolve(names: Iterable[str]) -> frozenset[str]:
    """The named faults as a set; an unknown name is a UsageError listing the valid ones."""
    return FaultSet.resolve(names)


def listing() -> str:
    """One line per fault: name and description (what `serve --list-faults` prints)."""
    return FaultSet.listing()
