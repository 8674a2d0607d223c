"""The ``sgw_endpoint`` fixture as another project uses it: examples/ run by pytest in its own process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conformance.endpoint import ReferenceEndpoint

REPO = Path(__file__).resolve().parent.parent


def test_the_example_outside_the_test_directory_passes_with_the_plugins_fixture(tmp_path: Path) -> None:
    pytest.importorskip("boto3")
    example = REPO / "examples" / "test_with_fixture.py"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir",
                           str(tmp_path), "-c", "/dev/null", str(example)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def test_the_fixture_is_listed_by_pytest_with_its_description() -> None:
    done = subprocess.run([sys.executable, "-m", "pytest", "--fixtures", "-q", "-p", "no:cacheprovider",
                           "-c", "/dev/null", str(REPO / "examples")], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert "sgw_endpoint" in done.stdout and "ThreadedMotoServer" in done.stdout


def test_reset_forgets_the_snapshots_and_keeps_the_volumes() -> None:
    extra = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-22B3456C/volume/vol-0000000A"
    with ReferenceEndpoint(volumes=[extra]) as endpoint:
        assert endpoint.store is not None
        endpoint.store.create_snapshot(extra, "before", [])
        endpoint.store.add_volume("arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-3/volume/vol-0000000B")
        endpoint.reset()
        assert endpoint.store.snapshot_count() == 0
        assert [v.arn for v in endpoint.store.volumes()] == sorted([endpoint.volume_arn, extra])
        assert (endpoint.access_key, endpoint.secret_key) == (endpoint.credentials.access_key,
                                                              endpoint.credentials.secret_key)
