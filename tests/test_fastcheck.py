"""The validation shortcut (conformance.endpoint.fastcheck) never calls valid what jsonschema refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cases_support import all_cases, body_of

from conformance.endpoint import fastcheck
from conformance.endpoint.faults import FaultSet
from conformance.endpoint.validation import RequestValidator, WrongType, compile_schemas, drop_nulls
from conformance.endpoint.variants import VariantSet
from conformance.spec import schemas

EXAMPLE = json.loads((schemas.SCHEMA_DIR.parent / "fixtures" / "reference_example.json").read_text())


def _bodies() -> list[Any]:
    """Every case's body that parses to a JSON object (nulls dropped, as the validator sees it)."""
    bodies = []
    for case in all_cases():
        try:
            body = drop_nulls(body_of(case))
        except (ValueError, RecursionError):   # a body that is not JSON (or too deep) is not validated
            continue
        if isinstance(body, dict):
            bodies.append(body)
    return bodies


BODIES = _bodies()


def _jsonschema_finds_nothing(validator: RequestValidator, body: Any) -> bool:
    try:
        return not validator._check(body)
    except WrongType:
        return False


SWITCHES = [*(("fault", n) for n in sorted(FaultSet.registry)),
            *(("variant", n) for n in sorted(VariantSet.registry))]


@pytest.mark.parametrize(("kind", "name"), SWITCHES)
def test_a_body_the_shortcut_calls_valid_is_valid_for_jsonschema_under_every_fault_and_variant(
        kind: str, name: str) -> None:
    validator = RequestValidator(faults=FaultSet([name])) if kind == "fault" \
        else RequestValidator(variants=VariantSet([name]))
    if validator._valid is None:
        pytest.skip(f"{name}: measured otherwise, so no shortcut")
    wrong = [b for b in BODIES if validator._valid(b) and not _jsonschema_finds_nothing(validator, b)]
    assert not wrong, wrong[:3]


def test_the_shortcut_takes_the_valid_bodies_and_leaves_the_rest_to_jsonschema() -> None:
    validator = RequestValidator()
    assert validator._valid is not None
    valid = [b for b in BODIES if _jsonschema_finds_nothing(validator, b)]
    assert valid and all(validator._valid(b) for b in valid)   # the default: the two agree exactly
    assert validator._valid(EXAMPLE["request"]["body"])
    assert not validator._valid({**EXAMPLE["request"]["body"], "SnapshotDescription": ""})


@pytest.mark.parametrize("schema", [
    {"type": "integer", "minimum": 1}, {"type": ["string", "null"]}, {"type": "string", "format": "date"},
    {"type": "object", "additionalProperties": False}, {"$ref": "Nowhere.schema.json"}, True,
])
def test_a_schema_beyond_the_checked_keywords_has_no_shortcut(schema: Any) -> None:
    assert fastcheck.compile_check({"type": "object", "properties": {"x": schema}},
                                   compile_schemas().documents) is None
