"""The reference endpoint as boto3 sees it: an ordinary Storage Gateway endpoint (issue 3, Must show)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

boto3 = pytest.importorskip("boto3")
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from conformance.endpoint import ReferenceEndpoint  # noqa: E402
from conformance.protocol import credentials  # noqa: E402

EXAMPLE = credentials.EXAMPLE_CREDENTIALS
OTHER_VOLUMES = tuple(
    f"arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-22B3456C/volume/vol-{n:08X}" for n in range(5)
)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[ReferenceEndpoint]:
    with ReferenceEndpoint(volumes=OTHER_VOLUMES) as ep:
        yield ep


def client(endpoint: ReferenceEndpoint, secret: str = EXAMPLE.secret_key, key: str = EXAMPLE.access_key,
           token: str | None = None) -> Any:
    return boto3.client("storagegateway", endpoint_url=endpoint.url, region_name="us-east-2",
                        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
                        config=Config(retries={"max_attempts": 1}))


def error_of(call: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response


def test_list_volumes_finds_the_seeded_volume(endpoint: ReferenceEndpoint) -> None:
    infos = client(endpoint).list_volumes()["VolumeInfos"]
    seeded = [v for v in infos if v["VolumeARN"] == endpoint.volume_arn]
    assert seeded and seeded[0]["VolumeId"] == "vol-1122AABB" and seeded[0]["GatewayId"] == "sgw-12A3456B"


def test_list_volumes_pages_through_every_volume_with_limit_and_marker(endpoint: ReferenceEndpoint) -> None:
    sgw = client(endpoint)
    seen: list[str] = []
    page = sgw.list_volumes(Limit=2)
    seen += [v["VolumeARN"] for v in page["VolumeInfos"]]
    while "Marker" in page:
        page = sgw.list_volumes(Limit=2, Marker=page["Marker"])
        seen += [v["VolumeARN"] for v in page["VolumeInfos"]]
    assert sorted(seen) == sorted({endpoint.volume_arn, *OTHER_VOLUMES})


def test_boto3s_paginator_over_three_volumes_with_a_page_size_of_one_lists_all_three() -> None:
    three = OTHER_VOLUMES[:2]
    with ReferenceEndpoint(volumes=three) as ep:
        pages = list(client(ep).get_paginator("list_volumes").paginate(PaginationConfig={"PageSize": 1}))
        listed = [v["VolumeARN"] for page in pages for v in page["VolumeInfos"]]
    assert len(pages) == 3 and all(len(page["VolumeInfos"]) == 1 for page in pages)
    assert sorted(listed) == sorted([ep.volume_arn, *three])


def test_list_volumes_of_one_gateway_lists_only_its_volumes(endpoint: ReferenceEndpoint) -> None:
    gateway = OTHER_VOLUMES[0].rpartition("/volume/")[0]
    infos = client(endpoint).list_volumes(GatewayARN=gateway)["VolumeInfos"]
    assert sorted(v["VolumeARN"] for v in infos) == sorted(OTHER_VOLUMES)


def test_list_volumes_of_an_unknown_gateway_is_gateway_not_found(endpoint: ReferenceEndpoint) -> None:
    unknown = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-00000000"
    response = error_of(client(endpoint).list_volumes, GatewayARN=unknown)
    assert response["Error"]["Code"] == "InvalidGatewayRequestException"
    assert response["error"]["errorCode"] == "GatewayNotFound"


def test_create_snapshot_on_the_seeded_volume_succeeds_with_a_fresh_snap_id(
        endpoint: ReferenceEndpoint) -> None:
    sgw = client(endpoint)
    tags = [{"Key": "owner", "Value": "team-ä"}]
    first = sgw.create_snapshot(VolumeARN=endpoint.volume_arn, SnapshotDescription="nightly", Tags=tags)
    second = sgw.create_snapshot(VolumeARN=endpoint.volume_arn, SnapshotDescription="nightly")
    assert first["VolumeARN"] == endpoint.volume_arn
    assert first["SnapshotId"].startswith("snap-") and len(first["SnapshotId"]) == 13
    assert first["SnapshotId"] != second["SnapshotId"]
    assert endpoint.store is not None
    stored = endpoint.store.snapshot(first["SnapshotId"])
    assert stored is not None and stored.description == "nightly" and stored.tags == tags


def test_a_256_character_description_raises_validation_exception(endpoint: ReferenceEndpoint) -> None:
    response = error_of(client(endpoint).create_snapshot, VolumeARN=endpoint.volume_arn,
                        SnapshotDescription="d" * 256)
    assert response["Error"]["Code"] == "ValidationException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "at 'snapshotDescription' failed to satisfy constraint: Member must have length less than or " \
           "equal to 255" in response["Error"]["Message"]


def test_an_unknown_volume_raises_invalid_gateway_request_with_volume_not_found(
        endpoint: ReferenceEndpoint) -> None:
    unknown = endpoint.volume_arn.replace("vol-1122AABB", "vol-99999999")
    response = error_of(client(endpoint).create_snapshot, VolumeARN=unknown, SnapshotDescription="d")
    assert response["Error"]["Code"] == "InvalidGatewayRequestException"
    assert response["error"]["errorCode"] == "VolumeNotFound"


def test_a_wrong_secret_raises_invalid_signature_exception(endpoint: ReferenceEndpoint) -> None:
    sgw = client(endpoint, secret="not-the-secret")
    response = error_of(sgw.create_snapshot, VolumeARN=endpoint.volume_arn, SnapshotDescription="d")
    assert response["Error"]["Code"] == "InvalidSignatureException"


def test_an_unknown_access_key_raises_unrecognized_client_exception(endpoint: ReferenceEndpoint) -> None:
    sgw = client(endpoint, key="AKIDUNKNOWN")
    response = error_of(sgw.create_snapshot, VolumeARN=endpoint.volume_arn, SnapshotDescription="d")
    assert response["Error"]["Code"] == "UnrecognizedClientException"


def test_a_session_token_from_boto3_is_accepted(endpoint: ReferenceEndpoint) -> None:
    sgw = client(endpoint, token="any-session-token")
    assert sgw.create_snapshot(VolumeARN=endpoint.volume_arn, SnapshotDescription="d")["SnapshotId"]


def test_a_request_signed_an_hour_ago_is_refused_as_expired(endpoint: ReferenceEndpoint) -> None:
    body = json.dumps({"VolumeARN": endpoint.volume_arn, "SnapshotDescription": "late"}).encode()
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    headers = endpoint.signed_headers(body, when=an_hour_ago)
    answer = requests.post(endpoint.url, data=body, headers=headers, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["__type"] == "InvalidSignatureException"
    assert answer.json()["message"].startswith("Signature expired: ")
