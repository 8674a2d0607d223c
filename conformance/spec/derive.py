"""Derive the JSON Schemas under ``schemas/`` from an AWS API reference page (markdown).

The page (``API_CreateSnapshot.md``) is parsed into a small model: its member blocks
(``** [Name](...) **`` followed by ``Type:`` / ``Length Constraints:`` / ``Pattern:`` /
``Required:`` lines) under "Request Parameters" and "Response Elements", and its modelled
errors with their HTTP status codes under "Errors".  From that model the four schemas
(draft 2020-12) are built, every constraint with an ``x-source`` naming where it comes from.

Facts the page does not hold (the Tag page and the StorageGatewayError page are not
available) live in the data tables below, with their provenance: botocore's
storagegateway model, and the page's own Tags text, whose special characters appear
mangled as ``\\$1`` and are decoded here to ``_ . : / = + - @``.  Regenerating never needs
botocore installed; :mod:`conformance.spec.botocore_compare` checks these tables against it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

# Section headings the parser looks for (as the reference spells them).
REQUEST_SECTION = "Request Parameters"
RESPONSE_SECTION = "Response Elements"
REQUEST_SYNTAX_SECTION = "Request Syntax"
RESPONSE_SYNTAX_SECTION = "Response Syntax"
ERRORS_SECTION = "Errors"


class ReferenceFormatError(ValueError):
    """The page is not an API reference page in the expected markdown form."""


# ---------------------------------------------------------------------------------------
# The intermediate model.


@dataclass(frozen=True)
class Member:
    """One parameter block of the page."""

    name: str
    type_text: str                  # the "Type:" line, links reduced to their text
    description: str = ""
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    required: bool | None = None    # None: the block has no "Required:" line
    max_items: int | None = None
    max_items_text: str | None = None   # the words the maximum was read from


@dataclass(frozen=True)
class ErrorDoc:
    """One modelled error of the Errors section."""

    name: str
    status: int
    fields: tuple[str, ...]
    error_shape: str | None = None  # the type linked from the "error" field


@dataclass(frozen=True)
class ReferencePage:
    operation: str
    page: str                       # e.g. "API_CreateSnapshot.md" (the name used in x-source)
    request: tuple[Member, ...]
    response: tuple[Member, ...]
    errors: tuple[ErrorDoc, ...]
    request_syntax: dict[str, Any] | None = None
    sections: dict[str, str] = field(default_factory=dict, repr=False)

    def request_member(self, name: str) -> Member:
        return _find(self.request, name, REQUEST_SECTION)

    def response_member(self, name: str) -> Member:
        return _find(self.response, name, RESPONSE_SECTION)


def _find(members: Iterable[Member], name: str, section: str) -> Member:
    for member in members:
        if member.name == name:
            return member
    raise ReferenceFormatError(f"the page has no '{name}' block under '{section}'")


# ---------------------------------------------------------------------------------------
# Parsing.

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_HTML_TAG = re.compile(r"<[^>]*>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_BOLD_NAME = re.compile(r"^\s*\*\*\s*(?:\[([^\]]+)\]\([^)]*\)|([^*\[\]]+?))\s*\*\*")
_FIELD = re.compile(
    r"^\s*(Type|Length Constraints|Pattern|Required|Array Members|Valid Values)\s*:\s*(.*?)\s*$", re.I)
_STATUS = re.compile(r"^\s*HTTP Status Code\s*:\s*(\d{3})\b", re.I)
_CODE_FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)
_ANCHOR = re.compile(r'<a name="(API_[A-Za-z0-9]+)"></a>')
_LENGTH_WORDS: dict[str, re.Pattern[str]] = {
    "min": re.compile(r"Minimum length of (\d+)", re.I),
    "max": re.compile(r"Maximum length of (\d+)", re.I),
    "fixed": re.compile(r"Fixed length of (\d+)", re.I),
}
_ITEMS_MAX = re.compile(r"Maximum number of (\d+) items?", re.I)
_UP_TO = re.compile(r"\b(a list of up to (\d+) [\w-]+)", re.I)


def _plain(text: str) -> str:
    """Markdown inline text reduced to words (links to their text; emphasis and HTML tags dropped)."""
    text = _HTML_TAG.sub("", _LINK.sub(r"\1", text)).replace("**", "").replace("`", "")
    return re.sub(r"\s+", " ", text).strip()


def split_sections(text: str) -> tuple[str, dict[str, str]]:
    """The page's title (first level-1 heading) and the body of every other heading."""
    title = ""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_fence = False
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading and len(heading.group(1)) == 1 and not title:
            title, current = _plain(heading.group(2)), None
        elif heading:
            current = sections.setdefault(_plain(heading.group(2)).lower(), [])
        elif current is not None:
            current.append(line)
    return title, {name: "\n".join(lines) for name, lines in sections.items()}


def _blocks(body: str) -> list[tuple[str, list[str]]]:
    """(bold name, following lines) for every ``** name **`` line of a section body."""
    blocks: list[tuple[str, list[str]]] = []
    for line in body.split("\n"):
        bold = _BOLD_NAME.match(line)
        if bold:
            blocks.append(((bold.group(1) or bold.group(2)).strip(), []))
        elif blocks:
            blocks[-1][1].append(line)
    return blocks


def _lengths(text: str) -> tuple[int | None, int | None]:
    found = {k: int(m.group(1)) for k, rx in _LENGTH_WORDS.items() if (m := rx.search(text))}
    if "fixed" in found:
        return found["fixed"], found["fixed"]
    return found.get("min"), found.get("max")


def _pattern(text: str) -> str:
    quoted = re.fullmatch(r"(`+)\s?(.*?)\s?\1", text)
    return quoted.group(2) if quoted else text


def parse_member(name: str, lines: list[str], section: str) -> Member:
    """One ``** [Name](...) **`` block: its description and its Type/Length/Pattern/Required lines."""
    fields: dict[str, str] = {}
    description: list[str] = []
    for line in lines:
        found = _FIELD.match(line)
        if found:
            fields[found.group(1).lower()] = found.group(2)
        elif not fields and line.strip():
            description.append(line.strip())
    if "type" not in fields:
        raise ReferenceFormatError(f"'{name}' under '{section}' has no 'Type:' line")
    low, high = _lengths(fields.get("length constraints", ""))
    text = _plain(" ".join(description))
    items = _ITEMS_MAX.search(fields.get("array members", ""))
    up_to = _UP_TO.search(text)
    max_items, max_items_text = (
        (int(items.group(1)), f"Array Members: {_plain(items.group(0))}") if items
        else (int(up_to.group(2)), up_to.group(1)) if up_to else (None, None))
    required = fields.get("required")
    return Member(
        name=name,
        type_text=_plain(fields["type"]),
        description=text,
        min_length=low,
        max_length=high,
        pattern=_pattern(fields["pattern"]) if "pattern" in fields else None,
        required=None if required is None else required.strip().lower().startswith("yes"),
        max_items=max_items,
        max_items_text=max_items_text,
    )


def _members(sections: dict[str, str], section: str) -> tuple[Member, ...]:
    body = sections.get(section.lower())
    if body is None:
        raise ReferenceFormatError(f"the page has no '{section}' section (a '## {section}' heading)")
    members = tuple(parse_member(name, lines, section) for name, lines in _blocks(body))
    if not members:
        raise ReferenceFormatError(
            f"the '{section}' section has no member blocks ('** [Name](...) **' then 'Type: ...')")
    return members


def parse_errors(body: str) -> tuple[ErrorDoc, ...]:
    """The Errors section: each error's name, fields (``** error **``...) and HTTP status."""
    errors: list[ErrorDoc] = []
    name: str | None = None
    fields: list[str] = []
    error_shape: str | None = None
    for line in body.split("\n"):
        bold = _BOLD_NAME.match(line)
        status = _STATUS.match(line)
        if bold and name is None:
            name, fields, error_shape = (bold.group(1) or bold.group(2)).strip(), [], None
        elif bold:
            fields.append((bold.group(1) or bold.group(2)).strip())
        elif name is not None and fields and fields[-1] == "error" and error_shape is None:
            linked = _LINK.search(line)
            error_shape = linked.group(1) if linked else None
        if status and name is not None:
            errors.append(ErrorDoc(name, int(status.group(1)), tuple(fields), error_shape))
            name = None
    return tuple(errors)


def _syntax(sections: dict[str, str], section: str) -> dict[str, Any] | None:
    fence = _CODE_FENCE.search(sections.get(section.lower(), ""))
    if not fence:
        return None
    try:
        parsed = json.loads(fence.group(1))
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


def parse_reference(text: str) -> ReferencePage:
    """Read an API reference page (markdown) into a :class:`ReferencePage`."""
    title, sections = split_sections(text)
    anchor = _ANCHOR.search(text)
    operation = anchor.group(1)[len("API_"):] if anchor else title
    if not operation or not re.fullmatch(r"[A-Za-z0-9]+", operation):
        raise ReferenceFormatError("the page has no '# OperationName' title: is it an API reference page?")
    request = _members(sections, REQUEST_SECTION)
    response = _members(sections, RESPONSE_SECTION)
    errors_body = sections.get(ERRORS_SECTION.lower())
    if errors_body is None:
        raise ReferenceFormatError(f"the page has no '{ERRORS_SECTION}' section")
    errors = parse_errors(errors_body)
    if not errors:
        raise ReferenceFormatError(
            "the 'Errors' section has no '** Name **' ... 'HTTP Status Code: N' blocks")
    return ReferencePage(
        operation=operation,
        page=f"API_{operation}.md",
        request=request,
        response=response,
        errors=errors,
        request_syntax=_syntax(sections, REQUEST_SYNTAX_SECTION),
        sections=sections,
    )


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
