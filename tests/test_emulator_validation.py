"""conformance.endpoint.validation: jsonschema errors turned into AWS's ValidationException wording."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conformance.endpoint.faults import FAULTS, FaultSet
from conformance.endpoint.validation import (
    CONSTRAINT_TEXT,
    EXTRA_SCHEMAS,
    RequestValidator,
    Violation,
    WrongType,
    drop_nulls,
    member_path,
    message,
)
from conformance.spec import schemas

ARN = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
NOT_CONSTRAINTS = {"type", "items", "$ref", "properties", "title", "description", "$id", "$schema"}


def constraint_keywords(schema: Any) -> Iterator[str]:
    """Every validation keyword used anywhere in a schema (annotations and structure excluded)."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if not key.startswith("x-") and key not in NOT_CONSTRAINTS:
                yield key
            if key in ("properties",):
                for sub in value.values():
                    yield from constraint_keywords(sub)
            elif key == "items":
                yield from constraint_keywords(value)


def test_every_constraint_keyword_in_the_schemas_has_an_aws_wording() -> None:
    request_schemas = [schemas.load("CreateSnapshotRequest"), schemas.load("Tag"), *EXTRA_SCHEMAS.values()]
    used = {kw for schema in request_schemas for kw in constraint_keywords(schema)}
    assert used and used <= set(CONSTRAINT_TEXT), used - set(CONSTRAINT_TEXT)


@pytest.mark.parametrize(("parts", "path"), [
    (["VolumeARN"], "volumeARN"),
    (["SnapshotDescription"], "snapshotDescription"),
    (["Tags", 0, "Key"], "tags.1.member.key"),
    (["Tags", 9, "Value"], "tags.10.member.value"),
    (["Tags"], "tags"),
])
def test_member_paths_are_lower_camel_with_one_based_list_members(parts: list[str | int], path: str) -> None:
    assert member_path(parts) == path


def test_the_message_counts_violations_and_joins_them_with_semicolons() -> None:
    one = Violation("volumeARN", None, "Member must not be null")
    two = Violation("snapshotDescription", "", "Member must have length greater than or equal to 1")
    assert message([one]) == ("1 validation error detected: Value null at 'volumeARN' failed to satisfy "
                              "constraint: Member must not be null")
    assert message([one, two]).startswith("2 validation errors detected: Value null at 'volumeARN' ")
    assert "; Value '' at 'snapshotDescription' failed" in message([one, two])


def test_every_violation_is_collected_not_just_the_first() -> None:
    found = RequestValidator().violations({"VolumeARN": "short", "SnapshotDescription": "d" * 300,
                                           "Tags": [{"Key": "k" * 200}] * 51})
    paths = [(v.path, v.constraint.split(":")[0]) for v in found]
    assert ("snapshotDescription", "Member must have length less than or equal to 255") in paths
    assert ("tags", "Member must have length less than or equal to 50") in paths
    assert ("tags.51.member.value", "Member must not be null") in paths
    assert ("volumeARN", "Member must satisfy regular expression pattern") in paths
    assert len(found) == 2 + 1 + 51 * 2 + 1


def test_violations_are_listed_in_natural_member_order() -> None:
    found = RequestValidator().violations({"VolumeARN": ARN, "SnapshotDescription": "d",
                                           "Tags": [{"Key": "k"}] * 11})
    assert [v.path for v in found][:3] == [f"tags.{n}.member.value" for n in (1, 2, 3)]
    assert found[-1].path == "tags.11.member.value"


@pytest.mark.parametrize("params", [[], "body", 3, {"VolumeARN": 1}, {"Tags": [True]}, {"Tags": {"a": 1}},
                                    {"SnapshotDescription": {"text": "x"}}])
def test_a_wrong_json_type_raises_wrong_type_not_a_violation(params: Any) -> None:
    with pytest.raises(WrongType):
        RequestValidator().violations(params)


def test_nulls_are_dropped_at_every_object_level_but_kept_in_lists() -> None:
    assert drop_nulls({"a": None, "b": [None, {"c": None, "d": 1}]}) == {"b": [None, {"d": 1}]}


def test_a_valid_request_has_no_violations_and_unknown_members_are_ignored() -> None:
    params = {"VolumeARN": ARN, "SnapshotDescription": "ok", "Tags": None, "Unknown": {"deep": [1]}}
    assert RequestValidator().validated(params) == {"VolumeARN": ARN, "SnapshotDescription": "ok",
                                                    "Unknown": {"deep": [1]}}


def test_a_schema_edit_fault_moves_the_limit_and_the_message_follows_it() -> None:
    validator = RequestValidator(faults=FaultSet(["description-max-off-by-one"]))
    assert validator.violations({"VolumeARN": ARN, "SnapshotDescription": "d" * 256}) == []
    [violation] = validator.violations({"VolumeARN": ARN, "SnapshotDescription": "d" * 257})
    assert violation.constraint == "Member must have length less than or equal to 256"


def test_the_ascii_only_fault_refuses_unicode_tag_keys_with_its_own_pattern() -> None:
    validator = RequestValidator(faults=FaultSet(["tag-key-ascii-only"]))
    [violation] = validator.violations({"VolumeARN": ARN, "SnapshotDescription": "d",
                                        "Tags": [{"Key": "ключ", "Value": ""}]})
    assert violation.path == "tags.1.member.key" and "A-Za-z0-9" in violation.constraint


def test_the_byte_length_fault_counts_utf8_bytes() -> None:
    params = {"VolumeARN": ARN, "SnapshotDescription": "é" * 128}
    assert RequestValidator().violations(params) == []
    [violation] = RequestValidator(faults=FaultSet(["length-in-bytes"])).violations(params)
    assert violation.path == "snapshotDescription"


def test_the_coercion_fault_turns_numbers_into_strings_but_not_booleans() -> None:
    validator = RequestValidator(faults=FaultSet(["wrong-type-coerced"]))
    coerced = validator.validated({"VolumeARN": ARN, "SnapshotDescription": 12.5})
    assert coerced["SnapshotDescription"] == "12.5"
    with pytest.raises(WrongType):
        validator.violations({"VolumeARN": ARN, "SnapshotDescription": True})


def test_list_volumes_input_is_validated_with_its_own_constraints() -> None:
    found = RequestValidator("ListVolumesRequest").violations({"Limit": 0, "Marker": ""})
    assert {(v.path, v.constraint) for v in found} == {
        ("limit", "Member must have value greater than or equal to 1"),
        ("marker", "Member must have length greater than or equal to 1")}


def test_every_constraint_fault_edits_an_existing_keyword_path() -> None:
    documents = {**schemas.load_all(), **EXTRA_SCHEMAS}
    for fault in FAULTS.values():
        for edit in fault.schema_edits:
            node = documents[edit.schema]
            for key in edit.path[:-1]:
                node = node[key]
            # a pattern may be given to a member that has none (description-printable-only)
            assert edit.path[-1] in node or edit.path[-1] == "pattern", (fault.name, edit.path)
