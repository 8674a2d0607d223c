"""Derive the JSON Schemas under ``schemas/`` from an AWS API reference page (markdown).

The page (``API_CreateSnapshot.md``) is read into a small model by
:mod:`conformance.spec.reference_page`; from that model the four schemas (draft 2020-12) are
built here, every constraint with an ``x-source`` naming where it comes from.

Facts the page does not hold (the Tag page and the StorageGatewayError page are not
available) live in the data tables below, with their provenance: botocore's
storagegateway model, and the page's own Tags text, whose special characters appear
mangled as ``\\$1`` and are decoded here to ``_ . : / = + - @``.  Regenerating never needs
botocore installed; :mod:`conformance.spec.botocore_compare` checks these tables against it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.spec.reference_page import (
    ERRORS_SECTION,
    REQUEST_SECTION,
    REQUEST_SYNTAX_SECTION,
    RESPONSE_SECTION,
    RESPONSE_SYNTAX_SECTION,
    Member,
    ReferenceFormatError,
    ReferencePage,
    parse_reference,
)
from conformance.spec.schemas import BASE_URI, SCHEMA_NAMES

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PATTERN_DIALECT = "java.util.regex, whole-string match (Matcher.matches)"
PROTOCOL = "docs/protocol.md"   # the project's protocol notes: conformance.spec.notes.CITATION
UNKNOWN_MEMBERS_SOURCE = f"{PROTOCOL} > The request: unknown members are ignored (not constrained here)"
ERROR_TYPE_SOURCE = f"{PROTOCOL} > Errors (awsJson1_1: the error type travels in the body field __type)"
ERROR_DETAILS_SOURCE = "botocore model > errorDetails (map of string to string)"

# ---------------------------------------------------------------------------------------
# Facts from outside the page (data, with provenance).

# The Tag object (API_Tag.md is not available).  Source: botocore storagegateway model,
# shapes Tag (required Key, Value), TagKey (min 1, max 128, pattern) and TagValue (max 256).
TAG_FACTS: dict[str, dict[str, Any]] = {
    "Key": {"shape": "TagKey", "minLength": 1, "maxLength": 128,
            "pattern": "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$"},
    "Value": {"shape": "TagValue", "minLength": 0, "maxLength": 256, "pattern": None},
}
TAG_REQUIRED = ("Key", "Value")

# The page's Tags text lists the special characters as "\$1 - = . \$1 : / @": its renderer
# replaced two of them (in the Tag page's wording "+ - = . _ : / @") by "\$1".  Decoded
# with botocore's TagKey pattern, whose character class ends with exactly these eight.
MANGLED_TOKEN = "\\$1"
TAG_SPECIAL_CHARACTERS = ("_", ".", ":", "/", "=", "+", "-", "@")

# StorageGatewayError.errorCode (API_StorageGatewayError.md is not available).
# Source: botocore storagegateway model, shape ErrorCode, in the model's order.  The
# trailing space of "LunAlreadyAllocated " is the model's own and is kept verbatim.
ERROR_CODES: tuple[str, ...] = (
    "ActivationKeyExpired", "ActivationKeyInvalid", "ActivationKeyNotFound",
    "GatewayInternalError", "GatewayNotConnected", "GatewayNotFound",
    "GatewayProxyNetworkConnectionBusy", "AuthenticationFailure",
    "BandwidthThrottleScheduleNotFound", "Blocked", "CannotExportSnapshot",
    "ChapCredentialNotFound", "DiskAlreadyAllocated", "DiskDoesNotExist",
    "DiskSizeGreaterThanVolumeMaxSize", "DiskSizeLessThanVolumeSize", "DiskSizeNotGigAligned",
    "DuplicateCertificateInfo", "DuplicateSchedule", "EndpointNotFound", "IAMNotSupported",
    "InitiatorInvalid", "InitiatorNotFound", "InternalError", "InvalidGateway",
    "InvalidEndpoint", "InvalidParameters", "InvalidSchedule", "LocalStorageLimitExceeded",
    "LunAlreadyAllocated ", "LunInvalid", "JoinDomainInProgress",
    "MaximumContentLengthExceeded", "MaximumTapeCartridgeCountExceeded",
    "MaximumVolumeCountExceeded", "NetworkConfigurationChanged", "NoDisksAvailable",
    "NotImplemented", "NotSupported", "OperationAborted", "OutdatedGateway",
    "ParametersNotImplemented", "RegionInvalid", "RequestTimeout", "ServiceUnavailable",
    "SnapshotDeleted", "SnapshotIdInvalid", "SnapshotInProgress", "SnapshotNotFound",
    "SnapshotScheduleNotFound", "StagingAreaFull", "StorageFailure", "TapeCartridgeNotFound",
    "TargetAlreadyExists", "TargetInvalid", "TargetNotFound", "UnauthorizedOperation",
    "VolumeAlreadyExists", "VolumeIdInvalid", "VolumeInUse", "VolumeNotFound", "VolumeNotReady",
)

# The reference's "Type:" wording -> JSON Schema type.
SCALAR_TYPES: dict[str, str] = {
    "string": "string", "integer": "integer", "long": "integer", "boolean": "boolean",
    "double": "number", "float": "number", "timestamp": "number",
}

# ---------------------------------------------------------------------------------------
# Building the schemas.


class _Sources:
    """x-source strings for one page: ``<page> > <section> > <member> > <field>``."""

    def __init__(self, page: ReferencePage) -> None:
        self.page = page.page

    def __call__(self, *path: str) -> str:
        return " > ".join((self.page, *path))


def _envelope(name: str, title: str) -> dict[str, Any]:
    return {"$schema": SCHEMA_DIALECT, "$id": f"{BASE_URI}{name}.schema.json", "title": title}


def _array_item_type(type_text: str) -> str | None:
    """``Array of Tag objects`` -> ``Tag``; None when the type is not an array of objects."""
    found = re.fullmatch(r"Array of (\w+) objects?", type_text, re.I)
    return found.group(1) if found else None


def _array_scalar_type(type_text: str) -> str | None:
    """``Array of strings`` -> ``string``; None when the type is not an array of scalars."""
    found = re.fullmatch(r"Array of (\w+?)s?", type_text, re.I)
    return SCALAR_TYPES.get(found.group(1).lower()) if found else None


def member_schema(member: Member, section: str, src: _Sources) -> dict[str, Any]:
    """The JSON Schema of one member block, every keyword with its source."""
    where = (section, member.name)
    is_array = _array_item_type(member.type_text) or _array_scalar_type(member.type_text)
    schema, sources = (_array_schema if is_array else _scalar_schema)(member, where, src)
    if member.required:
        sources["required"] = src(*where, "Required")
    schema["x-source"] = sources
    return schema


def _array_schema(member: Member, where: tuple[str, str],
                  src: _Sources) -> tuple[dict[str, Any], dict[str, str]]:
    schema: dict[str, Any] = {"type": "array"}
    sources = {"type": src(*where, "Type")}
    if member.max_items is not None:
        schema["maxItems"] = member.max_items
        words = member.max_items_text or ""
        sources["maxItems"] = (src(*where, "Array Members") if words.startswith("Array Members")
                               else f"{src(*where)} (text: '{words}')")
    item, scalar = _array_item_type(member.type_text), _array_scalar_type(member.type_text)
    schema["items"] = {"$ref": f"{item}.schema.json"} if item else {"type": scalar}
    sources["items"] = src(*where, f"Type ({member.type_text})")
    return schema, sources


def _scalar_schema(member: Member, where: tuple[str, str],
                   src: _Sources) -> tuple[dict[str, Any], dict[str, str]]:
    scalar = SCALAR_TYPES.get(member.type_text.lower())
    if scalar is None:
        raise ReferenceFormatError(f"'{member.name}': unsupported 'Type: {member.type_text}'")
    schema: dict[str, Any] = {"type": scalar}
    sources = {"type": src(*where, "Type")}
    for keyword, value in (("minLength", member.min_length), ("maxLength", member.max_length)):
        if value is not None:
            schema[keyword] = value
            sources[keyword] = src(*where, "Length Constraints")
    if member.pattern is not None:
        schema["pattern"] = member.pattern
        schema["x-pattern-dialect"] = PATTERN_DIALECT
        sources["pattern"] = src(*where, "Pattern")
    return schema, sources


def build_request(page: ReferencePage) -> dict[str, Any]:
    src = _Sources(page)
    required = [m.name for m in page.request if m.required]
    schema = _envelope("CreateSnapshotRequest", f"{page.operation} request body")
    schema.update({
        "type": "object",
        "required": required,
        "properties": {m.name: member_schema(m, REQUEST_SECTION, src) for m in page.request},
        "x-source": {
            "type": src(REQUEST_SYNTAX_SECTION),
            "required": src(REQUEST_SECTION, f"Required: Yes ({', '.join(required)})"),
            "additionalProperties": UNKNOWN_MEMBERS_SOURCE,
        },
    })
    return schema


def build_response(page: ReferencePage) -> dict[str, Any]:
    src = _Sources(page)
    schema = _envelope("CreateSnapshotResponse", f"{page.operation} response body")
    schema["type"] = "object"
    required = [m.name for m in page.response if m.required]
    if required:
        schema["required"] = required
    schema["properties"] = {m.name: member_schema(m, RESPONSE_SECTION, src) for m in page.response}
    schema["x-source"] = {"type": src(RESPONSE_SYNTAX_SECTION)}
    return schema


@dataclass(frozen=True)
class TagText:
    """What the page's Tags block says about Tag keys and values."""

    specials: tuple[str, ...]       # the decoded special characters
    mangled: tuple[str, ...]        # those printed as "\\$1" on the page
    key_max: tuple[int, str]        # (value, the words it was read from)
    value_max: tuple[int, str]
    value_shares_charset: bool      # "valid characters for key and value"


_SPECIALS = re.compile(r"following special characters\s*:\s*(.+?)\.?\s*(?:The |$)", re.I)
_KEY_MAX = re.compile(r"(maximum length (?:of|for) a tag['’]s key is (\d+))", re.I)
_VALUE_MAX = re.compile(r"(maximum length (?:of|for) a tag['’]s value is (\d+))", re.I)


def read_tag_text(member: Member) -> TagText:
    """Read the Tags block's prose; decode the ``\\$1``-mangled special characters."""
    text = member.description
    specials, key_max, value_max = _SPECIALS.search(text), _KEY_MAX.search(text), _VALUE_MAX.search(text)
    if not (specials and key_max and value_max):
        raise ReferenceFormatError(
            f"the '{member.name}' block does not state the tag character set and key/value maximum lengths")
    tokens = specials.group(1).split()
    mangled = sum(t == MANGLED_TOKEN for t in tokens)
    shown = {t for t in tokens if t != MANGLED_TOKEN}
    if not shown <= set(TAG_SPECIAL_CHARACTERS) or len(shown) + mangled != len(TAG_SPECIAL_CHARACTERS):
        raise ReferenceFormatError(
            f"the Tags text lists special characters {specials.group(1)!r}, which do not decode to "
            f"{' '.join(TAG_SPECIAL_CHARACTERS)} (update conformance.spec.derive.TAG_SPECIAL_CHARACTERS)")
    return TagText(
        specials=TAG_SPECIAL_CHARACTERS,
        mangled=tuple(c for c in TAG_SPECIAL_CHARACTERS if c not in shown),
        key_max=(int(key_max.group(2)), key_max.group(1)),
        value_max=(int(value_max.group(2)), value_max.group(1)),
        value_shares_charset=bool(re.search(r"characters for key and value", text, re.I)),
    )


def _check_tag_facts(page: ReferencePage, text: TagText) -> None:
    """The page and the table must agree where both speak."""
    for name, (value, words) in (("Key", text.key_max), ("Value", text.value_max)):
        if TAG_FACTS[name]["maxLength"] != value:
            table = TAG_FACTS[name]["maxLength"]
            raise ReferenceFormatError(f"the page says '{words}', TAG_FACTS['{name}'] says maxLength {table}")
    syntax = page.request_syntax or {}
    tags = syntax.get("Tags")
    if isinstance(tags, list) and tags and isinstance(tags[0], dict) and set(tags[0]) != set(TAG_FACTS):
        raise ReferenceFormatError(f"the Request Syntax shows Tag members {sorted(tags[0])}, "
                                   f"the table {sorted(TAG_FACTS)}")


def build_tag(page: ReferencePage) -> dict[str, Any]:
    src = _Sources(page)
    tags = page.request_member("Tags")
    if _array_item_type(tags.type_text) != "Tag":
        raise ReferenceFormatError(f"'Tags' is '{tags.type_text}', expected 'Array of Tag objects'")
    text = read_tag_text(tags)
    _check_tag_facts(page, text)
    where = src(REQUEST_SECTION, tags.name)
    hidden = " and ".join(f"'{c}'" for c in text.mangled)
    chars = (f"letters, spaces, numbers and {' '.join(text.specials)}; "
             f"{hidden} printed there as '{MANGLED_TOKEN}'")
    key, value = TAG_FACTS["Key"], TAG_FACTS["Value"]
    key_schema = {
        "type": "string", "minLength": key["minLength"], "maxLength": key["maxLength"],
        "pattern": key["pattern"], "x-pattern-dialect": PATTERN_DIALECT,
        "x-source": {
            "type": f"botocore model > {key['shape']} (the Tag page is not available)",
            "minLength": f"botocore model > {key['shape']} > min",
            "maxLength": f"{where} (text: '{text.key_max[1]}'); botocore model > {key['shape']} > max",
            "pattern": f"botocore model > {key['shape']} > pattern; {where} (text: {chars})",
            "required": "botocore model > Tag > required",
        },
    }
    value_schema: dict[str, Any] = {
        "type": "string", "minLength": value["minLength"], "maxLength": value["maxLength"]}
    value_sources = {
        "type": f"botocore model > {value['shape']}",
        "minLength": f"botocore model > {value['shape']} (no min)",
        "maxLength": f"{where} (text: '{text.value_max[1]}'); botocore model > {value['shape']} > max",
    }
    if text.value_shares_charset:
        value_schema.update({"pattern": key["pattern"], "x-pattern-dialect": PATTERN_DIALECT})
        value_sources["pattern"] = (f"{where} (text: valid characters for key and value are {chars}); "
                                    f"disputed: botocore model > {value['shape']} has no pattern")
    value_sources["required"] = "botocore model > Tag > required"
    value_schema["x-source"] = value_sources
    schema = _envelope("Tag", "Tag object")
    schema.update({
        "type": "object",
        "required": list(TAG_REQUIRED),
        "properties": {"Key": key_schema, "Value": value_schema},
        "x-source": {
            "type": src(REQUEST_SECTION, tags.name, f"Type ({tags.type_text})"),
            "required": f"botocore model > Tag > required ({', '.join(TAG_REQUIRED)})",
        },
    })
    return schema


def build_error_body(page: ReferencePage) -> dict[str, Any]:
    src = _Sources(page)
    names = [e.name for e in page.errors]
    shape = next((e.error_shape for e in page.errors if e.error_shape), "StorageGatewayError")
    schema = _envelope("StorageGatewayErrorBody", f"Error body of {', '.join(names)}")
    schema.update({
        "type": "object",
        "required": ["__type"],
        "properties": {
            "__type": {"type": "string", "minLength": 1, "x-source": {
                "type": ERROR_TYPE_SOURCE,
                "minLength": f"{PROTOCOL} > Errors (clients read the error code from __type)"}},
            "message": {"type": "string", "x-source": {"type": src(ERRORS_SECTION, "message")}},
            "error": {
                "type": "object",
                "properties": {
                    "errorCode": {"type": "string", "enum": list(ERROR_CODES), "x-source": {
                        "type": f"botocore model > {shape} > errorCode (shape ErrorCode, a string)",
                        "enum": f"botocore model > ErrorCode (the {shape} page is not available)"}},
                    "errorDetails": {"type": "object", "additionalProperties": {"type": "string"},
                                     "x-source": {"type": ERROR_DETAILS_SOURCE}},
                },
                "x-source": {"type": src(ERRORS_SECTION, f"error ({shape})")},
            },
        },
        "x-errors": {e.name: e.status for e in page.errors},
        "x-source": {
            "type": f"{PROTOCOL} > Errors (the body is a JSON object)",
            "x-errors": src(ERRORS_SECTION, "HTTP Status Code"),
            "required": f"{PROTOCOL} > Errors",
        },
    })
    return schema


def _check_error_fields(page: ReferencePage) -> None:
    for error in page.errors:
        if not {"error", "message"} <= set(error.fields):
            raise ReferenceFormatError(f"error '{error.name}' lacks an 'error' or 'message' field")


BUILDERS = {
    "CreateSnapshotRequest": build_request,
    "Tag": build_tag,
    "CreateSnapshotResponse": build_response,
    "StorageGatewayErrorBody": build_error_body,
}


def build_schemas(reference_text: str) -> dict[str, dict[str, Any]]:
    """The four schemas (by name, in :data:`conformance.schemas.SCHEMA_NAMES` order) from a page."""
    page = parse_reference(reference_text)
    if page.operation != "CreateSnapshot":
        raise ReferenceFormatError(f"this is the page of '{page.operation}', not of CreateSnapshot")
    _check_error_fields(page)
    return {name: BUILDERS[name](page) for name in SCHEMA_NAMES}


def dump_schema(schema: dict[str, Any]) -> str:
    """The committed text of a schema."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def render_schemas(reference_text: str) -> dict[str, str]:
    """File name -> committed text, for every schema."""
    return {f"{name}.schema.json": dump_schema(s) for name, s in build_schemas(reference_text).items()}


def write_schemas(directory: Path, reference_text: str) -> list[Path]:
    """Regenerate the schema files in ``directory``; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in render_schemas(reference_text).items():
        path = directory / file_name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
