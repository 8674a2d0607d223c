"""Clients nobody here wrote, against `serve` in its own process: the AWS SDK for JavaScript v3
(tests/js, installed by .ci/run with npm) and boto3.  Each lists volumes, creates a snapshot, and
meets a validation error, an unknown volume and a wrong secret, with AWS's error names, the
modelled errorCode, and no retry of a client error."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_emulator_serve import exported, serving, stop

JS_DIR = Path(__file__).resolve().parent / "js"
JS_PACKAGE = JS_DIR / "node_modules" / "@aws-sdk" / "client-storage-gateway"


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, str]]:
    """`serve` on a free port; its banner, the exported credentials among it."""
    with serving("--quiet") as (process, banner):
        yield {**banner, **exported(banner["export"])}
        stop(process, signal.SIGTERM)


def _js_skip_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not JS_PACKAGE.is_dir():
        return ("@aws-sdk/client-storage-gateway is not installed (.ci/run installs it: "
                "cd tests/js && npm install)")
    return None


@pytest.fixture(scope="module")
def js_results(served: dict[str, str]) -> dict[str, Any]:
    reason = _js_skip_reason()
    if reason:
        pytest.skip(reason)
    env = {**os.environ, "AWS_ACCESS_KEY_ID": served["AWS_ACCESS_KEY_ID"],
           "AWS_SECRET_ACCESS_KEY": served["AWS_SECRET_ACCESS_KEY"], "NODE_NO_WARNINGS": "1"}
    done = subprocess.run(["node", "sgw_client.mjs", served["url"], served["region"], served["volume"]],
                          cwd=JS_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    results: dict[str, Any] = json.loads(done.stdout)
    return results


def test_the_javascript_sdk_lists_the_volume_and_creates_a_snapshot(js_results: dict[str, Any],
                                                                     served: dict[str, str]) -> None:
    assert [v["VolumeARN"] for v in js_results["list"]["answer"]["VolumeInfos"]] == [served["volume"]]
    assert js_results["snapshot"]["answer"]["SnapshotId"].startswith("snap-")
    assert js_results["snapshot"]["answer"]["VolumeARN"] == served["volume"]


@pytest.mark.parametrize(("call", "name", "error_code"), [
    ("validation", "ValidationException", None),
    ("unknownVolume", "InvalidGatewayRequestException", "VolumeNotFound"),
    ("wrongSecret", "InvalidSignatureException", None),
])
def test_the_javascript_sdk_meets_each_client_error_by_name_once(js_results: dict[str, Any], call: str,
                                                                 name: str, error_code: str | None) -> None:
    got = js_results[call]
    assert (got["ok"], got["name"], got["errorCode"], got["status"]) == (False, name, error_code, 400)
    assert got["fault"] == "client" and got["attempts"] == 1   # a client error is not retried


boto3 = pytest.importorskip("boto3")
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402


def _boto3(served: dict[str, str], secret: str | None = None) -> Any:
    return boto3.client("storagegateway", endpoint_url=served["url"],
                        region_name=served["AWS_DEFAULT_REGION"],
                        aws_access_key_id=served["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=secret or served["AWS_SECRET_ACCESS_KEY"],
                        config=Config(parameter_validation=False))   # the server's validation, not boto3's


def test_boto3_lists_the_volume_and_creates_a_snapshot(served: dict[str, str]) -> None:
    client = _boto3(served)
    assert [v["VolumeARN"] for v in client.list_volumes()["VolumeInfos"]] == [served["volume"]]
    answer = client.create_snapshot(VolumeARN=served["volume"], SnapshotDescription="from boto3")
    assert answer["SnapshotId"].startswith("snap-") and answer["ResponseMetadata"]["RetryAttempts"] == 0


@pytest.mark.parametrize(("case", "name", "error_code"), [
    ("validation", "ValidationException", None),
    ("unknown volume", "InvalidGatewayRequestException", "VolumeNotFound"),
    ("wrong secret", "InvalidSignatureException", None),
])
def test_boto3_meets_each_client_error_by_name_once(served: dict[str, str], case: str, name: str,
                                                    error_code: str | None) -> None:
    volume = served["volume"]
    client = _boto3(served, "not-the-secret" if case == "wrong secret" else None)
    if case == "unknown volume":
        volume = volume.replace("vol-1122AABB", "vol-00000000")
    params = {"VolumeARN": volume, "SnapshotDescription": "d" * 256 if case == "validation" else "boto3"}
    with pytest.raises(ClientError) as caught:
        client.create_snapshot(**params)
    response = caught.value.response
    assert response["Error"]["Code"] == name and response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response.get("error", {}).get("errorCode") == error_code
    assert response["ResponseMetadata"]["RetryAttempts"] == 0
