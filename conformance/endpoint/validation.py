"""Request validation with AWS's answers: the ValidationException message, or a type error.

The constraints come from ``schemas/`` only (loaded through :mod:`conformance.spec.schemas`, with
``pattern`` evaluated as java.util.regex).  Each jsonschema error becomes one
:class:`Violation` rendered the way AWS's JSON services word it (docs/protocol.md > Observed answers)::

    2 validation errors detected: Value null at 'volumeARN' failed to satisfy constraint:
    Member must not be null; Value '' at 'snapshotDescription' failed to satisfy constraint:
    Member must have length greater than or equal to 1

A member of the wrong JSON type is not a validation error but a deserialization one
(SerializationException, docs/protocol.md > JSON text): :class:`WrongType` is raised for it.
JSON ``null`` members count as absent and unknown members are ignored (docs/protocol.md >
The request).  The schemas are compiled once per endpoint (:func:`operation_validators`: one
registry, one validator per operation); a :class:`~conformance.endpoint.faults.FaultSet` may
move constraints (schema edits), count lengths in bytes, or coerce numbers to strings; a
:class:`~conformance.endpoint.variants.VariantSet` may apply the botocore model's constraints
or count lengths in UTF-16 code units (both conformant).
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conformance.endpoint import fastcheck
from conformance.endpoint.faults import FaultSet
from conformance.endpoint.named import REMOVE, SchemaEdit
from conformance.endpoint.variants import VariantSet
from conformance.spec import javaregex, schemas
from conformance.spec.text import utf8_len, utf16_len

# jsonschema keyword -> AWS's constraint wording (docs/protocol.md > Observed answers).
# Lists are measured with the same "length" wording as strings.
CONSTRAINT_TEXT: dict[str, Callable[[Any], str]] = {
    "required": lambda _: "Member must not be null",
    "minLength": lambda n: f"Member must have length greater than or equal to {n}",
    "maxLength": lambda n: f"Member must have length less than or equal to {n}",
    "minItems": lambda n: f"Member must have length greater than or equal to {n}",
    "maxItems": lambda n: f"Member must have length less than or equal to {n}",
    "pattern": lambda p: f"Member must satisfy regular expression pattern: {p}",
    "enum": lambda values: f"Member must satisfy enum value set: [{', '.join(map(str, values))}]",
    "minimum": lambda n: f"Member must have value greater than or equal to {n}",
    "maximum": lambda n: f"Member must have value less than or equal to {n}",
}
# JSON Schema type names -> the words used in a SerializationException message.
JSON_TYPE_NAMES: dict[type, str] = {
    dict: "an object", list: "an array", str: "a string", bool: "a boolean",
    int: "a number", float: "a number", type(None): "null",
}

_GATEWAY_ARN_PATTERN = ("arn:(aws(|-cn|-us-gov|-iso[A-Za-z0-9_-]*)):storagegateway:"
                        "[a-z\\-0-9]+:[0-9]+:gateway\\/(.+)")
# ListVolumes is served only so that clients can discover a volume; its constraints are
# not in schemas/ (which describe CreateSnapshot), so they are stated here.
LIST_VOLUMES_SCHEMA: dict[str, Any] = {
    "$id": f"{schemas.BASE_URI}ListVolumesRequest.schema.json",
    "title": "ListVolumes request body",
    "type": "object",
    "properties": {
        "GatewayARN": {"type": "string", "minLength": 50, "maxLength": 500,
                       "pattern": _GATEWAY_ARN_PATTERN},
        "Marker": {"type": "string", "minLength": 1, "maxLength": 2000},
        "Limit": {"type": "integer", "minimum": 1},
    },
    "x-source": "botocore model > ListVolumesInput (GatewayARN, Marker, Limit); "
                "GatewayARN pattern as the reference's VolumeARN prefix",
}
EXTRA_SCHEMAS: dict[str, dict[str, Any]] = {"ListVolumesRequest": LIST_VOLUMES_SCHEMA}
_ASCII_DIGITS = re.compile(r"^[0-9]{1,30}$")   # a byte count, a ListVolumes marker
# The operations the endpoint serves, and the schema of each one's request body.
OPERATION_SCHEMAS = {"CreateSnapshot": "CreateSnapshotRequest", "ListVolumes": "ListVolumesRequest"}


@dataclass(frozen=True)
class Violation:
    """One violated constraint: where, the offending value (None = absent), and the constraint."""

    path: str
    value: Any
    constraint: str

    def __str__(self) -> str:
        shown = "null" if self.value is None else f"'{render_value(self.value)}'"
        return f"Value {shown} at '{self.path}' failed to satisfy constraint: {self.constraint}"


class WrongType(ValueError):
    """A member of the wrong JSON type: answered with SerializationException."""


class Invalid(ValueError):
    """Constraints violated: answered with ValidationException and :func:`message`."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = list(violations)
        super().__init__(message(self.violations))


def render_value(value: Any) -> str:
    """A value as AWS quotes it in a message: strings verbatim, the rest as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def member_path(parts: Sequence[str | int]) -> str:
    """AWS's member path: ``["Tags", 0, "Key"]`` -> ``tags.1.member.key`` (1-based lists)."""
    out: list[str] = []
    for part in parts:
        out.append(f"{part + 1}.member" if isinstance(part, int) else part[:1].lower() + part[1:])
    return ".".join(out)


def message(violations: Sequence[Violation]) -> str:
    """The ValidationException message: a count, then every violation joined by '; '."""
    noun = "error" if len(violations) == 1 else "errors"
    return f"{len(violations)} validation {noun} detected: " + "; ".join(map(str, violations))


def ascii_decimal(text: str) -> int | None:
    """A non-negative decimal in ASCII digits (str.isdigit also takes '²'), else None."""
    text = text.strip()
    return int(text) if _ASCII_DIGITS.match(text) else None


def drop_nulls(value: Any) -> Any:
    """The value with every object member whose value is JSON null removed (= absent)."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def _counting_lengths(measure: Callable[[str], int], unit: str) -> Any:
    """The Java-pattern validator with minLength/maxLength counted by ``measure``."""
    def min_length(validator: Any, limit: int, instance: Any, schema: Any) -> Iterator[ValidationError]:
        if validator.is_type(instance, "string") and measure(instance) < limit:
            yield ValidationError(f"{instance!r} is shorter than {limit} {unit}")

    def max_length(validator: Any, limit: int, instance: Any, schema: Any) -> Iterator[ValidationError]:
        if validator.is_type(instance, "string") and measure(instance) > limit:
            yield ValidationError(f"{instance!r} is longer than {limit} {unit}")

    return jsonschema.validators.extend(schemas.JavaPatternValidator,
                                        {"minLength": min_length, "maxLength": max_length})


# Fault "length-in-bytes": the same schemas, lengths counted in UTF-8 bytes.
ByteLengthValidator = _counting_lengths(utf8_len, "bytes")
# Variant "utf16-lengths": lengths counted as java.lang.String.length() does (docs/protocol.md > Constraints).
Utf16LengthValidator = _counting_lengths(utf16_len, "UTF-16 code units")
# Fault "nfc-before-length": lengths measured after NFC normalisation (AWS does not normalise).
NfcLengthValidator = _counting_lengths(lambda s: len(unicodedata.normalize("NFC", s)), "NFC characters")


def _match_to_end_of_line(validator: Any, pattern: str, instance: Any,
                          schema: Any) -> Iterator[ValidationError]:
    """Fault "pattern-end-of-line-slack": Python's ``re.match(p + '$')``, which lets one final newline by."""
    if validator.is_type(instance, "string") \
            and not javaregex.java_fullmatch(pattern, instance.removesuffix("\n")):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


EndOfLineSlackValidator = jsonschema.validators.extend(schemas.JavaPatternValidator,
                                                       {"pattern": _match_to_end_of_line})


def apply_edits(documents: dict[str, dict[str, Any]],
                edits: Sequence[SchemaEdit]) -> dict[str, dict[str, Any]]:
    """A deep copy of ``documents`` with the fault's schema edits applied."""
    out = copy.deepcopy(documents)
    for edit in edits:
        node = out[edit.schema]
        for key in edit.path[:-1]:
            node = node[key]
        if edit.value is REMOVE:
            node.pop(edit.path[-1], None)
        else:
            node[edit.path[-1]] = copy.deepcopy(edit.value)
    return out


def _set_at(instance: Any, path: Sequence[str | int], value: Any) -> None:
    for part in path[:-1]:
        instance = instance[part]
    instance[path[-1]] = value


def _json_number_text(value: int | float) -> str:
    return str(value) if isinstance(value, int) else repr(value)


@dataclass(frozen=True)
class CompiledSchemas:
    """The schemas with the faults' and variants' edits, in one registry, and how to check them."""

    documents: dict[str, dict[str, Any]]
    registry: Registry = field(repr=False)
    validator_class: Any
    coerce_numbers: bool     # fault "wrong-type-coerced"


def compile_schemas(faults: FaultSet | None = None, variants: VariantSet | None = None) -> CompiledSchemas:
    """``schemas/`` (and :data:`EXTRA_SCHEMAS`) as ``faults`` and ``variants`` edit and measure them."""
    faults = faults or FaultSet()
    variants = variants or VariantSet()
    documents = apply_edits({**schemas.load_all(), **EXTRA_SCHEMAS},
                            (*variants.schema_edits(), *faults.schema_edits()))
    # Without "$schema", $ref'd schemas keep this validator class (see conformance.spec.schemas).
    documents = {n: {k: v for k, v in d.items() if k != "$schema"} for n, d in documents.items()}
    registry: Registry = Registry().with_resources(
        (d["$id"], Resource.from_contents(d, default_specification=DRAFT202012))
        for d in documents.values())
    cls = (ByteLengthValidator if faults("length-in-bytes")
           else NfcLengthValidator if faults("nfc-before-length")
           else EndOfLineSlackValidator if faults("pattern-end-of-line-slack")
           else Utf16LengthValidator if variants("utf16-lengths") else schemas.JavaPatternValidator)
    return CompiledSchemas(documents, registry, cls, faults("wrong-type-coerced"))


def operation_validators(faults: FaultSet | None = None,
                         variants: VariantSet | None = None) -> dict[str, RequestValidator]:
    """One validator per operation (:data:`OPERATION_SCHEMAS`), over schemas compiled once."""
    compiled = compile_schemas(faults, variants)
    return {operation: RequestValidator(name, compiled=compiled)
            for operation, name in OPERATION_SCHEMAS.items()}


class RequestValidator:
    """Validates one operation's request body against the (fault-adjusted) schemas.

    ``compiled`` shares schemas already compiled; without it they are compiled for
    ``faults`` and ``variants``.
    """

    def __init__(self, schema_name: str = "CreateSnapshotRequest", faults: FaultSet | None = None,
                 variants: VariantSet | None = None, *, compiled: CompiledSchemas | None = None) -> None:
        compiled = compiled or compile_schemas(faults, variants)
        self.schema = compiled.documents[schema_name]
        self._validator = compiled.validator_class(self.schema, registry=compiled.registry)
        self._coerce_numbers = compiled.coerce_numbers
        # The shortcut for valid bodies (fastcheck: True means valid), with the default measures only.
        self._valid = fastcheck.compile_check(self.schema, compiled.documents) \
            if compiled.validator_class is schemas.JavaPatternValidator else None

    def violations(self, params: Any) -> list[Violation]:
        """Every violated constraint of ``params`` (null members count as absent).

        Raises :class:`WrongType` when a member (or the body) has the wrong JSON type.
        """
        return self._check(drop_nulls(params))

    def validated(self, params: Any) -> Any:
        """``params`` as the operation sees it (nulls dropped); raises Invalid or WrongType."""
        params = drop_nulls(params)
        if self._valid is not None and self._valid(params):
            return params
        found = self._check(params)
        if found:
            raise Invalid(found)
        return params

    def _check(self, params: Any) -> list[Violation]:
        errors = list(self._validator.iter_errors(params))
        type_errors = [e for e in errors if e.validator == "type"]
        if type_errors and self._coerce_numbers and self._coerce(params, type_errors):
            return self._check(params)
        if type_errors:
            raise WrongType(_type_message(type_errors[0]))
        found: dict[tuple[str, str], Violation] = {}
        for error in errors:
            for violation in _violations(error):
                found.setdefault((violation.path, violation.constraint), violation)
        return sorted(found.values(), key=_path_order)

    @staticmethod
    def _coerce(params: Any, type_errors: list[ValidationError]) -> bool:
        """Fault "wrong-type-coerced": numbers where strings are expected become strings."""
        numbers = [e for e in type_errors if e.validator_value == "string" and e.absolute_path
                   and isinstance(e.instance, int | float) and not isinstance(e.instance, bool)]
        if len(numbers) != len(type_errors):
            return False
        for error in numbers:
            _set_at(params, list(error.absolute_path), _json_number_text(error.instance))
        return True


def _path_order(violation: Violation) -> list[tuple[int, int | str]]:
    """Member paths in natural order (tags.2 before tags.10)."""
    return [(0, int(p)) if p.isdigit() else (1, p) for p in violation.path.split(".")]


def _violations(error: ValidationError) -> list[Violation]:
    describe = CONSTRAINT_TEXT.get(str(error.validator))
    if describe is None:  # a keyword added to the schemas without a wording: still reported
        describe = lambda value, kw=error.validator: f"Member must satisfy constraint {kw}: {value}"  # noqa: E731
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = [n for n in error.validator_value if n not in error.instance]
        return [Violation(member_path([*path, n]), None, describe(None)) for n in missing]
    return [Violation(member_path(path), error.instance, describe(error.validator_value))]


def _type_message(error: ValidationError) -> str:
    found = JSON_TYPE_NAMES.get(type(error.instance), "a value")
    expected = error.validator_value
    if not error.absolute_path:
        return f"The request body must be a JSON object, not {found}"
    return f"Member '{member_path(list(error.absolute_path))}' must be of type {expected}, not {found}"
