"""The reference endpoint's awsJson1_1 behaviour: envelope, check order, validation, errors, limits."""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any

import pytest
import requests

from conformance.endpoint import ReferenceEndpoint
from conformance.endpoint.app import MAX_BODY_BYTES
from conformance.protocol import envelope
from conformance.spec import schemas

Post = Any  # the post_to fixture
ARN_PATTERN = schemas.load("CreateSnapshotRequest")["properties"]["VolumeARN"]["pattern"]


def valid(endpoint: ReferenceEndpoint, **extra: Any) -> dict[str, Any]:
    return {"VolumeARN": endpoint.volume_arn, "SnapshotDescription": "protocol test", **extra}


def error(answer: requests.Response, status: int = 400) -> dict[str, Any]:
    assert answer.status_code == status, (answer.status_code, answer.text)
    body: dict[str, Any] = answer.json()
    assert answer.headers["X-Amzn-ErrorType"] == body["__type"]
    return body


def arn_of_length(n: int) -> str:
    """A well-formed volume ARN (pattern-valid) of exactly ``n`` characters, of no stored volume."""
    prefix = "arn:aws:storagegateway:a:1:gateway/g/volume/vol-"
    return prefix + "f" * (n - len(prefix))


def raw_exchange(endpoint: ReferenceEndpoint, data: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", endpoint.port), timeout=10) as sock:
        sock.sendall(data)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()


# -- envelope ------------------------------------------------------------------------------------
def test_every_answer_carries_a_request_id_and_the_json_content_type(
        reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    for answer in (post_to(reference_endpoint, valid(reference_endpoint)),
                   post_to(reference_endpoint, {}), post_to(reference_endpoint, {}, authenticate=False)):
        assert answer.headers["Content-Type"] == envelope.JSON_CONTENT_TYPE
        assert len(answer.headers["x-amzn-RequestId"]) == 36
        assert int(answer.headers["Content-Length"]) == len(answer.content)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"])
def test_a_method_other_than_post_is_404_unknown_operation(reference_endpoint: ReferenceEndpoint,
                                                           method: str) -> None:
    answer = requests.request(method, reference_endpoint.url, timeout=10)
    assert error(answer, 404)["__type"] == "UnknownOperationException"


def test_a_head_request_gets_headers_only_and_the_connection_stays_usable(
        reference_endpoint: ReferenceEndpoint) -> None:
    with requests.Session() as session:
        head = session.head(reference_endpoint.url, timeout=10)
        after = session.get(reference_endpoint.url, timeout=10)
    assert head.status_code == 404 and head.content == b""
    assert error(after, 404)["__type"] == "UnknownOperationException"


@pytest.mark.parametrize("target", [None, "StorageGateway_20130630.DeleteVolume", "Nonsense", ""])
def test_a_missing_or_unknown_target_is_unknown_operation(reference_endpoint: ReferenceEndpoint,
                                                          post_to: Post, target: str | None) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint), target=target)
    assert error(answer)["__type"] == "UnknownOperationException"


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "application/x-amz-json-1.0"])
def test_any_content_type_is_accepted(reference_endpoint: ReferenceEndpoint, post_to: Post,
                                      content_type: str) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint), headers={"Content-Type": content_type})
    assert answer.status_code == 200, answer.text


def test_one_keep_alive_connection_serves_several_requests(reference_endpoint: ReferenceEndpoint) -> None:
    body = json.dumps(valid(reference_endpoint)).encode()
    conn = http.client.HTTPConnection("127.0.0.1", reference_endpoint.port, timeout=10)
    try:
        statuses, sockets = [], set()
        for _ in range(3):
            conn.request("POST", "/", body=body, headers=reference_endpoint.signed_headers(body))
            answer = conn.getresponse()
            answer.read()
            statuses.append(answer.status)
            sockets.add(id(conn.sock))
    finally:
        conn.close()
    assert statuses == [200, 200, 200] and len(sockets) == 1


# -- check order ---------------------------------------------------------------------------------
def test_an_invalid_arn_of_no_volume_is_a_validation_error_not_volume_not_found(
        reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint, VolumeARN=arn_of_length(49)))
    assert error(answer)["__type"] == "ValidationException"


def test_a_wrong_type_is_reported_before_constraint_violations(reference_endpoint: ReferenceEndpoint,
                                                               post_to: Post) -> None:
    answer = post_to(reference_endpoint, {"VolumeARN": 12, "SnapshotDescription": ""})
    assert error(answer)["__type"] == "SerializationException"


# -- body and types ------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [b"{", b"not json", b"\xff\xfe{}", b'{"VolumeARN": NaN}', b"[1,2]", b'"str"',
                                 b"null", b"12", b'{"a":' * 200 + b"1" + b"}" * 200,
                                 b"[" * 100_000 + b"]" * 100_000])
def test_a_body_that_is_not_a_json_object_is_a_serialization_exception(
        reference_endpoint: ReferenceEndpoint, post_to: Post, raw: bytes) -> None:
    assert error(post_to(reference_endpoint, raw=raw))["__type"] == "SerializationException"


@pytest.mark.parametrize("params", [
    {"VolumeARN": 123, "SnapshotDescription": "d"},
    {"SnapshotDescription": True},
    {"SnapshotDescription": ["d"]},
    {"Tags": "owner=me"},
    {"Tags": [1]},
    {"Tags": [None]},
    {"Tags": [{"Key": 1, "Value": "v"}]},
    {"Tags": {"Key": "k", "Value": "v"}},
])
def test_a_member_of_the_wrong_json_type_is_a_serialization_exception(
        reference_endpoint: ReferenceEndpoint, post_to: Post, params: dict[str, Any]) -> None:
    answer = post_to(reference_endpoint, {**valid(reference_endpoint), **params})
    assert error(answer)["__type"] == "SerializationException"


def test_an_empty_body_is_the_empty_input_and_lists_both_missing_members(
        reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    body = error(post_to(reference_endpoint, raw=b""))
    assert body["__type"] == "ValidationException"
    assert body["message"] == (
        "2 validation errors detected: "
        "Value null at 'snapshotDescription' failed to satisfy constraint: Member must not be null; "
        "Value null at 'volumeARN' failed to satisfy constraint: Member must not be null")


def test_null_members_are_absent_and_unknown_members_ignored(reference_endpoint: ReferenceEndpoint,
                                                             post_to: Post) -> None:
    accepted = post_to(reference_endpoint, valid(reference_endpoint, Tags=None, Extra={"x": 1}))
    assert accepted.status_code == 200, accepted.text
    answer = post_to(reference_endpoint, valid(reference_endpoint, VolumeARN=None))
    assert "Value null at 'volumeARN' failed to satisfy constraint: Member must not be null" \
           in error(answer)["message"]


# -- validation ----------------------------------------------------------------------------------
def test_a_validation_exception_lists_every_violation_in_aws_format(reference_endpoint: ReferenceEndpoint,
                                                                    post_to: Post) -> None:
    tags = [{"Key": "ok", "Value": "ok"}, {"Key": "bad#", "Value": None}]
    answer = post_to(reference_endpoint, {"VolumeARN": "x", "SnapshotDescription": "", "Tags": tags})
    assert error(answer)["message"] == (
        "5 validation errors detected: "
        "Value '' at 'snapshotDescription' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; "
        "Value 'bad#' at 'tags.2.member.key' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$; "
        "Value null at 'tags.2.member.value' failed to satisfy constraint: Member must not be null; "
        "Value 'x' at 'volumeARN' failed to satisfy constraint: "
        "Member must have length greater than or equal to 50; "
        "Value 'x' at 'volumeARN' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {ARN_PATTERN}")


@pytest.mark.parametrize(("extra", "where"), [
    ({"SnapshotDescription": "d" * 256}, "snapshotDescription"),
    ({"SnapshotDescription": ""}, "snapshotDescription"),
    ({"VolumeARN": arn_of_length(501)}, "volumeARN"),
    ({"VolumeARN": arn_of_length(49)}, "volumeARN"),
    ({"VolumeARN": arn_of_length(60).replace("arn:aws:", "arn:xyz:")}, "volumeARN"),
    ({"Tags": [{"Key": "k", "Value": "v"}] * 51}, "tags"),
    ({"Tags": [{"Key": "", "Value": "v"}]}, "tags.1.member.key"),
    ({"Tags": [{"Key": "k" * 129, "Value": "v"}]}, "tags.1.member.key"),
    ({"Tags": [{"Key": "k", "Value": "v" * 257}]}, "tags.1.member.value"),
    ({"Tags": [{"Key": "k"}]}, "tags.1.member.value"),
    ({"Tags": [{"Value": "v"}]}, "tags.1.member.key"),
])
def test_each_constraint_of_the_schemas_is_enforced(reference_endpoint: ReferenceEndpoint, post_to: Post,
                                                    extra: dict[str, Any], where: str) -> None:
    body = error(post_to(reference_endpoint, valid(reference_endpoint, **extra)))
    assert body["__type"] == "ValidationException" and f" at '{where}' " in body["message"]


@pytest.mark.parametrize("extra", [
    {"SnapshotDescription": "d" * 255},
    {"SnapshotDescription": "d"},
    {"SnapshotDescription": "日本語のスナップショット 🎉𝄞"},
    {"SnapshotDescription": "\U0001F389" * 255},
    {"Tags": [{"Key": "k" * 128, "Value": "v" * 256}]},
    {"Tags": [{"Key": "ключ", "Value": "значение"}, {"Key": "键 _.:/=+-@", "Value": ""}]},
    {"Tags": [{"Key": f"k{i}", "Value": "v"} for i in range(50)]},
    {"Tags": []},
])
def test_values_at_the_boundaries_and_unicode_are_accepted(reference_endpoint: ReferenceEndpoint,
                                                           post_to: Post, extra: dict[str, Any]) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint, **extra))
    assert answer.status_code == 200, answer.text
    assert schemas.is_valid("CreateSnapshotResponse", answer.json())


@pytest.mark.parametrize("length", [50, 500])
def test_a_well_formed_arn_of_boundary_length_passes_validation_then_is_volume_not_found(
        reference_endpoint: ReferenceEndpoint, post_to: Post, length: int) -> None:
    body = error(post_to(reference_endpoint, valid(reference_endpoint, VolumeARN=arn_of_length(length))))
    assert body["__type"] == "InvalidGatewayRequestException"
    assert body["error"]["errorCode"] == "VolumeNotFound"
    assert schemas.is_valid("StorageGatewayErrorBody", body)


def test_list_volumes_takes_an_integral_json_number_as_limit(reference_endpoint: ReferenceEndpoint,
                                                             post_to: Post) -> None:
    answer = post_to(reference_endpoint, {"Limit": 1.0}, target=envelope.LIST_VOLUMES_TARGET)
    assert answer.status_code == 200 and len(answer.json()["VolumeInfos"]) == 1


@pytest.mark.parametrize(("params", "expected"), [
    ({"Limit": 0}, "ValidationException"),
    ({"GatewayARN": "arn:aws:storagegateway:us-east-2:1:volume/x"}, "ValidationException"),
    ({"Limit": "ten"}, "SerializationException"),
    ({"Limit": 1.5}, "SerializationException"),
    ({"Limit": True}, "SerializationException"),
    ({"Marker": "not-issued"}, "InvalidGatewayRequestException"),
    ({"Marker": "\u00b2"}, "InvalidGatewayRequestException"),
])
def test_list_volumes_validates_its_input(reference_endpoint: ReferenceEndpoint, post_to: Post,
                                          params: dict[str, Any], expected: str) -> None:
    answer = post_to(reference_endpoint, params, target=envelope.LIST_VOLUMES_TARGET)
    assert error(answer)["__type"] == expected


# -- limits and malformed HTTP -------------------------------------------------------------------
def test_a_body_over_1_mib_is_refused_with_a_json_error_and_the_connection_closed(
        reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    answer = post_to(reference_endpoint, raw=b" " * (MAX_BODY_BYTES + 1))
    body = error(answer)
    assert body["error"]["errorCode"] == "MaximumContentLengthExceeded"
    assert answer.headers["Connection"] == "close"
    assert post_to(reference_endpoint, valid(reference_endpoint)).status_code == 200


def test_a_chunked_body_over_1_mib_is_refused_while_streaming(reference_endpoint: ReferenceEndpoint) -> None:
    def chunks() -> Any:
        for _ in range(64):
            yield b" " * 65536   # 4 MiB in all

    answer = requests.post(reference_endpoint.url, data=chunks(), timeout=10,
                           headers=reference_endpoint.signed_headers(b""))
    assert error(answer)["error"]["errorCode"] == "MaximumContentLengthExceeded"


def test_a_body_of_exactly_1_mib_is_read(reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    params = valid(reference_endpoint)
    raw = json.dumps(params).encode()
    raw += b" " * (MAX_BODY_BYTES - len(raw))
    assert post_to(reference_endpoint, raw=raw).status_code == 200


def test_an_oversized_request_expecting_100_continue_is_refused_without_continue(
        reference_endpoint: ReferenceEndpoint) -> None:
    head = (f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {4 * MAX_BODY_BYTES}\r\n"
            f"Expect: 100-continue\r\nX-Amz-Target: {envelope.CREATE_SNAPSHOT_TARGET}\r\n\r\n").encode()
    status, _, body = raw_exchange(reference_endpoint, head)
    assert status == 400 and json.loads(body)["error"]["errorCode"] == "MaximumContentLengthExceeded"


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"POST / HTTP/2.0\r\n\r\n",
    b"POST / SPDY/3\r\n\r\n",
    b"POST /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
    b"POST / HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
    b"POST / HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \xb2\r\n\r\n{}",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
])
def test_a_malformed_http_request_gets_a_4xx_json_error(reference_endpoint: ReferenceEndpoint,
                                                        request_bytes: bytes) -> None:
    status, headers, body = raw_exchange(reference_endpoint, request_bytes)
    assert 400 <= status < 500
    assert headers["content-type"] == envelope.JSON_CONTENT_TYPE
    assert json.loads(body)["__type"]


def test_an_internal_bug_is_answered_as_json_internal_failure_not_a_dropped_connection(
        post_to: Post, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    with ReferenceEndpoint() as endpoint:
        assert endpoint.store is not None

        def broken(*args: Any, **kwargs: Any) -> str:
            raise RuntimeError("simulated bug")

        monkeypatch.setattr(endpoint.store, "create_snapshot", broken)
        answer = post_to(endpoint, valid(endpoint))
    assert error(answer, 500)["__type"] == "InternalFailure"
    assert "simulated bug" in caplog.text and "simulated bug" not in answer.text
