"""Differences between ``schemas/`` and botocore's storagegateway model: the disputed points.

The committed schemas follow the API reference page; botocore's service model is a second,
independent statement of the same constraints, and the two differ in places (an extra
``-eusc`` partition in the VolumeARN pattern, no 50-tag maximum, no character set for tag
values).  Every difference is recorded, but only a *contradiction* is a disputed point on
which the suite accepts both answers: where the model merely leaves a constraint out, it is
silent, and a limit the reference page states holds (docs/protocol.md > Disputed points:
silence is not a dispute).  A silence becomes a contradiction only where another source
states the absence (:data:`STATED_ABSENCES`).  Each record says which it is (``disputed``).
The list lives in ``schemas/disputed.json``: :func:`differences` computes it (botocore
needed), :func:`load_disputes` reads it (botocore not needed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.errors import UsageError
from conformance.spec.schemas import SCHEMA_DIR, schema_path

DISPUTED_FILE = "disputed.json"
SERVICE = "storagegateway"
OPERATION = "CreateSnapshot"
RECORD_KEYS = ("id", "schema", "member", "keyword", "shape", "schemas", "botocore", "disputed",
               "suite_accepts", "rule", "source")

# JSON Schema keyword -> (botocore trait, the value that absence means on both sides).
STRING_KEYWORDS: dict[str, tuple[str, Any]] = {
    "minLength": ("min", 0), "maxLength": ("max", None), "pattern": ("pattern", None)}
ARRAY_KEYWORDS: dict[str, tuple[str, Any]] = {"minItems": ("min", 0), "maxItems": ("max", None)}
BOTOCORE_TYPES: dict[str, str] = {
    "string": "string", "list": "array", "structure": "object", "map": "object",
    "integer": "integer", "long": "integer", "boolean": "boolean", "double": "number", "float": "number"}

# What the suite does on a disputed point, by keyword: the values concerned ...
DISPUTED_VALUES: dict[str, str] = {
    "pattern": "a value one side's pattern refuses and the other side allows",
    "minLength": "a value whose length lies between the two minimums",
    "maxLength": "a value whose length lies between the two maximums",
    "minItems": "a list whose size lies between the two minimums",
    "maxItems": "a list longer than the smaller maximum",
    "required": "a body without this member",
    "type": "a value of either type",
    "properties": "this member",
    "enum": "a value listed on one side only",
    "x-errors": "an error listed on one side only",
}
# ... and what it accepts for them, by where the schema is used.
SUITE_ACCEPTS: dict[str, str] = {
    "request": ("either refused as invalid input (400 ValidationException, or "
                "InvalidGatewayRequestException with errorCode InvalidParameters) or treated as valid input"),
    "response": "in a response it is not a failure either way",
}
# ... and, where the model is only silent, that the reference's constraint holds.
SILENCE_HOLDS: dict[str, str] = {
    "request": ("refused as invalid input: the botocore model leaves this constraint out, it does not "
                "state another one (silence is not a dispute, docs/protocol.md > Disputed points)"),
    "response": "judged by the reference page's constraint (the botocore model leaves it out)",
}
# A constraint the model leaves out that another source also states is absent: a real
# contradiction (record id -> that source).
STATED_ABSENCES: dict[str, str] = {
    "Tag.Value.pattern": "the Tag data type page gives TagValue no pattern while it gives TagKey one "
                         "(docs/protocol.md > Disputed points, tag-value-pattern)",
}
SCHEMA_ROLES: dict[str, str] = {
    "CreateSnapshotRequest": "request", "Tag": "request",
    "CreateSnapshotResponse": "response", "StorageGatewayErrorBody": "response"}


@dataclass(frozen=True)
class ObjectPair:
    """One of our object schemas and the botocore structure it corresponds to."""

    schema: str
    shape: str                      # botocore shape name
    rule_prefix: str                # rule id prefix for a member ("validation.Tag.")
    member_rules: bool = True       # False: every difference maps to ``rule_prefix`` itself


PAIRS: tuple[ObjectPair, ...] = (
    ObjectPair("CreateSnapshotRequest", "CreateSnapshotInput", "validation."),
    ObjectPair("Tag", "Tag", "validation.Tag."),
    ObjectPair("CreateSnapshotResponse", "CreateSnapshotOutput", "response.success-schema", False),
)


# ---------------------------------------------------------------------------------------
# Reading both sides.


def load_model() -> Any:
    """botocore's storagegateway service model (botocore is an optional dependency)."""
    try:
        import botocore.session
    except ModuleNotFoundError as exc:
        raise UsageError("botocore is not installed: install sgw-conformance[botocore]") from exc
    return botocore.session.get_session().get_service_model(SERVICE)


def botocore_version() -> str:
    try:
        import botocore
    except ModuleNotFoundError:
        return "not installed"
    return str(botocore.__version__)


def read_schemas(directory: Path = SCHEMA_DIR) -> dict[str, dict[str, Any]]:
    """The schema files as they are on disk now (not cached)."""
    from conformance.spec.schemas import SCHEMA_NAMES

    try:
        return {n: json.loads(schema_path(n, directory).read_text("utf-8")) for n in SCHEMA_NAMES}
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"cannot read the schemas in {directory}: {exc}") from exc


def _botocore_shapes(model: Any) -> dict[str, Any]:
    op = model.operation_model(OPERATION)
    return {
        "CreateSnapshotInput": op.input_shape,
        "CreateSnapshotOutput": op.output_shape,
        "Tag": op.input_shape.members["Tags"].member,
        "errors": op.error_shapes,
    }


# ---------------------------------------------------------------------------------------
# Comparing.


def _record(pair_schema: str, member: str | None, keyword: str, ours: Any, theirs: Any, *,
            shape: str, rule: str, source: str) -> dict[str, Any]:
    role = SCHEMA_ROLES[pair_schema]
    label = f"{pair_schema}.{member}" if member else pair_schema
    rid = f"{label}.{keyword}"
    disputed = not _silent(keyword, theirs) or rid in STATED_ABSENCES
    accepts = SUITE_ACCEPTS[role] if disputed else SILENCE_HOLDS[role]
    if rid in STATED_ABSENCES:
        source = f"{source}; {STATED_ABSENCES[rid]}"
    return {
        "id": rid,
        "schema": pair_schema,
        "member": member,
        "keyword": keyword,
        "shape": shape,
        "schemas": ours,
        "botocore": theirs,
        "disputed": disputed,
        "suite_accepts": f"{DISPUTED_VALUES[keyword]}: {accepts}",
        "rule": rule,
        "source": source,
    }


def _silent(keyword: str, theirs: Any) -> bool:
    """The model states nothing for a length, size or pattern keyword: its absent value."""
    absent = {**STRING_KEYWORDS, **ARRAY_KEYWORDS}.get(keyword)
    return absent is not None and theirs == absent[1]


def _x_source(schema: dict[str, Any], keyword: str) -> str:
    source = schema.get("x-source", {}).get(keyword)
    return f" ({source})" if source else ""


@dataclass(frozen=True)
class _Member:
    """Where one member sits on both sides, and how its differences are recorded."""

    pair: ObjectPair
    name: str
    shape: str                      # the botocore structure holding the member

    @property
    def where(self) -> str:
        return f"schemas/{self.pair.schema}.schema.json > {self.name}"

    @property
    def model_where(self) -> str:
        return f"botocore model > {self.shape} > {self.name}"

    def record(self, keyword: str, ours: Any, theirs: Any, source: str) -> dict[str, Any]:
        prefix = self.pair.rule_prefix
        rule = f"{prefix}{self.name}.{keyword}" if self.pair.member_rules else prefix
        return _record(self.pair.schema, self.name, keyword, ours, theirs,
                       shape=f"{self.shape}.{self.name}", rule=rule, source=source)


def _member_differences(pair: ObjectPair, ours: dict[str, Any], shape: Any) -> Iterator[dict[str, Any]]:
    properties: dict[str, Any] = ours.get("properties", {})
    required_ours = set(ours.get("required", []))
    required_theirs = set(shape.required_members)
    for name in sorted(set(properties) | set(shape.members)):
        member = _Member(pair, name, shape.name)
        mine: dict[str, Any] = properties.get(name, {})
        theirs = shape.members.get(name)
        if not mine or theirs is None:
            yield member.record("properties", bool(mine), theirs is not None,
                                f"{member.where}; {member.model_where}")
            continue
        yield from _keyword_differences(member, mine, theirs)
        if (name in required_ours) != (name in required_theirs):
            yield member.record("required", name in required_ours, name in required_theirs,
                                f"{member.where} > required{_x_source(mine, 'required')}; "
                                f"{member.model_where} > required")


def _keyword_differences(member: _Member, mine: dict[str, Any], theirs: Any) -> Iterator[dict[str, Any]]:
    their_type = BOTOCORE_TYPES.get(theirs.type_name, theirs.type_name)
    model_where = f"{member.model_where} ({theirs.name})"
    if mine.get("type") != their_type:
        yield member.record("type", mine.get("type"), their_type,
                            f"{member.where} > type{_x_source(mine, 'type')}; {model_where} > type")
        return
    keywords = ARRAY_KEYWORDS if their_type == "array" else STRING_KEYWORDS if their_type == "string" else {}
    for keyword, (trait, absent) in keywords.items():
        ours, model = mine.get(keyword, absent), theirs.metadata.get(trait, absent)
        if ours != model:
            yield member.record(keyword, ours, model, f"{member.where} > {keyword}"
                                f"{_x_source(mine, keyword)}; {model_where} > {trait}")


def _error_differences(ours: dict[str, Any], error_shapes: list[Any]) -> Iterator[dict[str, Any]]:
    name = "StorageGatewayErrorBody"
    where = f"schemas/{name}.schema.json"
    mine_codes = ours["properties"]["error"]["properties"]["errorCode"]
    codes = error_shapes[0].members["error"].members["errorCode"]
    only_ours = sorted(set(mine_codes["enum"]) - set(codes.enum))
    only_theirs = sorted(set(codes.enum) - set(mine_codes["enum"]))
    if only_ours or only_theirs:
        yield _record(name, "error.errorCode", "enum", only_ours, only_theirs,
                      shape=f"StorageGatewayError.errorCode ({codes.name})", rule="response.error-shape",
                      source=f"{where} > error.errorCode > enum{_x_source(mine_codes, 'enum')}; "
                             f"botocore model > {codes.name} > enum (values on one side only)")
    mine_errors = sorted(ours.get("x-errors", {}))
    their_errors = sorted(e.name for e in error_shapes)
    if mine_errors != their_errors:
        yield _record(name, None, "x-errors", mine_errors, their_errors,
                      shape=f"{OPERATION} > errors", rule="response.error-shape",
                      source=f"{where} > x-errors{_x_source(ours, 'x-errors')}; "
                             f"botocore model > {OPERATION} > errors")


def differences(model: Any = None, directory: Path = SCHEMA_DIR) -> list[dict[str, Any]]:
    """Every difference between ``directory``'s schemas and the model, sorted by id."""
    model = load_model() if model is None else model
    shapes = _botocore_shapes(model)
    ours = read_schemas(directory)
    found: list[dict[str, Any]] = []
    for pair in PAIRS:
        found.extend(_member_differences(pair, ours[pair.schema], shapes[pair.shape]))
    found.extend(_error_differences(ours["StorageGatewayErrorBody"], shapes["errors"]))
    return sorted(found, key=lambda r: r["id"])


# ---------------------------------------------------------------------------------------
# The data file.


def disputed_path(directory: Path = SCHEMA_DIR) -> Path:
    return directory / DISPUTED_FILE


def dump_disputes(records: list[dict[str, Any]]) -> str:
    """The committed text of ``disputed.json`` (sorted by id, keys in RECORD_KEYS order)."""
    ordered = [{k: r[k] for k in RECORD_KEYS} for r in sorted(records, key=lambda r: r["id"])]
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"


def load_disputes(path: Path | None = None) -> list[dict[str, Any]]:
    """The disputed points recorded in ``schemas/disputed.json`` (no botocore needed)."""
    path = disputed_path() if path is None else path
    try:
        records = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc
    if not isinstance(records, list) or not all(isinstance(r, dict) and "id" in r for r in records):
        raise UsageError(f"{path}: expected a list of records with an 'id'")
    return records


def disputes_by_rule(path: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """The disputed points grouped by the rule they concern (e.g. ``validation.Tags.maxItems``)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in load_disputes(path):
        grouped.setdefault(record["rule"], []).append(record)
    return grouped


def write_disputes(records: list[dict[str, Any]], directory: Path = SCHEMA_DIR) -> Path:
    path = disputed_path(directory)
    path.write_text(dump_disputes(records), encoding="utf-8")
    return path
