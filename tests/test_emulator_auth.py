"""SigV4 verification by the reference endpoint: each defect gets AWS's error type.

The types are those of docs/protocol.md > Observed answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from aws_requests_auth.aws_auth import AWSRequestsAuth

from conformance.endpoint import ReferenceEndpoint
from conformance.protocol import credentials, envelope, sigv4

Post = Any  # the post_to fixture


def valid(endpoint: ReferenceEndpoint) -> dict[str, str]:
    return {"VolumeARN": endpoint.volume_arn, "SnapshotDescription": "auth test"}


def error_type(answer: requests.Response) -> str:
    assert answer.status_code == 400, (answer.status_code, answer.text)
    return str(answer.json()["__type"])


def test_a_correctly_signed_request_is_served(reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    assert post_to(reference_endpoint, valid(reference_endpoint)).status_code == 200


def test_a_request_without_authorization_is_missing_authentication_token(
        reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint), authenticate=False)
    assert error_type(answer) == "MissingAuthenticationTokenException"


@pytest.mark.parametrize("authorization", [
    "Bearer abc",
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, SignedHeaders=host, Signature=00",
    "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abcd",
    "",
])
def test_a_malformed_authorization_header_is_an_incomplete_signature(
        reference_endpoint: ReferenceEndpoint, post_to: Post, authorization: str) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint), headers={"Authorization": authorization})
    assert error_type(answer) == "IncompleteSignatureException"


def test_a_signed_request_without_x_amz_date_is_an_incomplete_signature(
        reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint), headers={"X-Amz-Date": None})
    assert error_type(answer) == "IncompleteSignatureException"


def test_a_signature_that_leaves_host_unsigned_is_refused(reference_endpoint: ReferenceEndpoint,
                                                          post_to: Post) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint), signed=["x-amz-date"])
    assert error_type(answer) in {"IncompleteSignatureException", "InvalidSignatureException"}


def test_an_unknown_access_key_is_an_unrecognized_client(reference_endpoint: ReferenceEndpoint,
                                                         post_to: Post) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint), access_key="AKIDSOMEONEELSE")
    assert error_type(answer) == "UnrecognizedClientException"


def test_a_wrong_secret_is_an_invalid_signature(reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint), secret="wrong")
    assert error_type(answer) == "InvalidSignatureException"


@pytest.mark.parametrize(("sign_args", "says"), [
    ({"region": "eu-west-1"}, "region"),
    ({"service": "ec2"}, "service"),
])
def test_a_credential_scope_for_another_region_or_service_is_an_invalid_signature(
        reference_endpoint: ReferenceEndpoint, post_to: Post, sign_args: dict[str, str], says: str) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint), **sign_args)
    assert error_type(answer) == "InvalidSignatureException" and says in answer.json()["message"]


def test_a_scope_terminator_other_than_aws4_request_is_refused(reference_endpoint: ReferenceEndpoint) -> None:
    body = json.dumps(valid(reference_endpoint)).encode()
    headers = reference_endpoint.signed_headers(body)
    headers["Authorization"] = headers["Authorization"].replace("/aws4_request", "/aws5_request")
    answer = requests.post(reference_endpoint.url, data=body, headers=headers, timeout=10)
    assert error_type(answer) == "InvalidSignatureException" and "terminator" in answer.json()["message"]


def test_a_scope_date_other_than_the_x_amz_date_day_is_refused(reference_endpoint: ReferenceEndpoint) -> None:
    body = json.dumps(valid(reference_endpoint)).encode()
    headers = reference_endpoint.signed_headers(body)
    tomorrow = datetime.strptime(headers["X-Amz-Date"], sigv4.AMZ_DATE_FORMAT) + timedelta(days=1)
    headers["X-Amz-Date"] = tomorrow.strftime(sigv4.AMZ_DATE_FORMAT)
    answer = requests.post(reference_endpoint.url, data=body, headers=headers, timeout=10)
    assert error_type(answer) == "InvalidSignatureException"
    assert "credential scope" in answer.json()["message"]


def test_a_sound_signature_scoped_to_another_day_than_x_amz_date_is_refused(
        reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y%m%d")
    answer = post_to(reference_endpoint, valid(reference_endpoint), scope_date=yesterday)
    assert error_type(answer) == "InvalidSignatureException"
    assert "credential scope" in answer.json()["message"]


@pytest.mark.parametrize(("shift", "starts"), [
    (timedelta(minutes=-16), "Signature expired: "),
    (timedelta(hours=-1), "Signature expired: "),
    (timedelta(minutes=16), "Signature not yet current: "),
])
def test_a_request_time_beyond_15_minutes_either_way_is_refused(
        reference_endpoint: ReferenceEndpoint, post_to: Post, shift: timedelta, starts: str) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint), when=datetime.now(UTC) + shift)
    assert error_type(answer) == "InvalidSignatureException"
    assert answer.json()["message"].startswith(starts)


@pytest.mark.parametrize("shift", [timedelta(minutes=-5), timedelta(minutes=-4), timedelta(minutes=4)])
def test_a_request_time_within_5_minutes_either_way_is_accepted(
        reference_endpoint: ReferenceEndpoint, post_to: Post, shift: timedelta) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint), when=datetime.now(UTC) + shift)
    assert answer.status_code == 200, answer.text


def test_a_body_changed_after_signing_is_an_invalid_signature(reference_endpoint: ReferenceEndpoint) -> None:
    signed_body = json.dumps(valid(reference_endpoint)).encode()
    sent_body = json.dumps({**valid(reference_endpoint), "SnapshotDescription": "changed"}).encode()
    headers = reference_endpoint.signed_headers(signed_body)
    answer = requests.post(reference_endpoint.url, data=sent_body, headers=headers, timeout=10)
    assert error_type(answer) == "InvalidSignatureException"


def test_a_declared_payload_hash_that_is_not_the_bodys_is_refused(reference_endpoint: ReferenceEndpoint,
                                                                    post_to: Post) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint),
                     headers={"X-Amz-Content-Sha256": sigv4.sha256_hex(b"another body")})
    assert error_type(answer) == "InvalidSignatureException"


def test_a_body_changed_after_signing_with_the_old_hash_declared_is_still_refused(
        reference_endpoint: ReferenceEndpoint) -> None:
    signed_body = json.dumps(valid(reference_endpoint)).encode()
    sent_body = json.dumps({**valid(reference_endpoint), "SnapshotDescription": "changed"}).encode()
    headers = reference_endpoint.signed_headers(
        signed_body, extra_headers={"x-amz-content-sha256": sigv4.sha256_hex(signed_body)})
    answer = requests.post(reference_endpoint.url, data=sent_body, headers=headers, timeout=10)
    assert error_type(answer) == "InvalidSignatureException"


def test_a_request_signed_by_aws_requests_auth_is_accepted(reference_endpoint: ReferenceEndpoint) -> None:
    host = reference_endpoint.url.split("//")[1].rstrip("/")
    creds = reference_endpoint.credentials
    auth = AWSRequestsAuth(aws_access_key=creds.access_key, aws_secret_access_key=creds.secret_key,
                           aws_host=host, aws_region="us-east-2", aws_service=envelope.SERVICE)
    answer = requests.post(reference_endpoint.url, data=json.dumps(valid(reference_endpoint)), auth=auth,
                           headers={"X-Amz-Target": envelope.CREATE_SNAPSHOT_TARGET,
                                    "Content-Type": envelope.JSON_CONTENT_TYPE}, timeout=10)
    assert answer.status_code == 200, answer.text


def test_a_signed_header_changed_after_signing_is_an_invalid_signature(
        reference_endpoint: ReferenceEndpoint) -> None:
    body = json.dumps({}).encode()
    headers = reference_endpoint.signed_headers(
        body, extra_headers={"x-amz-target": envelope.LIST_VOLUMES_TARGET},
        target=envelope.LIST_VOLUMES_TARGET)
    assert requests.post(reference_endpoint.url, data=body, headers=headers, timeout=10).status_code == 200
    headers = {k: v for k, v in headers.items() if k.lower() != "x-amz-target"}
    headers["X-Amz-Target"] = envelope.CREATE_SNAPSHOT_TARGET
    answer = requests.post(reference_endpoint.url, data=body, headers=headers, timeout=10)
    assert error_type(answer) == "InvalidSignatureException"


CHARSET_CONTENT_TYPE = f"{envelope.JSON_CONTENT_TYPE}; charset=utf-8"


def envelope_signed(endpoint: ReferenceEndpoint, content_type: str) -> tuple[bytes, dict[str, str]]:
    """A valid body and headers signing Content-Type (as given) and X-Amz-Target, as botocore does."""
    body = json.dumps(valid(endpoint)).encode()
    extra = {"Content-Type": content_type, "X-Amz-Target": envelope.CREATE_SNAPSHOT_TARGET}
    return body, endpoint.signed_headers(body, extra_headers=extra)


@pytest.mark.parametrize("content_type", [envelope.JSON_CONTENT_TYPE, CHARSET_CONTENT_TYPE])
def test_a_request_signing_its_content_type_and_target_is_served(
        reference_endpoint: ReferenceEndpoint, content_type: str) -> None:
    body, headers = envelope_signed(reference_endpoint, content_type)
    assert {"content-type", "x-amz-target"} <= set(sigv4.parse_authorization(headers["Authorization"])
                                                   .signed_headers)
    answer = requests.post(reference_endpoint.url, data=body, headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text


def test_a_signed_content_type_given_a_charset_after_signing_is_an_invalid_signature(
        reference_endpoint: ReferenceEndpoint) -> None:
    body, headers = envelope_signed(reference_endpoint, envelope.JSON_CONTENT_TYPE)
    headers["Content-Type"] = CHARSET_CONTENT_TYPE
    answer = requests.post(reference_endpoint.url, data=body, headers=headers, timeout=10)
    assert error_type(answer) == "InvalidSignatureException"


def test_a_signed_session_token_is_accepted_for_the_known_key(reference_endpoint: ReferenceEndpoint,
                                                             post_to: Post) -> None:
    answer = post_to(reference_endpoint, valid(reference_endpoint), token="FwoGZXIvYXdzEXAMPLE")
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def token_endpoint() -> Iterator[ReferenceEndpoint]:
    creds = credentials.Credentials("AKIDTOKEN", "token-secret", session_token="the-session-token")
    with ReferenceEndpoint(credentials=creds) as ep:
        yield ep


@pytest.mark.parametrize(("token", "served"), [("the-session-token", True), ("another-token", False),
                                               (None, False)])
def test_a_configured_session_token_must_be_the_one_presented(token_endpoint: ReferenceEndpoint,
                                                              post_to: Post, token: str | None,
                                                              served: bool) -> None:
    answer = post_to(token_endpoint, valid(token_endpoint), token=token)
    if served:
        assert answer.status_code == 200, answer.text
    else:
        assert error_type(answer) == "UnrecognizedClientException"


def test_authentication_is_checked_after_the_target_and_before_the_body(
        reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    unsigned_unknown_target = post_to(reference_endpoint, raw=b"not json", target="X.Y", authenticate=False)
    assert error_type(unsigned_unknown_target) == "UnknownOperationException"
    unsigned_bad_body = post_to(reference_endpoint, raw=b"not json", authenticate=False)
    assert error_type(unsigned_bad_body) == "MissingAuthenticationTokenException"


def test_no_answer_to_a_failed_authentication_shows_the_secret_or_the_signature(
        reference_endpoint: ReferenceEndpoint, post_to: Post) -> None:
    secret = reference_endpoint.credentials.secret_key
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    for sign_args in ({"secret": "wrong"}, {"region": "eu-west-1"}, {"when": long_ago}):
        answer = post_to(reference_endpoint, valid(reference_endpoint), **sign_args)
        signature = answer.request.headers["Authorization"].rpartition("Signature=")[2]
        assert answer.status_code == 400
        assert secret not in answer.text and signature not in answer.text
