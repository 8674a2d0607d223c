"""Another project's tests against the reference endpoint, through the ``sgw_endpoint`` fixture.

Installing sgw-conformance is all it takes: its pytest plugin provides the fixture (a session's
endpoint on a free port), the way moto's ThreadedMotoServer is used. Run with
``pytest examples/test_with_fixture.py``.
"""

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


@pytest.fixture
def storagegateway(sgw_endpoint):
    sgw_endpoint.reset()   # every test starts with no snapshots
    return boto3.client("storagegateway", endpoint_url=sgw_endpoint.url, region_name=sgw_endpoint.region,
                        aws_access_key_id=sgw_endpoint.access_key,
                        aws_secret_access_key=sgw_endpoint.secret_key,
                        config=Config(retries={"max_attempts": 1}))


def back_up(client, volume_arn, label):
    """The code under test: snapshot a volume with a description."""
    return client.create_snapshot(VolumeARN=volume_arn, SnapshotDescription=f"backup {label}")["SnapshotId"]


def test_the_backup_snapshots_the_volume(storagegateway, sgw_endpoint):
    assert back_up(storagegateway, sgw_endpoint.volume_arn, "nightly").startswith("snap-")
    assert sgw_endpoint.store.snapshot_count() == 1


def test_the_volume_is_listed(storagegateway, sgw_endpoint):
    listed = storagegateway.list_volumes()["VolumeInfos"]
    assert [v["VolumeARN"] for v in listed] == [sgw_endpoint.volume_arn]


def test_an_unknown_volume_is_reported_as_aws_reports_it(storagegateway, sgw_endpoint):
    unknown = sgw_endpoint.volume_arn.replace("vol-1122AABB", "vol-00000000")
    with pytest.raises(ClientError) as caught:
        back_up(storagegateway, unknown, "nightly")
    assert caught.value.response["Error"]["Code"] == "InvalidGatewayRequestException"
    assert caught.value.response["error"]["errorCode"] == "VolumeNotFound"
