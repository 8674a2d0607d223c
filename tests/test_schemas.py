"""The committed schemas, validated with jsonschema and Java patterns: the issue's Must-show list."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conformance.spec import schemas
from conformance.spec.javaregex import java_fullmatch

FIXTURES = Path(__file__).parent.parent / "fixtures"
EXAMPLE = json.loads((FIXTURES / "reference_example.json").read_text("utf-8"))
EXAMPLE_REQUEST: dict[str, Any] = EXAMPLE["request"]["body"]
EXAMPLE_RESPONSE: dict[str, Any] = EXAMPLE["response"]["body"]
EXAMPLE_ARN: str = EXAMPLE_REQUEST["VolumeARN"]
SHORT_ARN_PREFIX = "arn:aws:storagegateway:r:1:gateway/g/volume/vol-"   # 48 characters, well formed


def arn_of_length(length: int) -> str:
    """A well-formed VolumeARN (it matches the pattern) of exactly ``length`` characters."""
    arn = SHORT_ARN_PREFIX + "A" * (length - len(SHORT_ARN_PREFIX))
    assert len(arn) == length and java_fullmatch(schemas.load("CreateSnapshotRequest")["properties"]
                                                 ["VolumeARN"]["pattern"], arn)
    return arn


def request(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {**EXAMPLE_REQUEST, **changes}
    return {k: v for k, v in body.items() if v is not ...}


def tags(count: int, key: str = "k", value: str = "v") -> list[dict[str, str]]:
    return [{"Key": f"{key}{i}" if count > 1 else key, "Value": value} for i in range(count)]


def broken(name: str, instance: Any) -> set[tuple[str, str]]:
    """(path, keyword) of every violation of schema ``name``."""
    return {("/".join(map(str, e.absolute_path)), str(e.validator)) for e in schemas.errors(name, instance)}


# --- the committed files ---------------------------------------------------------------------


@pytest.mark.parametrize("name", schemas.SCHEMA_NAMES)
def test_each_committed_schema_is_a_draft_2020_12_schema_with_java_pattern_text(name: str) -> None:
    schema = schemas.load(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # Valid against the meta-schema ("format" is an annotation in 2020-12): the patterns are
    # java.util.regex text (\p{L}, \z) that a Python or ECMA "regex" format check would refuse.
    Draft202012Validator(Draft202012Validator.META_SCHEMA).validate(schema)
    patterned = [p for p in schema["properties"].values() if "pattern" in p]
    assert all(p["x-pattern-dialect"].startswith("java.util.regex") for p in patterned)


# --- requests that must be valid -------------------------------------------------------------


def test_the_references_example_request_is_valid() -> None:
    assert broken("CreateSnapshotRequest", EXAMPLE_REQUEST) == set()


VALID_REQUESTS: dict[str, dict[str, Any]] = {
    "unicode-letters-spaces-digits-key": request(Tags=[{"Key": "Éq 中 ٣", "Value": "v"}]),
    "empty-tag-value": request(Tags=[{"Key": "k", "Value": ""}]),
    "all-special-characters": request(Tags=[{"Key": "_.:/=+-@", "Value": "_.:/=+-@"}]),
    "255-character-description": request(SnapshotDescription="d" * 255),
    "1-character-description": request(SnapshotDescription="d"),
    "50-tags": request(Tags=tags(50)),
    "no-tags": request(Tags=[]),
    "128-character-key": request(Tags=tags(1, key="k" * 128)),
    "256-character-value": request(Tags=tags(1, value="v" * 256)),
    "50-character-arn": request(VolumeARN=arn_of_length(50)),
    "500-character-arn": request(VolumeARN=arn_of_length(500)),
    "govcloud-arn": request(VolumeARN=EXAMPLE_ARN.replace("arn:aws:", "arn:aws-us-gov:")),
    "unknown-member-not-constrained": request(Extra=1),
}


@pytest.mark.parametrize("body", VALID_REQUESTS.values(), ids=list(VALID_REQUESTS))
def test_requests_within_every_constraint_are_valid(body: dict[str, Any]) -> None:
    assert broken("CreateSnapshotRequest", body) == set()


# --- requests that must be invalid, each for exactly one reason --------------------------------

INVALID_REQUESTS: dict[str, tuple[dict[str, Any], set[tuple[str, str]]]] = {
    "256-character-description": (request(SnapshotDescription="d" * 256),
                                  {("SnapshotDescription", "maxLength")}),
    "empty-description": (request(SnapshotDescription=""), {("SnapshotDescription", "minLength")}),
    "51-tags": (request(Tags=tags(51)), {("Tags", "maxItems")}),
    "129-character-key": (request(Tags=tags(1, key="k" * 129)), {("Tags/0/Key", "maxLength")}),
    "key-with-exclamation-mark": (request(Tags=tags(1, key="a!b")), {("Tags/0/Key", "pattern")}),
    "empty-key": (request(Tags=tags(1, key="")), {("Tags/0/Key", "minLength")}),
    "257-character-value": (request(Tags=tags(1, value="v" * 257)), {("Tags/0/Value", "maxLength")}),
    "tag-without-value": (request(Tags=[{"Key": "k"}]), {("Tags/0", "required")}),
    "49-character-arn": (request(VolumeARN=arn_of_length(49)), {("VolumeARN", "minLength")}),
    "501-character-arn": (request(VolumeARN=arn_of_length(501)), {("VolumeARN", "maxLength")}),
    "arn-of-another-service": (request(VolumeARN=EXAMPLE_ARN.replace(":storagegateway:", ":ec2:")),
                               {("VolumeARN", "pattern")}),
    "eusc-partition-arn": (request(VolumeARN=EXAMPLE_ARN.replace("arn:aws:", "arn:aws-eusc:")),
                           {("VolumeARN", "pattern")}),
    "missing-volume-arn": (request(VolumeARN=...), {("", "required")}),
    "missing-description": (request(SnapshotDescription=...), {("", "required")}),
    "description-not-a-string": (request(SnapshotDescription=5), {("SnapshotDescription", "type")}),
}


@pytest.mark.parametrize(("body", "expected"), INVALID_REQUESTS.values(), ids=list(INVALID_REQUESTS))
def test_a_request_breaking_one_constraint_is_invalid_for_that_constraint_only(
        body: dict[str, Any], expected: set[tuple[str, str]]) -> None:
    assert broken("CreateSnapshotRequest", body) == expected


def test_the_boundary_arns_differ_from_valid_ones_only_in_length() -> None:
    assert arn_of_length(49) + "A" == arn_of_length(50)
    assert arn_of_length(500) + "A" == arn_of_length(501)


def test_patterns_are_whole_string_java_matches_not_ecma_searches() -> None:
    arn = "see " + EXAMPLE_ARN + " here"
    stock = Draft202012Validator(schemas.load("CreateSnapshotRequest"))   # ECMA, searched
    assert stock.is_valid(request(VolumeARN=arn))
    assert broken("CreateSnapshotRequest", request(VolumeARN=arn)) == {("VolumeARN", "pattern")}


# --- responses and error bodies ----------------------------------------------------------------


def test_the_references_example_response_is_valid() -> None:
    assert broken("CreateSnapshotResponse", EXAMPLE_RESPONSE) == set()


@pytest.mark.parametrize(("snapshot_id", "valid"), [
    ("snap-78e22663", True), ("snap-0123456789abcdef0", True), ("snap-0123456789", False),
    ("SNAP-78e22663", False), ("snap-78e2266g", False), ("snap-78e22663\n", False)])
def test_snapshot_ids_have_8_or_17_hex_digits(snapshot_id: str, valid: bool) -> None:
    body = {**EXAMPLE_RESPONSE, "SnapshotId": snapshot_id}
    assert schemas.is_valid("CreateSnapshotResponse", body) is valid


def test_a_modelled_error_body_with_a_code_from_the_enum_is_valid() -> None:
    body = {"__type": "InvalidGatewayRequestException", "message": "The specified volume was not found.",
            "error": {"errorCode": "VolumeNotFound", "errorDetails": {"volumeARN": EXAMPLE_ARN}}}
    assert broken("StorageGatewayErrorBody", body) == set()


@pytest.mark.parametrize(("body", "expected"), [
    ({"message": "no type"}, {("", "required")}),
    ({"__type": ""}, {("__type", "minLength")}),
    ({"__type": "X", "error": {"errorCode": "VOLUME_NOT_FOUND"}}, {("error/errorCode", "enum")}),
    ({"__type": "X", "error": {"errorCode": "LunAlreadyAllocated"}}, {("error/errorCode", "enum")}),
    ({"__type": "X", "error": {"errorDetails": {"k": 1}}}, {("error/errorDetails/k", "type")}),
])
def test_an_error_body_outside_the_schema_is_invalid(body: dict[str, Any],
                                                     expected: set[tuple[str, str]]) -> None:
    assert broken("StorageGatewayErrorBody", body) == expected


def test_the_error_code_enum_keeps_the_models_trailing_space() -> None:
    body = {"__type": "X", "error": {"errorCode": "LunAlreadyAllocated "}}
    assert broken("StorageGatewayErrorBody", body) == set()


def test_the_error_body_lists_the_pages_three_errors_with_status_400() -> None:
    assert schemas.load("StorageGatewayErrorBody")["x-errors"] == {
        "InternalServerError": 400, "InvalidGatewayRequestException": 400, "ServiceUnavailableError": 400}


# --- the examples as printed on the page --------------------------------------------------------


def _example_bodies(page: str) -> list[dict[str, Any]]:
    fences = re.findall(r"```\n(.*?)```", page, re.S)
    return [json.loads(f[f.index("\n{"):]) for f in fences if f.startswith(("POST ", "HTTP/1.1 200"))]


def test_the_example_bodies_printed_on_the_page_are_valid(reference_page: Path) -> None:
    sent, answered = _example_bodies(reference_page.read_text("utf-8"))
    assert broken("CreateSnapshotRequest", sent) == set()
    assert broken("CreateSnapshotResponse", answered) == set()
