"""The fault registry, and each fault's deviation really shown by the reference endpoint.

PROBES holds, for every registered fault (those that fail a MUST rule and those that only
warn), the requests that reveal it and the deviant answer they get: the deviation must appear
with the fault injected and be absent without it.  An answer may be the exception raised when
no answer came (a connection closed unanswered).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from framing_wire import TIMED_OUT, framed, status_line

from conformance.cli import main as cli
from conformance.endpoint import ReferenceEndpoint
from conformance.endpoint.faults import ALL_FAULTS, FAULTS, WARNING_FAULTS, FaultSet
from conformance.endpoint.validation import RequestValidator
from conformance.errors import UsageError
from conformance.protocol import envelope, sigv4
from conformance.spec import schemas

Post = Any  # the post_to fixture
Answers = list[Any]   # requests.Response, or the exception raised when no answer came
Send = Callable[[ReferenceEndpoint, Post], Answers]
ERROR_CODES = set(schemas.load("StorageGatewayErrorBody")["properties"]["error"]["properties"]
                  ["errorCode"]["enum"])
# The reference endpoint's fault names are a contract (ARCHITECTURE.md > Contracts; serve --list-faults).
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


def signed_request(method: str, body: bytes, **sign_args: Any) -> Send:
    """A request with any method, signed for that method (``sign_args`` as for sigv4.sign)."""
    def send(ep: ReferenceEndpoint, post: Post) -> Answers:
        host = ep.url.split("://", 1)[1].rstrip("/")
        args: dict[str, Any] = {"access_key": ep.credentials.access_key, "secret": ep.credentials.secret_key,
                                "region": ep.region, "service": envelope.SERVICE, **sign_args}
        headers = {"Content-Type": envelope.JSON_CONTENT_TYPE,
                   "X-Amz-Target": envelope.CREATE_SNAPSHOT_TARGET,
                   **sigv4.sign(method, "/", host, body, **args)}
        return [requests.request(method, ep.url, data=body, headers=headers, timeout=10)]
    return send


def valid_body(ep: ReferenceEndpoint) -> bytes:
    return json.dumps({"VolumeARN": ep.volume_arn, "SnapshotDescription": "fault probe"}).encode()


def with_method(method: str) -> Send:
    return lambda ep, post: signed_request(method, valid_body(ep))(ep, post)


def with_unsigned_host(ep: ReferenceEndpoint, post: Post) -> Answers:
    return signed_request("POST", valid_body(ep), signed=["x-amz-date"])(ep, post)


def with_content_type_altered_after_signing(ep: ReferenceEndpoint, post: Post) -> Answers:
    body = valid_body(ep)
    signed = {"Content-Type": envelope.JSON_CONTENT_TYPE, "X-Amz-Target": envelope.CREATE_SNAPSHOT_TARGET}
    headers = ep.signed_headers(body, extra_headers=signed)
    headers["Content-Type"] = f"{envelope.JSON_CONTENT_TYPE}; charset=utf-8"   # routes the same
    return [requests.post(ep.url, data=body, headers=headers, timeout=10)]


def with_envelope_signed(ep: ReferenceEndpoint, post: Post) -> Answers:
    body = valid_body(ep)
    signed = {"Content-Type": envelope.JSON_CONTENT_TYPE, "X-Amz-Target": envelope.CREATE_SNAPSHOT_TARGET}
    headers = ep.signed_headers(body, extra_headers=signed)
    return [requests.post(ep.url, data=body, headers=headers, timeout=10)]


def with_malformed_authorization(ep: ReferenceEndpoint, post: Post) -> Answers:
    body = valid_body(ep)
    headers = ep.signed_headers(body)
    headers["Authorization"] = ", ".join(p for p in headers["Authorization"].split(", ")
                                         if not p.startswith("SignedHeaders="))
    return [requests.post(ep.url, data=body, headers=headers, timeout=10)]


def with_host(host_of: Callable[[str], str]) -> Send:
    """A correct request whose Host is ``host_of(the endpoint's host:port)``, signed as sent (the
    connection still goes to the endpoint's address)."""
    def send(ep: ReferenceEndpoint, post: Post) -> Answers:
        host = host_of(ep.url.split("://", 1)[1].rstrip("/"))
        body = valid_body(ep)
        headers = {"Host": host, "Content-Type": envelope.JSON_CONTENT_TYPE,
                   "X-Amz-Target": envelope.CREATE_SNAPSHOT_TARGET,
                   **sigv4.sign("POST", "/", host, body, access_key=ep.credentials.access_key,
                                secret=ep.credentials.secret_key, region=ep.region, service=envelope.SERVICE)}
        return [requests.post(ep.url, data=body, headers=headers, timeout=10)]
    return send


def with_header_names(rename: Callable[[str], str]) -> Send:
    """A correct request signing Host, X-Amz-Date, Content-Type and X-Amz-Target, each sent under the
    name ``rename`` gives it (SignedHeaders lower case, as SigV4 asks)."""
    def send(ep: ReferenceEndpoint, post: Post) -> Answers:
        body = valid_body(ep)
        signed = {"Content-Type": envelope.JSON_CONTENT_TYPE, "X-Amz-Target": envelope.CREATE_SNAPSHOT_TARGET}
        host = ep.url.split("://", 1)[1].rstrip("/")
        headers = {"Host": host, **ep.signed_headers(body, extra_headers=signed)}
        sent = {name if name == "Authorization" else rename(name): value for name, value in headers.items()}
        return [requests.post(ep.url, data=body, headers=sent, timeout=10)]
    return send


def unanswered(send: Send) -> Send:
    """``send``, with a connection closed before any answer recorded as its exception."""
    def guarded(ep: ReferenceEndpoint, post: Post) -> Answers:
        try:
            return send(ep, post)
        except requests.ConnectionError as exc:
            return [exc]
    return guarded


def shown(answers: Answers) -> list[Any]:
    return [(a.status_code, dict(a.headers), a.text) if isinstance(a, requests.Response) else repr(a)
            for a in answers]


def succeeded(answers: Answers) -> bool:
    return answers[0].status_code == 200


def error_code_is(code: str) -> Callable[[Answers], bool]:
    return lambda answers: (answers[0].json().get("error") or {}).get("errorCode") == code


def error_type_is(error_type: str) -> Callable[[Answers], bool]:
    return lambda answers: answers[0].status_code == 400 and answers[0].json().get("__type") == error_type


def status_is(status: int) -> Callable[[Answers], bool]:
    return lambda answers: answers[0].status_code == status


def refused_as_bad_signature(answers: Answers) -> bool:
    """A raw answer: 400 with an InvalidSignatureException body."""
    return bool(answers[0].startswith(b"HTTP/1.1 400 ") and b"InvalidSignature" in answers[0])


SHORT_WELL_FORMED_ARN = "arn:aws:storagegateway:a:1:gateway/g/volume/vol-f"   # 49 characters
LONG_WELL_FORMED_ARN = ("arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-"
                        .ljust(501, "A"))                                         # 501 characters
FIFTY_ONE_TAGS = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]

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
    "future-dates-accepted": Probe(create_with(when=datetime.now(UTC) + timedelta(hours=1)), succeeded),
    "scope-unchecked": Probe(create_with(region="eu-west-1"), succeeded),
    "payload-unchecked": Probe(tampered_body, succeeded),
    "payload-hash-reserialised": Probe(
        lambda ep, post: [post(ep, raw=envelope.serialise({"VolumeARN": ep.volume_arn,
                                                           "SnapshotDescription": "fault probe"}))],
        error_type_is("InvalidSignatureException")),
    "target-missing-accepted": Probe(create_with(target=None), succeeded),
    "target-service-ignored": Probe(create_with(target="NoSuchService_20130630.CreateSnapshot"), succeeded),
    "method-ignored": Probe(with_method("GET"), succeeded),
    "non-object-body-as-empty": Probe(lambda ep, post: [post(ep, raw=b"[]")],
                                      error_type_is("ValidationException")),
    "empty-body-500": Probe(lambda ep, post: [post(ep, raw=b"")], status_is(500)),
    "malformed-auth-as-missing": Probe(with_malformed_authorization,
                                       error_type_is("MissingAuthenticationTokenException")),
    "unknown-key-as-signature": Probe(create_with(access_key="AKIDNOTKNOWN0000"),
                                      error_type_is("InvalidSignatureException")),
    "scope-service-unchecked": Probe(create_with(service="ec2"), succeeded),
    "host-unsigned-accepted": Probe(with_unsigned_host, succeeded),
    "scope-date-unchecked": Probe(
        lambda ep, post: create_with(scope_date=(datetime.now(UTC) - timedelta(days=1)).strftime("%Y%m%d"))(
            ep, post), succeeded),
    "signed-headers-fixed": Probe(with_envelope_signed, error_type_is("InvalidSignatureException")),
    "signed-headers-unread": Probe(with_content_type_altered_after_signing, succeeded),
    "volume-arn-required-unchecked": Probe(lambda ep, post: [post(ep, {"SnapshotDescription": "probe"})],
                                           error_code_is("VolumeNotFound")),
    "null-volume-arn-serialization-error": Probe(create(VolumeARN=None),
                                                 error_type_is("SerializationException")),
    "volume-arn-max-unchecked": Probe(create(VolumeARN=LONG_WELL_FORMED_ARN),
                                      error_code_is("VolumeNotFound")),
    "null-description-500": Probe(create(SnapshotDescription=None), status_is(500)),
    "too-many-tags-exception": Probe(create(Tags=FIFTY_ONE_TAGS), error_type_is("TooManyTagsException")),
    "tags-max-unchecked": Probe(create(Tags=FIFTY_ONE_TAGS), succeeded),
    "lenient-json": Probe(lambda ep, post: [post(ep, raw=valid_body(ep)[:-1] + b', "Extra": NaN /* c */}')],
                          succeeded),
    "json-escaped-names-unread": Probe(lambda ep, post: [post(ep, raw=valid_body(ep).replace(
        b'"VolumeARN"', b'"\\u0056olumeARN"'))], error_type_is("ValidationException")),
    "null-tag-500": Probe(create(Tags=[None]), status_is(500)),
    "description-printable-only": Probe(create(SnapshotDescription="\u200fabc"),
                                        error_type_is("ValidationException")),
    "nfc-before-length": Probe(create(SnapshotDescription="e\u0301" * 128), succeeded),
    "body-parsed-before-auth": Probe(lambda ep, post: [post(ep, raw=b"{not json", authenticate=False)],
                                     error_type_is("SerializationException")),
    "lookup-before-validation": Probe(lambda ep, post: [post(ep, {"VolumeARN": ep.volume_arn.replace(
        "vol-1122AABB", "vol-00000000"), "SnapshotDescription": ""})],
        error_type_is("InvalidGatewayRequestException")),
    "clock-window-padded": Probe(lambda ep, post: signed_request(
        "POST", valid_body(ep), when=datetime.now(UTC) - timedelta(minutes=16))(ep, post), succeeded),
    "clock-window-narrow": Probe(lambda ep, post: signed_request(
        "POST", valid_body(ep), when=datetime.now(UTC) - timedelta(minutes=4))(ep, post),
        error_type_is("InvalidSignatureException")),
    "auth-syntax-500": Probe(with_malformed_authorization, status_is(500)),
    "host-from-listen-address": Probe(with_host(lambda own: own.replace("127.0.0.1", "localhost")),
                                      error_type_is("InvalidSignatureException")),
    "header-names-case-sensitive": Probe(with_header_names(str.upper),
                                         error_type_is("InvalidSignatureException")),
    "target-prefix-routing": Probe(create_with(target=envelope.CREATE_SNAPSHOT_TARGET + "s"), succeeded),
    "partition-list-fixed": Probe(lambda ep, post: [post(ep, {"VolumeARN": ep.volume_arn.replace(
        "arn:aws:", "arn:aws-iso-f:"), "SnapshotDescription": "fault probe"})],
        error_type_is("ValidationException")),
    "gateway-part-optional": Probe(lambda ep, post: [post(ep, {"VolumeARN": re.sub(
        r"gateway/[^/]+/", "gateway//", ep.volume_arn), "SnapshotDescription": "fault probe"})],
        error_type_is("InvalidGatewayRequestException")),
    "pattern-end-of-line-slack": Probe(lambda ep, post: [post(ep, {"VolumeARN": ep.volume_arn + "\n",
                                                                   "SnapshotDescription": "fault probe"})],
                                       error_type_is("InvalidGatewayRequestException")),   # looked up
    "tag-key-categories-partial": Probe(create(Tags=[{"Key": "k\u01c5", "Value": "v"}]),
                                        error_type_is("ValidationException")),
    "tag-key-required-unchecked": Probe(create(Tags=[{"Value": "v"}]), succeeded),
    "tag-key-min-unchecked": Probe(create(Tags=[{"Key": "", "Value": "v"}]), succeeded),
    "tag-value-required-unchecked": Probe(create(Tags=[{"Key": "k"}]), succeeded),
    "tag-value-pattern-500": Probe(create(Tags=[{"Key": "k", "Value": "v!"}]), status_is(500)),
    "tag-key-at-sign-refused": Probe(create(Tags=[{"Key": "owner@team", "Value": "v"}]),
                                     error_type_is("ValidationException")),
    "description-max-off-by-one-low": Probe(create(SnapshotDescription="d" * 255),
                                            error_type_is("ValidationException")),
    "unknown-member-500": Probe(create(Extra="x"), status_is(500)),
    "incomplete-body-500": Probe(framed("length-over"), status_line(500)),
    "http-version-unchecked": Probe(framed("version-2"), status_line(200)),
    "expect-continue-500": Probe(framed("expect-continue"), status_line(500)),
    "content-type-parameters-refused": Probe(
        create_with(headers={"Content-Type": "application/x-amz-json-1.1; charset=utf-8"}),
        error_type_is("SerializationException")),
    "path-not-normalised": Probe(framed("target-dot-segment"), refused_as_bad_signature),
    "query-unsorted": Probe(framed("target-query-unsorted"), refused_as_bad_signature),
    "absolute-target-500": Probe(framed("absolute-target"), status_line(500)),
    "repeated-header-first-value": Probe(framed("header-repeated"), refused_as_bad_signature),
    "header-lines-lenient": Probe(framed("header-name-space"), status_line(200)),
    "oversized-500": Probe(framed("headers-many"), status_line(500)),
    "no-length-read-to-close": Probe(framed("no-length-open"), lambda a: a[0] == TIMED_OUT),
    "request-line-lenient": Probe(framed("request-line-no-version"), status_line(200)),
    "http-refusals-422": Probe(framed("version-2"), status_line(422)),
    "date-header-iso": Probe(create(), lambda a: not a[0].headers["Date"].endswith(" GMT")),
    "astral-connection-drop": Probe(unanswered(create(SnapshotDescription="snapshot \U0001F600")),
                                    lambda a: isinstance(a[0], requests.ConnectionError)),
    # Faults that only break SHOULD rules.
    "foreign-content-type-serialization-error": Probe(
        create_with(headers={"Content-Type": "application/json"}), error_type_is("SerializationException")),
    "plain-json-content-type": Probe(create(), lambda a: a[0].headers["Content-Type"] == "application/json"),
    "request-id-missing": Probe(create(), lambda a: "x-amzn-RequestId" not in a[0].headers),
}


def test_the_registry_holds_the_contracts_faults_first_in_order() -> None:
    assert list(FAULTS)[:len(CONTRACT_FAULTS)] == list(CONTRACT_FAULTS)


def test_every_registered_fault_has_a_probe() -> None:
    assert set(PROBES) == set(ALL_FAULTS)


def test_every_fault_names_a_rule_of_the_rulebook_of_the_severity_it_proves() -> None:
    rules = pytest.importorskip("conformance.suite.rulebook").load().rules
    for fault in ALL_FAULTS.values():
        expected = "SHOULD" if fault.name in WARNING_FAULTS else "MUST"
        assert rules[fault.rule].severity == expected, fault.name


def test_a_fault_name_is_in_one_registry_only() -> None:
    assert not set(FAULTS) & set(WARNING_FAULTS)
    assert list(ALL_FAULTS) == [*FAULTS, *WARNING_FAULTS]


@pytest.mark.parametrize("name", sorted(ALL_FAULTS))
def test_each_fault_shows_its_deviation_when_injected(name: str, post_to: Post) -> None:
    with ReferenceEndpoint(faults=[name]) as endpoint:
        answers = PROBES[name].send(endpoint, post_to)
    assert PROBES[name].deviant(answers), shown(answers)


@pytest.mark.parametrize("name", sorted(ALL_FAULTS))
def test_the_clean_endpoint_does_not_show_the_faults_deviation(
        name: str, reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    answers = PROBES[name].send(reference_endpoint, post_to)
    assert not PROBES[name].deviant(answers), shown(answers)


def test_list_faults_prints_every_fault_with_a_description(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--list-faults"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) >= 15 and len(lines) == len(ALL_FAULTS)
    for line, fault in zip(lines, ALL_FAULTS.values(), strict=True):
        assert line.split()[0] == fault.name and fault.description in line


def test_an_unknown_fault_is_a_usage_error_listing_the_valid_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UsageError) as caught:
        FaultSet(["no-such-fault"])
    assert "no-such-fault" in str(caught.value) and all(name in str(caught.value) for name in ALL_FAULTS)
    assert cli.main(["serve", "--fault", "no-such-fault"]) == 2
    assert "valid faults" in capsys.readouterr().err


def test_asking_for_an_unregistered_fault_at_a_decision_point_is_a_bug() -> None:
    with pytest.raises(KeyError):
        FaultSet(["auth-optional"])("auth-optionl")


def test_schema_edits_of_faults_leave_the_committed_schemas_untouched() -> None:
    before = json.dumps(schemas.load_all(), sort_keys=True)
    RequestValidator(faults=FaultSet(ALL_FAULTS))
    assert json.dumps(schemas.load_all(), sort_keys=True) == before
    assert schemas.errors("CreateSnapshotRequest", {"VolumeARN": "x" * 10, "SnapshotDescription": ""})
