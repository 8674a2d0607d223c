"""AWS's Signature Version 4 test suite (fixtures/aws4_testsuite, Apache-2.0) against the project.

Each vector's request goes through :mod:`conformance.protocol.sigv4` (canonical request, string
to sign, Authorization) and each vector's path and query through the running reference endpoint
as a POST signed by botocore's own signer and sent byte for byte as signed (http.client, so no
client normalises the path on the way).
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from conformance.endpoint import ReferenceEndpoint
from conformance.protocol import envelope, sigv4
from conformance.protocol.credentials import EXAMPLE_CREDENTIALS, Credentials

SUITE = Path(__file__).resolve().parent.parent / "fixtures" / "aws4_testsuite"
REGION, SERVICE = "us-east-1", "service"        # every vector's credential scope
# The suite's one inconsistency: get-vanilla-with-session-token's .req lacks the token header that
# its .creq and .authz sign; the vector is driven with the header its .creq shows.
ADDED_HEADERS = {"get-vanilla-with-session-token": (
    ("X-Amz-Security-Token", "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"),)}


@dataclass(frozen=True)
class Vector:
    name: str
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    creq: str
    sts: str
    authz: str

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]

    @property
    def query(self) -> str:
        return self.target.partition("?")[2]


def _read(directory: Path) -> Vector:
    name = directory.name
    text = (directory / f"{name}.req").read_text(encoding="utf-8")
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    request_line, *header_lines = head.split("\n")
    method, rest = request_line.split(" ", 1)
    target = rest.rsplit(" ", 1)[0]          # the path may hold a space (get-space)
    headers: list[list[str]] = []
    for line in header_lines:
        if line[:1] in (" ", "\t") and headers:   # a folded line continues the header above
            headers[-1][1] += " " + line.strip()
        elif line:
            key, _, value = line.partition(":")
            headers.append([key, value])
    headers += [list(pair) for pair in ADDED_HEADERS.get(name, ())]
    expected = ((directory / f"{name}.{ext}").read_text(encoding="utf-8") for ext in ("creq", "sts", "authz"))
    return Vector(name, method, target, tuple((k, v) for k, v in headers), body.encode("utf-8"), *expected)


VECTORS = [_read(req.parent) for req in sorted(SUITE.rglob("*.req"))]


def _joined(vector: Vector) -> dict[str, str]:
    """Header values by lower-cased name, a repeated header's values joined by ',' in order."""
    out: dict[str, str] = {}
    for key, value in vector.headers:
        name = key.lower()
        out[name] = f"{out[name]},{value}" if name in out else value
    return out


def _amz_date(vector: Vector) -> str:
    return _joined(vector)["x-amz-date"]


def test_the_vendored_suite_carries_its_licence_and_notice_and_every_vector() -> None:
    assert "Apache License" in (SUITE / "LICENSE").read_text()
    assert "Amazon.com" in (SUITE / "NOTICE").read_text()
    assert len(VECTORS) == 34


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.name)
def test_every_vector_gives_the_suites_canonical_request_string_to_sign_and_signature(vector: Vector) -> None:
    headers = _joined(vector)
    names = sorted(headers)
    canonical = sigv4.canonical_request(vector.method, vector.path, vector.query, headers, names,
                                        sigv4.sha256_hex(vector.body))
    assert canonical == vector.creq
    scope = sigv4.credential_scope(_amz_date(vector)[:8], REGION, SERVICE)
    assert sigv4.string_to_sign(_amz_date(vector), scope, canonical) == vector.sts
    signature = sigv4.signature(EXAMPLE_CREDENTIALS.secret_key, _amz_date(vector), scope, canonical)
    authz = (f"{sigv4.ALGORITHM} Credential={EXAMPLE_CREDENTIALS.access_key}/{scope}, "
             f"SignedHeaders={';'.join(names)}, Signature={signature}")
    assert authz == vector.authz


@pytest.mark.parametrize(("path", "canonical"), [
    ("/example/..", "/"), ("//example//", "/example/"), ("/a/./b/../c", "/a/c"), ("/..", "/"),
    ("/a/b/..", "/a"), ("/%E1%88%B4", "/%25E1%2588%25B4"), ("", "/"),
])
def test_a_path_is_normalised_then_encoded_as_botocore_does(path: str, canonical: str) -> None:
    assert sigv4.canonical_path(path) == canonical


def test_a_path_ending_in_a_dot_segment_also_has_rfc_3986s_form() -> None:
    assert sigv4.canonical_path("/a/b/..", rfc_trailing_slash=True) == "/a/"
    assert sigv4.canonical_path("/a/b/.", rfc_trailing_slash=True) == "/a/b/"


def test_a_query_is_sorted_by_encoded_name_then_value_not_by_decoded_name() -> None:
    assert sigv4.canonical_query("b=2&%E1%88%B4=1&B=3&a=2&a=1&c") == "%E1%88%B4=1&B=3&a=1&a=2&b=2&c="


def _wire_target(vector: Vector) -> str:
    """The vector's path and query as an HTTP request target (a space or UTF-8 percent-encoded)."""
    return quote(vector.target, safe="".join(chr(c) for c in range(0x21, 0x7F)))


def botocore_signed_post(endpoint: ReferenceEndpoint, target: str, body: bytes = b"{}",
                         operation: str = envelope.LIST_VOLUMES_TARGET,
                         credentials: Credentials | None = None) -> tuple[int, dict[str, object]]:
    """POST ``body`` to ``target`` signed by botocore's SigV4Auth; sent as signed (no normalising)."""
    url = endpoint.url.rstrip("/") + target
    request = AWSRequest("POST", url, data=body, headers={
        "Content-Type": envelope.JSON_CONTENT_TYPE, envelope.TARGET_HEADER: operation})
    pair = credentials or endpoint.credentials
    creds = BotoCredentials(pair.access_key, pair.secret_key)
    SigV4Auth(creds, envelope.SERVICE, endpoint.region).add_auth(request)
    connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=10)
    try:
        connection.request("POST", target, body=body, headers=dict(request.headers.items()))
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        connection.close()


@pytest.fixture(scope="module")
def endpoint() -> ReferenceEndpoint:
    with ReferenceEndpoint() as ep:
        yield ep   # type: ignore[misc]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.name)
def test_every_vectors_path_and_query_signed_by_botocore_is_served(endpoint: ReferenceEndpoint,
                                                                   vector: Vector) -> None:
    status, answer = botocore_signed_post(endpoint, _wire_target(vector))
    assert status == 200, answer
    assert answer["VolumeInfos"]


UNNORMALISED = ["/example/..", "//example//", "/?Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
                "/a/b/..", "/a/b/../", "/./x/%2F/?a=%2F&a=b&A=c"]


@pytest.mark.parametrize("target", UNNORMALISED)
def test_a_botocore_signed_create_snapshot_to_an_unnormalised_target_is_served(endpoint: ReferenceEndpoint,
                                                                                 target: str) -> None:
    body = json.dumps({"VolumeARN": endpoint.volume_arn, "SnapshotDescription": "vectors"}).encode()
    status, answer = botocore_signed_post(endpoint, target, body, envelope.CREATE_SNAPSHOT_TARGET)
    assert status == 200, answer
    assert str(answer["SnapshotId"]).startswith("snap-")


@pytest.mark.parametrize("target", UNNORMALISED)
def test_a_wrong_secret_over_an_unnormalised_target_is_still_refused(endpoint: ReferenceEndpoint,
                                                                     target: str) -> None:
    wrong = Credentials(endpoint.credentials.access_key, "not-the-secret")
    status, answer = botocore_signed_post(endpoint, target, credentials=wrong)
    assert (status, answer["__type"]) == (400, "InvalidSignatureException")
