"""The fault registry, and each fault's deviation really shown by the reference endpoint.

PROBES holds, for every registered fault, the requests that reveal it and the deviant answer
they get: the deviation must appear with the fault injected and be absent without it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from conformance import cli, schemas, sigv4
from conformance.emulator import ReferenceEndpoint
from conformance.errors import UsageError
from conformance.faults import FAULTS, FaultSet
from conformance.validation import RequestValidator

Post = Any  # the post_to fixture
Answers = list[requests.Response]
ERROR_CODES = set(schemas.load("StorageGatewayErrorBody")["properties"]["error"]["properties"]
                  ["errorCode"]["enum"])
# HELPERS.md > Contract: the reference endpoint's faults (the names are a contract).
CONTRACT_FAULTS = (
    "description-max-off-by-one", "description-min-unchecked", "description-required-unchecked",
    "volume-arn-pattern-unchecked", "volume-arn-min-off-by-one", "tag-key-pattern-unchecked",
    "tag-key-max-off-by-one", "tag-value-max-off-by-one", "tag-key-ascii-only", "length-in-bytes",
    "null-tags-rejected", "wrong-type-coerced", "bad-json-500", "validation-500", "error-without-type",
    "error-type-header-mismatch", "error-code-invalid", "snapshot-id-wrong-form", "snapshot-id-repeated",
    "volume-arn-not-echoed", "unknown-volume-accepted", "signature-unchecked", "auth-optional",
    "clock-skew-unchecked", "scope-unchecked", "payload-unchecked", "target-missing-accepted",
)


@dataclass(frozen=True)
class Probe:
    send: Callable[[ReferenceEndpoint, Post], Answers]
    deviant: Callable[[Answers], bool]


def create(**extra: Any) -> Callable[[ReferenceEndpoint, Post], Answers]:
    def send(ep: ReferenceEndpoint, post: Post) -> Answers:
        return [post(ep, {"VolumeARN": ep.volume_arn, "SnapshotDescription": "fault probe", **extra})]
    return send


def create_with(**post_args: Any) -> Callable[[ReferenceEndpoint, Post], Answers]:
    def send(ep: ReferenceEndpoint, post: Post) -> Answers:
        return [post(ep, {"VolumeARN": ep.volume_arn, "SnapshotDescription": "fault probe"}, **post_args)]
    return send


def on_unknown_volume(ep: ReferenceEndpoint, post: Post) -> Answers:
    unknown = ep.volume_arn.replace("vol-1122AABB", "vol-00000000")
    return [post(ep, {"VolumeARN": unknown, "SnapshotDescription": "fault probe"})]


def without_description(ep: ReferenceEndpoint, post: Post) -> Answers:
    return [post(ep, {"VolumeARN": ep.volume_arn})]


def twice(ep: ReferenceEndpoint, post: Post) -> Answers:
    return create()(ep, post) + create()(ep, post)


def tampered_body(ep: ReferenceEndpoint, post: Post) -> Answers:
    signed = json.dumps({"VolumeARN": ep.volume_arn, "SnapshotDescription": "signed"}).encode()
    sent = json.dumps({"VolumeARN": ep.volume_arn, "SnapshotDescription": "sent"}).encode()
    headers = ep.signed_headers(signed, extra_headers={"x-amz-content-sha256": sigv4.sha256_hex(signed)})
    return [requests.post(ep.url, data=sent, headers=headers, timeout=10)]


def succeeded(answers: Answers) -> bool:
    return answers[0].status_code == 200


def error_code_is(code: str) -> Callable[[Answers], bool]:
    return lambda answers: (answers[0].json().get("error") or {}).get("errorCode") == code


def error_type_is(error_type: str) -> Callable[[Answers], bool]:
    return lambda answers: answers[0].status_code == 400 and answers[0].json().get("__type") == error_type


def status_is(status: int) -> Callable[[Answers], bool]:
    return lambda answers: answers[0].status_code == status


SHORT_WELL_FORMED_ARN = "arn:aws:storagegateway:a:1:gateway/g/volume/vol-f"   # 49 characters

PROBES: dict[str, Probe] = {
    "description-max-off-by-one": Probe(create(SnapshotDescription="d" * 256), succeeded),
    "description-min-unchecked": Probe(create(SnapshotDescription=""), succeeded),
    "description-required-unchecked": Probe(without_description, succeeded),
    "volume-arn-pattern-unchecked": Probe(
        lambda ep, post: create(VolumeARN=ep.volume_arn.replace("arn:aws:", "arn:xyz:"))(ep, post),
        error_code_is("VolumeNotFound")),
    "volume-arn-min-off-by-one": Probe(create(VolumeARN=SHORT_WELL_FORMED_ARN),
                                       error_code_is("VolumeNotFound")),
    "tag-key-pattern-unchecked": Probe(create(Tags=[{"Key": "bad#key", "Value": "v"}]), succeeded),
    "tag-key-max-off-by-one": Probe(create(Tags=[{"Key": "k" * 129, "Value": "v"}]), succeeded),
    "tag-value-max-off-by-one": Probe(create(Tags=[{"Key": "k", "Value": "v" * 257}]), succeeded),
    "tag-key-ascii-only": Probe(create(Tags=[{"Key": "ключ", "Value": "v"}]),
                                error_type_is("ValidationException")),
    "length-in-bytes": Probe(create(SnapshotDescription="é" * 200), error_type_is("ValidationException")),
    "null-tags-rejected": Probe(create(Tags=None), error_type_is("SerializationException")),
    "wrong-type-coerced": Probe(create(SnapshotDescription=12345), succeeded),
    "bad-json-500": Probe(lambda ep, post: [post(ep, raw=b"{not json")], status_is(500)),
    "validation-500": Probe(create(SnapshotDescription="d" * 256), status_is(500)),
    "error-without-type": Probe(on_unknown_volume, lambda a: "__type" not in a[0].json()),
    "error-type-header-mismatch": Probe(
        on_unknown_volume, lambda a: a[0].headers.get("X-Amzn-ErrorType") != a[0].json()["__type"]),
    "error-code-invalid": Probe(on_unknown_volume,
                                lambda a: a[0].json()["error"]["errorCode"] not in ERROR_CODES),
    "snapshot-id-wrong-form": Probe(create(),
                                    lambda a: not schemas.is_valid("CreateSnapshotResponse", a[0].json())),
    "snapshot-id-repeated": Probe(twice, lambda a: a[0].json()["SnapshotId"] == a[1].json()["SnapshotId"]),
    "volume-arn-not-echoed": Probe(create(), lambda a: a[0].json()["VolumeARN"] != json.loads(
        a[0].request.body)["VolumeARN"]),
    "unknown-volume-accepted": Probe(on_unknown_volume, succeeded),
    "signature-unchecked": Probe(create_with(secret="not-the-secret"), succeeded),
    "auth-optional": Probe(create_with(authenticate=False), succeeded),
    "clock-skew-unchecked": Probe(create_with(when=datetime.now(UTC) - timedelta(hours=1)), succeeded),
    "scope-unchecked": Probe(create_with(region="eu-west-1"), succeeded),
    "payload-unchecked": Probe(tampered_body, succeeded),
    "target-missing-accepted": Probe(create_with(target=None), succeeded),
}


def test_the_registry_holds_exactly_the_contracts_faults() -> None:
    assert list(FAULTS) == list(CONTRACT_FAULTS)


def test_every_registered_fault_has_a_probe() -> None:
    assert set(PROBES) == set(FAULTS)


def test_every_fault_names_a_rule_of_the_rulebook() -> None:
    rules = pytest.importorskip("conformance.rules")
    assert {f.rule for f in FAULTS.values()} <= set(rules.RULES)


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_each_fault_shows_its_deviation_when_injected(name: str, post_to: Post) -> None:
    with ReferenceEndpoint(faults=[name]) as endpoint:
        answers = PROBES[name].send(endpoint, post_to)
    assert PROBES[name].deviant(answers), [(a.status_code, a.headers, a.text) for a in answers]


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_the_clean_endpoint_does_not_show_the_faults_deviation(
        name: str, reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    answers = PROBES[name].send(reference_endpoint, post_to)
    assert not PROBES[name].deviant(answers), [(a.status_code, a.text) for a in answers]


def test_list_faults_prints_every_fault_with_a_description(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--list-faults"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) >= 15 and len(lines) == len(FAULTS)
    for line, fault in zip(lines, FAULTS.values(), strict=True):
        assert line.split()[0] == fault.name and fault.description in line


def test_an_unknown_fault_is_a_usage_error_listing_the_valid_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UsageError) as caught:
        FaultSet(["no-such-fault"])
    assert "no-such-fault" in str(caught.value) and all(name in str(caught.value) for name in FAULTS)
    assert cli.main(["serve", "--fault", "no-such-fault"]) == 2
    assert "valid faults" in capsys.readouterr().err


def test_asking_for_an_unregistered_fault_at_a_decision_point_is_a_bug() -> None:
    with pytest.raises(KeyError):
        FaultSet(["auth-optional"])("auth-optionl")


def test_schema_edits_of_faults_leave_the_committed_schemas_untouched() -> None:
    before = json.dumps(schemas.load_all(), sort_keys=True)
    RequestValidator(faults=FaultSet(FAULTS))
    assert json.dumps(schemas.load_all(), sort_keys=True) == before
    assert schemas.errors("CreateSnapshotRequest", {"VolumeARN": "x" * 10, "SnapshotDescription": ""})
