"""The committed JSON Schemas under ``schemas/``: loading them and validating with them.

The schemas keep the API reference's patterns verbatim (java.util.regex text); a plain
JSON Schema validator would read them as ECMA and search rather than whole-match.  The
validator built here is ``jsonschema``'s Draft 2020-12 validator with its ``pattern``
keyword evaluated by :mod:`conformance.spec.javaregex`, so every constraint means what AWS means.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conformance.spec.javaregex import java_fullmatch


def _schema_dir() -> Path:
    """``schemas/`` of the source tree, or the copy a wheel installs as ``conformance/schemas_data``."""
    source_tree = Path(__file__).resolve().parents[2] / "schemas"
    if (source_tree / "CreateSnapshotRequest.schema.json").is_file():
        return source_tree
    return Path(__file__).resolve().parents[1] / "schemas_data"


SCHEMA_DIR = _schema_dir()
BASE_URI = "https://sgw-conformance.invalid/schemas/"
SCHEMA_NAMES = ("CreateSnapshotRequest", "Tag", "CreateSnapshotResponse", "StorageGatewayErrorBody")


def schema_path(name: str, directory: Path = SCHEMA_DIR) -> Path:
    return directory / f"{name}.schema.json"


@lru_cache(maxsize=4)
def load_all(directory: Path = SCHEMA_DIR) -> dict[str, dict[str, Any]]:
    """Every committed schema by name (read once per directory)."""
    return {n: json.loads(schema_path(n, directory).read_text("utf-8")) for n in SCHEMA_NAMES}


def load(name: str, directory: Path = SCHEMA_DIR) -> dict[str, Any]:
    return load_all(directory)[name]


def _java_pattern(validator: Any, pattern: str, instance: Any,
                  schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not java_fullmatch(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r} (java.util.regex, whole string)")


JavaPatternValidator = jsonschema.validators.extend(Draft202012Validator, {"pattern": _java_pattern})


@lru_cache(maxsize=16)
def validator(name: str, directory: Path = SCHEMA_DIR) -> Any:
    """A validator for schema ``name`` that resolves ``$ref`` to the sibling schemas."""
    # Without "$schema", jsonschema keeps this validator class for $ref'd subschemas
    # instead of switching back to the stock Draft 2020-12 one (and its ECMA patterns).
    schemas = {n: {k: v for k, v in s.items() if k != "$schema"} for n, s in load_all(directory).items()}
    registry: Registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT202012)) for s in schemas.values()
    )
    return JavaPatternValidator(schemas[name], registry=registry)


def errors(name: str, instance: Any, directory: Path = SCHEMA_DIR) -> list[ValidationError]:
    """Every violation of schema ``name`` by ``instance`` (collected, not first-only)."""
    return sorted(validator(name, directory).iter_errors(instance), key=lambda e: list(e.absolute_path))


def is_valid(name: str, instance: Any, directory: Path = SCHEMA_DIR) -> bool:
    return not errors(name, instance, directory)


# --- the tool's own document schemas (report.json, compare.json) -------------------------------

@lru_cache(maxsize=8)
def load_document_schema(path: Path) -> dict[str, Any]:
    """A schema of one of the tool's own documents (read once per process)."""
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


def document_errors(schema_path: Path, document: Any) -> list[str]:
    """Every way ``document`` breaks the schema at ``schema_path`` (empty: it is valid), path first."""
    validator = Draft202012Validator(load_document_schema(schema_path),
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message[:300]}"
            for e in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))]
