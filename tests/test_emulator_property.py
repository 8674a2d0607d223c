"""Property: whatever is thrown at the reference endpoint, it answers in JSON and never with a 5xx.

Arbitrary methods, targets, headers and bodies (signed or not) go through requests; arbitrary
request lines go over a raw socket.  Every answer must be a complete HTTP answer with the JSON
content type; an error must carry ``__type``; a success must match the response schema; and
the endpoint must log no internal failure (no traceback).
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.endpoint import ReferenceEndpoint
from conformance.protocol import envelope
from conformance.spec import schemas

# Headers the HTTP client itself owns (framing, connection): overriding them tests requests, not us.
CLIENT_OWNED = {"content-length", "transfer-encoding", "host", "connection", "expect", "te", "upgrade",
                "keep-alive", "trailer", "proxy-connection"}
HEADER_NAMES = st.one_of(
    st.sampled_from(["Authorization", "X-Amz-Date", "X-Amz-Target", "Content-Type", "X-Amz-Security-Token",
                     "X-Amz-Content-Sha256", "Accept-Encoding"]),
    st.from_regex(r"\A[A-Za-z0-9!#$%&'*+.^`|~-]{1,24}\Z"),
).filter(lambda name: name.lower() not in CLIENT_OWNED)
HEADER_VALUES = st.from_regex(r"\A[!-~]([ -~\xa0-\xff]{0,60}[!-~])?\Z")
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
TAGS = st.lists(st.fixed_dictionaries({}, optional={"Key": JSON_VALUES | st.text(max_size=140),
                                                    "Value": JSON_VALUES | st.text(max_size=260)}),
                max_size=3)


def near_valid(arn: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={
        "VolumeARN": st.sampled_from([arn, arn.upper(), arn + "x", ""]) | JSON_VALUES,
        "SnapshotDescription": st.text(max_size=300) | JSON_VALUES,
        "Tags": TAGS | JSON_VALUES,
        "Limit": JSON_VALUES | st.integers(-3, 10**6).map(float), "Marker": JSON_VALUES,
        "GatewayARN": JSON_VALUES,
    })


class _Failures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def watched() -> Iterator[tuple[ReferenceEndpoint, _Failures, requests.Session]]:
    failures = _Failures()
    logger = logging.getLogger("conformance.endpoint")
    logger.addHandler(failures)
    try:
        with ReferenceEndpoint() as endpoint, requests.Session() as session:
            yield endpoint, failures, session
    finally:
        logger.removeHandler(failures)


def assert_well_answered(answer: requests.Response, method: str, target: str | None) -> None:
    assert answer.status_code < 500, (answer.status_code, answer.text)
    assert answer.headers.get("Content-Type") == envelope.JSON_CONTENT_TYPE
    assert answer.headers.get("x-amzn-RequestId")
    if method == "HEAD":
        return
    body = answer.json()
    assert isinstance(body, dict)
    if answer.status_code != 200:
        assert isinstance(body.get("__type"), str) and body["__type"], body
        assert isinstance(body.get("message"), str)
    elif target == envelope.CREATE_SNAPSHOT_TARGET:
        assert schemas.is_valid("CreateSnapshotResponse", body), body
    else:
        assert isinstance(body.get("VolumeInfos"), list), body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(),
       method=st.sampled_from(["POST"] * 6 + ["GET", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"])
       | st.from_regex(r"\A[A-Z]{1,10}\Z"),
       target=st.sampled_from([envelope.CREATE_SNAPSHOT_TARGET] * 4 + [envelope.LIST_VOLUMES_TARGET, None])
       | st.from_regex(r"\A[ -~]{0,40}\Z").map(str.strip),
       sign=st.booleans(),
       headers=st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=4))
def test_any_request_gets_a_json_answer_and_never_a_5xx(watched: Any, data: st.DataObject, method: str,
                                                          target: str | None, sign: bool,
                                                          headers: dict[str, str]) -> None:
    endpoint, failures, session = watched
    body: bytes = data.draw(st.one_of(
        st.binary(max_size=200),
        JSON_VALUES.map(lambda v: json.dumps(v).encode()),
        near_valid(endpoint.volume_arn).map(lambda v: json.dumps(v).encode()),
    ))
    sent = endpoint.signed_headers(body, target) if sign else {"X-Amz-Target": target} if target else {}
    sent.update(headers)
    answer = session.request(method, endpoint.url, data=body, headers=sent, timeout=10)
    assert_well_answered(answer, method, sent.get("X-Amz-Target", target))
    assert not failures.records, failures.records[0].getMessage()


TARGETS = [envelope.CREATE_SNAPSHOT_TARGET, envelope.LIST_VOLUMES_TARGET]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), target=st.sampled_from(TARGETS))
def test_any_signed_body_reaching_an_operation_gets_a_json_answer(watched: Any, data: st.DataObject,
                                                                 target: str) -> None:
    endpoint, failures, session = watched
    body = json.dumps(data.draw(near_valid(endpoint.volume_arn))).encode()
    answer = session.post(endpoint.url, data=body, headers=endpoint.signed_headers(body, target), timeout=10)
    assert_well_answered(answer, "POST", target)
    assert not failures.records, failures.records[0].getMessage()


def raw_answer(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


@settings(max_examples=150, deadline=None)
@given(line=st.binary(max_size=300).filter(lambda b: b"\r" not in b and b"\n" not in b)
       | st.sampled_from([b"\x1c", b" ", b"GET /", b"POST / HTTP/2.0", b"POST / HTTP/1.1 extra"]))
def test_any_request_line_gets_a_complete_json_answer(watched: Any, line: bytes) -> None:
    endpoint, failures, _ = watched
    rest = b"\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    received = raw_answer(endpoint.port, line + rest)
    head, _, body = received.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1."), received[:200]
    status = int(status_line.split()[1])
    assert 400 <= status < 500 or status == 200, status_line
    assert envelope.JSON_CONTENT_TYPE.encode() in head
    if not line.startswith(b"HEAD "):
        assert json.loads(body).get("__type") or status == 200
    assert not failures.records, failures.records[0].getMessage()
